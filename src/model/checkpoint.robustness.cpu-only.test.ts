/**
 * Bad files for the app's own checkpoint JSON and for the worker's model import (checkpoint or
 * GPT-2 folder): ≥ 1,000 generated malformed inputs each must load or throw an Error whose
 * message is a sentence, within a time bound, leaking no tensors.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_CONFIG } from '../test/helpers';
import { liveTensors } from '../test/leaks';
import { utf8 } from '../test/results';
import { attempt, expectClear, junkJson } from '../test/robustness';
import { BpeTokenizer } from '../tokenizer/bpe';
import { importModel } from '../worker/dataImport';
import { bytesToBase64, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { makeConfig } from './config';
import { GPT } from './gpt';
import { exportHfGpt2 } from './hf/gpt2';

const RUNS = 1_000;
const SEED = 20_241_128;

/** The JSON text of `doc` with the value at `path` replaced by `valueText` (or removed). */
function replaceAt(doc: unknown, path: string[], valueText: string | undefined): string {
  const MARK = 'replace-me-7f3a';
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return JSON.stringify(copy);
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (valueText === undefined) delete node[last];
  else node[last] = MARK;
  // A function replacement, so '$' in the value is not a pattern.
  return JSON.stringify(copy).replace(`"${MARK}"`, () => valueText ?? '');
}

const floatsBase64 = (values: number[]) =>
  bytesToBase64(new Uint8Array(Float32Array.from(values).buffer));

