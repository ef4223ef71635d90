import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TEST_CONFIG, testModel, values } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { BpeTokenizer } from '../tokenizer/bpe';
import { base64ToBytes, bytesToBase64, loadCheckpoint, saveCheckpoint } from './checkpoint';

describe('checkpoint', () => {
  it('round-trips weights bit-exactly through JSON', async () => {
    const tok = BpeTokenizer.train('ab ab ab', 257).toJSON();
    const m = testModel(4);
    const json = JSON.parse(
      JSON.stringify(await saveCheckpoint(m, { ...tok, vocabSize: 32 }, { note: 'test' })),
    );
    json.tokenizer.vocabSize = TEST_CONFIG.vocabSize; // the model's vocab, for this test
    const { model } = loadCheckpoint(json);
    for (const [name, v] of m.params) {
      expect(await values(model.params.get(name) ?? tf.zeros([1]))).toEqual(await values(v));
    }
    model.dispose();
    m.dispose();
  });

  it('says what is wrong with a bad file, and leaks nothing', async () => {
    const m = testModel(4);
    const good = await saveCheckpoint(m, BpeTokenizer.train('ab', 257).toJSON(), {});
    good.tokenizer.vocabSize = 32;
    m.dispose();
    const live = liveTensors();
    expect(() => loadCheckpoint({ format: 'x' })).toThrow(/not a DPO Playground/);
    expect(() => loadCheckpoint({ ...good, version: 2 })).toThrow(/version/);
    const missing = { ...good, params: { ...good.params } };
    delete missing.params['ln_f.bias'];
    expect(() => loadCheckpoint(missing)).toThrow(/ln_f.bias/);
    const short = {
      ...good,
      params: { ...good.params, 'wte.weight': { shape: [32, 16], data: 'AAAA' } },
    };
    expect(() => loadCheckpoint(short)).toThrow(/wrong size/);
    live.expectUnchanged();
  });

  it('base64 round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
  });
});
