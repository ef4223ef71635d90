/**
 * The shipped micro checkpoint was trained in PyTorch (python/pretrain_gpt.py): the app must
 * compute the same function. The fixture holds PyTorch's Σ log p of held-out reviews, written
 * by `npm run pretrain:torch` with the checkpoint.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BpeTokenizer } from '../tokenizer/bpe';
import { sequenceLogprob } from '../worker/exports';
import { loadCheckpoint } from './checkpoint';

const root = resolve(__dirname, '../..');
const fixture = JSON.parse(
  readFileSync(resolve(__dirname, 'sft-micro-parity.fixture.json'), 'utf8'),
) as { checkpoint: string; texts: string[]; torchLogprobs: number[] };

/**
 * Nats per review (≈ 40–60 tokens, Σ log p ≈ −40 to −70). The CPU backend sums in the order
 * PyTorch does within float32 noise (5.6e-6 at export); WebGPU's fused kernels reduce in
 * another order, which measured 1.0e-4 on one review on SwiftShader (2e-6 relative).
 */
const tolerance = () => (tf.getBackend() === 'webgpu' ? 5e-4 : 1e-4);

describe('the PyTorch-trained micro checkpoint', () => {
  it('gives PyTorch’s log-probs of held-out reviews (1e-4 nats on the CPU backend)', async () => {
    expect(fixture.checkpoint).toBe('public/checkpoints/sft-micro.json');
    const json = JSON.parse(readFileSync(resolve(root, fixture.checkpoint), 'utf8'));
    const { model, checkpoint } = loadCheckpoint(json, false);
    const tokenizer = BpeTokenizer.fromJSON(checkpoint.tokenizer);
    expect(fixture.texts).toHaveLength(8);
    try {
      for (const [i, text] of fixture.texts.entries()) {
        const { logprob } = await sequenceLogprob(model, tokenizer, text);
        const torch = fixture.torchLogprobs[i] ?? Number.NaN;
        // Tens of nats per review: an architecture mismatch would be off by whole nats.
        expect(torch).toBeLessThan(-5);
        expect(Math.abs(logprob - torch)).toBeLessThan(tolerance());
      }
    } finally {
      model.dispose();
    }
  });
});
