/**
 * Bad files for the Hugging Face importers: ≥ 1,000 generated malformed inputs each for the
 * safetensors reader, config.json, vocab.json + merges.txt and the whole folder import. Each
 * input must load or throw an Error whose message is a sentence, within a time bound, leaking
 * no tensors.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_CONFIG } from '../../test/helpers';
import { utf8 } from '../../test/results';
import { attempt, expectClear, junkJson } from '../../test/robustness';
import { rawSafetensors } from '../../test/safetensors';
import { BpeTokenizer } from '../../tokenizer/bpe';
import { makeConfig } from '../config';
import { GPT } from '../gpt';
import { exportHfGpt2, type HfFiles, type ImportedHfModel, importHfGpt2 } from './gpt2';
import { fromHfConfig } from './hfConfig';
import { readSafetensors } from './safetensors';
import { tokenizerFromHf } from './tokenizerFiles';

const RUNS = 1_000;
const SEED = 20_241_127;

/** Bytes that are not what the file should hold. */
const junkBytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  junkJson.map(utf8),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Uint8Array.of(0x7b, ...b, 0xff, 0x7d)),
);

/** A JSON object's text with `pairs` (key, JSON text of the value) written over its keys. */
function withKeys(objectText: string, pairs: [string, string][]): string {
  const rest = JSON.parse(objectText) as Record<string, unknown>;
  for (const [key] of pairs) delete rest[key];
  const body = JSON.stringify(rest).slice(1, -1);
  const added = pairs.map(([key, value]) => `${JSON.stringify(key)}:${value}`);
  return `{${[body, ...added].filter(Boolean).join(',')}}`;
}
const setKey = (objectText: string, key: string, value: string) =>
  withKeys(objectText, [[key, value]]);

