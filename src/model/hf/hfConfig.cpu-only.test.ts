import { describe, expect, it } from 'vitest';
import { makeConfig } from '../config';
import { fromHfConfig, toHfConfig } from './hfConfig';

/** The keys of GPT-2 small's config.json that matter here. */
const GPT2_SMALL = {
  activation_function: 'gelu_new',
  attn_pdrop: 0.1,
  embd_pdrop: 0.1,
  eos_token_id: 50256,
  layer_norm_epsilon: 1e-5,
  model_type: 'gpt2',
  n_ctx: 1024,
  n_embd: 768,
  n_head: 12,
  n_layer: 12,
  n_positions: 1024,
  resid_pdrop: 0.1,
  vocab_size: 50257,
};

describe('hfConfig', () => {
  it("reads GPT-2 small's config", () => {
    expect(fromHfConfig(GPT2_SMALL)).toEqual({
      config: {
        nLayer: 12,
        nHead: 12,
        nEmbd: 768,
        blockSize: 1024,
        vocabSize: 50257,
        dropout: 0.1,
        layerNormEps: 1e-5,
      },
      eosTokenId: 50256,
      warnings: [],
    });
  });

  it('round-trips our config', () => {
    const cfg = makeConfig({ preset: 'micro', blockSize: 32, vocabSize: 300, layerNormEps: 1e-6 });
    const back = fromHfConfig(JSON.parse(JSON.stringify(toHfConfig(cfg, 299))));
    expect(back).toEqual({ config: cfg, eosTokenId: 299, warnings: [] });
  });

  it('warns where it approximates, and falls back to n_ctx', () => {
    const { n_positions: _, ...noPositions } = GPT2_SMALL;
    const r = fromHfConfig({ ...noPositions, activation_function: 'gelu', attn_pdrop: 0 });
    expect(r.config.blockSize).toBe(1024);
    expect(r.config.dropout).toBe(0.1);
    // Exact erf GELU is computed as such now: no warning, and it round-trips.
    expect(r.config.activation).toBe('gelu');
    expect(r.warnings).toEqual([
      'one dropout for all: resid_pdrop 0.1 (embd_pdrop 0.1, attn_pdrop 0)',
    ]);
    expect(toHfConfig(r.config, 50256).activation_function).toBe('gelu');
    expect(fromHfConfig(GPT2_SMALL).config.activation).toBeUndefined();
    expect(
      fromHfConfig({ ...GPT2_SMALL, activation_function: 'gelu_fast' }).config.activation,
    ).toBe(undefined);
  });

  it('refuses what the GPT cannot run', () => {
    const bad = (patch: Record<string, unknown>) => () => fromHfConfig({ ...GPT2_SMALL, ...patch });
    expect(bad({ n_embd: 770 })).toThrow('nEmbd (770) must be divisible by nHead (12)');
    expect(bad({ scale_attn_by_inverse_layer_idx: true })).toThrow(
      'config.json scale_attn_by_inverse_layer_idx: per-layer attention scaling is not supported',
    );
    expect(bad({ resid_pdrop: 1 })).toThrow('config.json resid_pdrop must be in [0, 1), got 1');
    expect(bad({ vocab_size: 2 ** 21 })).toThrow(
      'config.json vocab_size 2097152 is beyond the supported 1048576',
    );
    expect(() => fromHfConfig(null)).toThrow('config.json must be a JSON object');
  });
});