describe('checkpoint JSON', () => {
  let doc: Record<string, unknown>;
  let paramNames: string[];

  beforeAll(async () => {
    const tokenizer = BpeTokenizer.train(['the cat sat on the mat', 'the dog ate'], 265);
    const model = GPT.create(
      makeConfig({ ...TEST_CONFIG, vocabSize: tokenizer.vocabSize }),
      9,
      false,
    );
    doc = JSON.parse(JSON.stringify(await saveCheckpoint(model, tokenizer.toJSON(), { seed: 9 })));
    model.dispose();
    paramNames = Object.keys(doc.params as object);
    loadCheckpoint(doc).model.dispose(); // warm the backend so timing is the loader's
  });

  const TOP = ['format', 'version', 'config', 'params', 'meta'];
  const CONFIG = ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'vocabSize', 'dropout', 'layerNormEps'];
  const TOKENIZER = ['kind', 'version', 'vocabSize', 'merges', 'eot'];
  /** Damaged checkpoint text: one part of a valid checkpoint replaced by junk. */
  const damaged = (): fc.Arbitrary<string> =>
    fc.oneof(
      junkJson,
      fc
        .tuple(fc.constantFrom(...TOP), fc.option(junkJson))
        .map(([k, v]) => replaceAt(doc, [k], v ?? undefined)),
      fc
        .tuple(fc.constantFrom(...CONFIG), fc.option(junkJson))
        .map(([k, v]) => replaceAt(doc, ['config', k], v ?? undefined)),
      // Sizes far beyond the weights given: must be refused before anything is allocated.
      fc
        .tuple(
          fc.constantFrom('nLayer', 'nEmbd', 'blockSize', 'vocabSize'),
          fc.constantFrom(1e9, 2 ** 30, 4096),
        )
        .map(([k, n]) => replaceAt(doc, ['config', k], String(n))),
      fc
        .tuple(fc.constantFrom(...TOKENIZER), fc.option(junkJson))
        .map(([k, v]) => replaceAt(doc, ['tokenizer', k], v ?? undefined)),
      fc
        .tuple(
          fc.constantFrom(...paramNames),
          fc.constantFrom('shape', 'data', ''),
          fc.option(junkJson),
        )
        .map(([name, k, v]) =>
          replaceAt(doc, k ? ['params', name, k] : ['params', name], v ?? undefined),
        ),
      fc
        .tuple(
          fc.constantFrom(...paramNames),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY),
        )
        .map(([name, bad]) => {
          const n = ((doc.params as Record<string, { shape: number[] }>)[name]?.shape ?? []).reduce(
            (a, b) => a * b,
            1,
          );
          const values = Array.from({ length: n }, (_, i) => (i === n - 1 ? bad : 0));
          return replaceAt(doc, ['params', name, 'data'], JSON.stringify(floatsBase64(values)));
        }),
    );

  it(`loads or refuses ${RUNS} damaged checkpoints clearly, leaking no tensors`, () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(damaged(), (text) => {
        const r = expectClear(
          () => loadCheckpoint(JSON.parse(text)),
          (v) => v.model.dispose(),
        );
        if (r.error) kinds.add(r.error.replace(/\d+/g, 'N').slice(0, 40));
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(kinds.size).toBeGreaterThan(15);
  });

  it(`imports or refuses ${RUNS} model files in the worker clearly, leaking no tensors`, () => {
    const file = fc.oneof(
      damaged().map((text) => [{ name: 'model.json', bytes: utf8(text) }]),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => [{ name: 'x.json', bytes }]),
      fc.array(
        fc.record({
          name: fc.oneof(
            fc.constantFrom('config.json', 'model.safetensors', 'vocab.json', 'merges.txt'),
            fc.string({ maxLength: 12 }),
          ),
          bytes: fc.oneof(fc.uint8Array({ maxLength: 200 }), junkJson.map(utf8)),
        }),
        { maxLength: 5 },
      ),
    );
    fc.assert(
      fc.property(file, (files) => {
        expectClear(
          () => importModel(files),
          (v) => v.model.dispose(),
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('leaks no tensors when a checkpoint has a broken tokenizer', () => {
    const text = replaceAt(doc, ['tokenizer', 'merges'], '[[1, 2], [1, 2]]');
    const tensors = liveTensors();
    const r = attempt(() => importModel([{ name: 'm.json', bytes: utf8(text) }]));
    expect(r.error).toBe('tokenizer merge 1 repeats [1, 2]');
    tensors.expectUnchanged();
  });

  it('names what is wrong in hand-made bad checkpoints', () => {
    const err = (text: string) => attempt(() => loadCheckpoint(JSON.parse(text))).error;
    expect(err(replaceAt(doc, ['config', 'nLayer'], '1000000000'))).toBe(
      'checkpoint config has 1000000000 layers of width 16 (3,280,000,004,448 parameters), over the 150,000,000-parameter limit',
    );
    expect(err(replaceAt(doc, ['params', 'wpe.weight', 'data'], '"%%%"'))).toBe(
      'checkpoint parameter wpe.weight is not base64 float32 data',
    );
    expect(err(replaceAt(doc, ['params', 'wpe.weight'], '7'))).toBe(
      'checkpoint parameter wpe.weight must be an object with base64 data',
    );
    const nan = floatsBase64(Array.from({ length: 16 * 16 }, (_, i) => (i === 5 ? Number.NaN : 0)));
    expect(err(replaceAt(doc, ['params', 'wpe.weight', 'data'], JSON.stringify(nan)))).toBe(
      'checkpoint parameter wpe.weight holds NaN at index 5; the file is damaged or the model diverged',
    );
    expect(err(replaceAt(doc, ['tokenizer'], '7'))).toBe('tokenizer JSON must be an object');
  });

  it('imports a GPT-2 folder and a checkpoint file through the worker entry', async () => {
    const tokenizer = BpeTokenizer.train(['a b a b'], 258);
    const model = GPT.create(makeConfig({ ...TEST_CONFIG, vocabSize: 258 }), 1, false);
    const { files } = await exportHfGpt2(model, tokenizer);
    model.dispose();
    const picked = Object.entries(files).map(([name, f]) => ({
      name: `gpt2/${name}`,
      bytes: typeof f === 'string' ? utf8(f) : f,
    }));
    const hf = importModel(picked);
    expect([hf.origin, hf.tokenizer.vocabSize, hf.model.config.nLayer]).toEqual([
      'Hugging Face GPT-2 files',
      258,
      2,
    ]);
    hf.model.dispose();
    const own = importModel([{ name: 'sft.json', bytes: utf8(JSON.stringify(doc)) }]);
    expect([own.origin, own.meta]).toEqual(['sft.json', { seed: 9 }]);
    own.model.dispose();
  });
});