describe('safetensors reader', () => {
  const header = fc.dictionary(
    fc.oneof(fc.constantFrom('__metadata__', 'w', 'b'), fc.string({ maxLength: 6 })),
    fc.oneof(
      fc.record(
        {
          dtype: fc.oneof(
            fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'F64', 'BOOL'),
            fc.jsonValue(),
          ),
          shape: fc.oneof(
            fc.array(fc.integer({ min: -2, max: 6 }), { maxLength: 4 }),
            fc.array(fc.constantFrom(2 ** 31, 2 ** 53, 1e300, 0.5), { maxLength: 3 }),
            fc.jsonValue(),
          ),
          data_offsets: fc.oneof(
            fc.tuple(fc.nat(80), fc.nat(80)),
            fc.array(fc.oneof(fc.integer(), fc.double()), { maxLength: 3 }),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    { maxKeys: 5 },
  );
  const file = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    // A declared header length anywhere in u64, then whatever follows.
    fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ maxLength: 100 }))
      .map(([n, rest]) => {
        const out = new Uint8Array(8 + rest.length);
        new DataView(out.buffer).setBigUint64(0, n, true);
        out.set(rest, 8);
        return out;
      }),
    fc.tuple(header, fc.uint8Array({ maxLength: 96 })).map(([h, data]) => rawSafetensors(h, data)),
    // A well-formed file, then truncated, lengthened or with its length field off by a bit.
    fc
      .tuple(header, fc.uint8Array({ maxLength: 96 }), fc.integer({ min: -40, max: 40 }))
      .map(([h, data, cut]) => {
        const bytes = rawSafetensors(h, data);
        return cut < 0 ? bytes.subarray(0, bytes.length + cut) : Uint8Array.of(...bytes, cut);
      }),
    fc.tuple(header, fc.integer({ min: -9, max: 9 })).map(([h, delta]) => {
      const bytes = rawSafetensors(h).slice();
      const view = new DataView(bytes.buffer);
      view.setBigUint64(0, BigInt(Math.max(0, Number(view.getBigUint64(0, true)) + delta)), true);
      return bytes;
    }),
    junkJson.map((json) => rawSafetensorsText(json)),
  );

  it(`reads or refuses ${RUNS} malformed files with a clear message`, () => {
    fc.assert(
      fc.property(file, (bytes) => {
        const r = expectClear(() => readSafetensors(bytes));
        for (const t of r.value?.tensors.values() ?? []) {
          expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('names the problem of hand-made bad headers', () => {
    const err = (bytes: Uint8Array) => attempt(() => readSafetensors(bytes)).error;
    expect(err(rawSafetensorsText(`${'['.repeat(50_000)}${']'.repeat(50_000)}`))).toBe(
      'safetensors: header is not a JSON object',
    );
    expect(
      err(
        rawSafetensors(
          { w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } },
          new Uint8Array(4),
        ),
      ),
    ).toBe(
      'safetensors: tensor w of shape [1099511627776,1099511627776] and dtype F32 needs 4.835703278458517e+24 bytes, data_offsets give 4',
    );
  });
});

/** [u64 header length][header text as given][no data]. */
function rawSafetensorsText(headerText: string): Uint8Array {
  const json = utf8(headerText);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('Hugging Face folder import', () => {
  let base: HfFiles;
  let configText: string;

  beforeAll(async () => {
    const tokenizer = BpeTokenizer.train(['the cat sat on the mat', 'the dog ate the food'], 270);
    const model = GPT.create(
      makeConfig({ ...TEST_CONFIG, vocabSize: tokenizer.vocabSize }),
      5,
      false,
    );
    base = (await exportHfGpt2(model, tokenizer)).files;
    model.dispose();
    configText = base['config.json'] as string;
    importHfGpt2(base).model.dispose(); // warm the backend so timing is the importer's
  });

  const CONFIG_KEYS = [
    'n_layer',
    'n_head',
    'n_embd',
    'n_positions',
    'n_ctx',
    'vocab_size',
    'n_inner',
    'layer_norm_epsilon',
    'model_type',
    'activation_function',
    'resid_pdrop',
    'embd_pdrop',
    'attn_pdrop',
    'eos_token_id',
    'tie_word_embeddings',
    'scale_attn_weights',
  ];

  type Mutation = (files: HfFiles) => void;
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc
      .tuple(fc.constantFrom(...Object.keys(exportFileNames)), junkBytes)
      .map(([name, bytes]) => (f: HfFiles) => {
        f[name] = bytes;
      }),
    fc.constantFrom(...Object.keys(exportFileNames)).map((name) => (f: HfFiles) => {
      delete f[name];
    }),
    fc
      .tuple(fc.oneof(fc.constantFrom(...CONFIG_KEYS), fc.string({ maxLength: 5 })), junkJson)
      .map(([key, value]) => (f: HfFiles) => {
        f['config.json'] = setKey(configText, key, value);
      }),
    // n_layer / n_embd / vocab_size / n_positions far beyond the weights given.
    fc
      .tuple(
        fc.constantFrom('n_layer', 'n_embd', 'vocab_size', 'n_positions'),
        fc.constantFrom(4096, 65_536, 1_048_576, 2 ** 31),
      )
      .map(([key, n]) => (f: HfFiles) => {
        f['config.json'] = setKey(configText, key, String(n));
      }),
    fc
      .tuple(fc.nat(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -3.4e38 * 10))
      .map(([at, value]) => (f: HfFiles) => {
        f['model.safetensors'] = withWeight(f['model.safetensors'], at, value);
      }),
    fc.tuple(fc.nat(), fc.nat(255)).map(([at, byte]) => (f: HfFiles) => {
      const w = f['model.safetensors'];
      if (!(w instanceof Uint8Array) || w.length === 0) return;
      const copy = w.slice();
      copy[at % copy.length] = byte;
      f['model.safetensors'] = copy;
    }),
    fc.nat().map((keep) => (f: HfFiles) => {
      const w = f['model.safetensors'];
      if (w instanceof Uint8Array) f['model.safetensors'] = w.subarray(0, keep % (w.length + 1));
    }),
    fc.tuple(fc.string({ maxLength: 4 }), junkJson).map(([token, value]) => (f: HfFiles) => {
      f['vocab.json'] = setKey(base['vocab.json'] as string, token, value);
    }),
    fc.tuple(fc.nat(), fc.string({ maxLength: 12 })).map(([at, line]) => (f: HfFiles) => {
      const lines = String(f['merges.txt']).split('\n');
      lines.splice(at % lines.length, at % 2, line);
      f['merges.txt'] = lines.join('\n');
    }),
    fc.constantFrom<Mutation>(
      (f) => {
        f['other/config.json'] = f['config.json'] ?? '';
      },
      (f) => {
        f['model.safetensors.index.json'] = '{}';
        delete f['model.safetensors'];
      },
      (f) => {
        f['model.safetensors'] = String(f['model.safetensors']);
      },
    ),
  );

  it(`imports or refuses ${RUNS} damaged checkpoints clearly, leaking no tensors`, () => {
    let imported = 0;
    const kinds = new Set<string>(); // messages with the numbers taken out
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const files = { ...base };
        for (const m of mutations) m(files);
        const r = expectClear(
          () => importHfGpt2(files),
          (m: ImportedHfModel) => m.model.dispose(),
        );
        if (r.value) imported++;
        if (r.error) kinds.add(r.error.replace(/\d+/g, 'N').slice(0, 50));
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The damage reaches every layer of the importer, and some of it is harmless.
    expect(imported).toBeGreaterThan(20);
    expect(kinds.size).toBeGreaterThan(30);
  });

  it(`reads or refuses ${RUNS} malformed config.json values`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...CONFIG_KEYS), junkJson), { maxLength: 3 }),
        (pairs) => {
          const text = withKeys(configText, pairs);
          expectClear(() => fromHfConfig(JSON.parse(text)));
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`reads or refuses ${RUNS} malformed vocab.json / merges.txt pairs`, () => {
    const vocab = fc.oneof(
      junkJson,
      fc
        .tuple(fc.string({ maxLength: 4 }), junkJson)
        .map(([token, value]) => setKey(base['vocab.json'] as string, token, value)),
    );
    const merges = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 30 }).map((ls) => ls.join('\n')),
      fc.constant(String(base['merges.txt'])),
    );
    const eot = fc.oneof(fc.constant('<|endoftext|>'), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(vocab, merges, eot, (v, m, e) => {
        const r = expectClear(() => tokenizerFromHf(JSON.parse(v), m, e));
        if (r.value) expect(r.value.hfIds.length).toBe(r.value.tokenizer.vocabSize);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('refuses non-finite weights, naming the tensor', () => {
    const files = {
      ...base,
      'model.safetensors': withWeight(base['model.safetensors'], 0, Number.NaN),
    };
    expect(attempt(() => importHfGpt2(files)).error).toMatch(
      /^model\.safetensors: transformer\.\S+ holds NaN at index \d+; the file is damaged or the model diverged$/,
    );
  });

  it('says which value config.json has wrong without dumping it', () => {
    const deep = setKey(configText, 'model_type', `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    expect(attempt(() => fromHfConfig(JSON.parse(deep))).error).toBe(
      `config.json model_type is ${'['.repeat(40)}…, not "gpt2"`,
    );
    const huge = setKey(configText, 'n_layer', JSON.stringify('9'.repeat(1_000_000)));
    expect(attempt(() => fromHfConfig(JSON.parse(huge))).error).toBe(
      `config.json n_layer must be a positive integer, got "${'9'.repeat(39)}…`,
    );
  });
});

/** The files exportHfGpt2 writes, by name (for picking one to damage). */
const exportFileNames = {
  'model.safetensors': 1,
  'config.json': 1,
  'generation_config.json': 1,
  'vocab.json': 1,
  'merges.txt': 1,
  'tokenizer_config.json': 1,
  'special_tokens_map.json': 1,
};

/** A copy of a safetensors file with one float32 of its data (index `at`, wrapped) set. */
function withWeight(file: Uint8Array | string | undefined, at: number, value: number): Uint8Array {
  if (!(file instanceof Uint8Array)) return new Uint8Array();
  const copy = file.slice();
  if (copy.length < 8) return copy;
  const view = new DataView(copy.buffer);
  const dataStart = 8 + Number(view.getBigUint64(0, true));
  const floats = Math.floor((copy.length - dataStart) / 4);
  if (floats > 0) view.setFloat32(dataStart + 4 * (at % floats), value, true);
  return copy;
}
