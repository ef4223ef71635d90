import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { seededIds, TEST_CONFIG } from '../../test/helpers';
import { liveTensors } from '../../test/leaks';
import { bitsOf, rawSafetensors, u16Bytes } from '../../test/safetensors';
import { BpeTokenizer } from '../../tokenizer/bpe';
import { makeConfig } from '../config';
import { GPT } from '../gpt';
import { exportHfGpt2, type HfFiles, importHfGpt2 } from './gpt2';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from './safetensors';

const CORPUS = ['the cat sat on the mat', 'the dog ate the food', "it's a naïve café, ok?"];
const TEXT = 'the cat ate the naïve food';

function setup(seed = 3) {
  // Each text twice, so every pair occurs twice and training reaches the asked size.
  const tokenizer = BpeTokenizer.train([...CORPUS, ...CORPUS], 290);
  const config = makeConfig({ ...TEST_CONFIG, vocabSize: tokenizer.vocabSize });
  return { tokenizer, model: GPT.create(config, seed, false) };
}

async function paramBits(model: GPT): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, v] of model.params) out[name] = bitsOf((await v.data()) as Float32Array);
  return out;
}

async function logits(model: GPT, ids: number[][]): Promise<Float32Array> {
  const x = tf.tensor2d(ids, [ids.length, ids[0]?.length ?? 0], 'int32');
  const y = model.forward(x);
  const data = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return data;
}

const bytes = (f: Uint8Array | string | undefined): Uint8Array => {
  if (!(f instanceof Uint8Array)) throw new Error('expected bytes');
  return f;
};
const text = (f: Uint8Array | string | undefined): string => {
  if (typeof f !== 'string') throw new Error('expected text');
  return f;
};

describe('exportHfGpt2 → importHfGpt2', () => {
  it('writes the files save_pretrained writes, with GPT-2 names and config keys', async () => {
    const { model, tokenizer } = setup();
    const { files } = await exportHfGpt2(model, tokenizer);
    expect(Object.keys(files).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'merges.txt',
      'model.safetensors',
      'special_tokens_map.json',
      'tokenizer_config.json',
      'vocab.json',
    ]);
    const eot = tokenizer.eot;
    expect(JSON.parse(text(files['config.json']))).toMatchObject({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      n_embd: 16,
      n_layer: 2,
      n_head: 2,
      n_positions: 16,
      n_ctx: 16,
      vocab_size: tokenizer.vocabSize,
      activation_function: 'gelu_new',
      layer_norm_epsilon: 1e-5,
      bos_token_id: eot,
      eos_token_id: eot,
      tie_word_embeddings: true,
    });
    const { entries, metadata } = readSafetensorsHeader(bytes(files['model.safetensors']));
    expect(metadata).toEqual({ format: 'pt' });
    const names = entries.map((e) => e.name);
    expect(names.length).toBe(2 + 2 * 12 + 2);
    expect(names.slice(0, 6)).toEqual([
      'transformer.wte.weight',
      'transformer.wpe.weight',
      'transformer.h.0.ln_1.weight',
      'transformer.h.0.ln_1.bias',
      'transformer.h.0.attn.c_attn.weight',
      'transformer.h.0.attn.c_attn.bias',
    ]);
    expect(entries[4]?.shape).toEqual([16, 48]); // Conv1D [C, 3C]
    expect(names).toContain('transformer.ln_f.bias');
    expect(names).not.toContain('lm_head.weight');
    expect(text(files['merges.txt']).split('\n')[0]).toBe('#version: 0.2');
    model.dispose();
  });

  it('gives bit-identical parameters, identical logits and the same token ids', async () => {
    const { model, tokenizer } = setup();
    const { files } = await exportHfGpt2(model, tokenizer);
    const live = liveTensors();
    const back = importHfGpt2(files);
    expect(back.warnings).toEqual([]);
    expect(back.model.config).toEqual(model.config);
    expect(await paramBits(back.model)).toEqual(await paramBits(model));
    const ids = [seededIds(12, tokenizer.vocabSize, 7), seededIds(12, tokenizer.vocabSize, 8)];
    expect(bitsOf(await logits(back.model, ids))).toEqual(bitsOf(await logits(model, ids)));
    expect(back.tokenizer.encode(TEXT)).toEqual(tokenizer.encode(TEXT));
    expect(back.tokenizer.encode(TEXT).length).toBeLessThan(new TextEncoder().encode(TEXT).length);
    back.model.dispose();
    live.expectUnchanged();
    model.dispose();
  });

  it('imports a transformers-style checkpoint: shuffled vocab, no prefix, lm_head, mask buffers', async () => {
    const { model, tokenizer } = setup(5);
    const { files } = await exportHfGpt2(model, tokenizer);
    const V = tokenizer.vocabSize;
    const Vhf = V; // same size, GPT-2's own numbering (a padded one is refused, below)
    const C = model.config.nEmbd;
    const T = model.config.blockSize;
    // hf id of our id j: a fixed shuffle.
    const perm = Array.from({ length: V }, (_, j) => (j * 37 + 11) % Vhf);
    expect(new Set(perm).size).toBe(V);
    const vocab = JSON.parse(text(files['vocab.json'])) as Record<string, number>;
    const hfVocab = Object.fromEntries(Object.entries(vocab).map(([s, j]) => [s, perm[j]]));
    const { tensors } = readSafetensors(bytes(files['model.safetensors']));
    const wte = tensors.get('transformer.wte.weight')?.data ?? new Float32Array();
    const hfWte = new Float32Array(Vhf * C).fill(0.5);
    perm.forEach((h, j) => {
      hfWte.set(wte.subarray(j * C, (j + 1) * C), h * C);
    });
    const hfTensors = [...tensors].map(([name, t]) => ({
      name: name.replace('transformer.', ''),
      dtype: 'F32' as const,
      shape: name.endsWith('wte.weight') ? [Vhf, C] : t.shape,
      data: name.endsWith('wte.weight') ? hfWte : t.data,
    }));
    const tril = Float32Array.from({ length: T * T }, (_, k) => (k % T <= k / T ? 1 : 0));
    for (let i = 0; i < 2; i++) {
      hfTensors.push({ name: `h.${i}.attn.bias`, dtype: 'F32', shape: [1, 1, T, T], data: tril });
      hfTensors.push({
        name: `h.${i}.attn.masked_bias`,
        dtype: 'F32',
        shape: [],
        data: Float32Array.of(-1e4),
      });
    }
    hfTensors.push({ name: 'lm_head.weight', dtype: 'F32', shape: [Vhf, C], data: hfWte });
    const config = JSON.parse(text(files['config.json']));
    const hfFiles: HfFiles = {
      ...files,
      'gpt2-tiny/config.json': JSON.stringify({
        ...config,
        vocab_size: Vhf,
        eos_token_id: perm[V - 1],
      }),
      'model.safetensors': writeSafetensors(hfTensors),
      'vocab.json': new TextEncoder().encode(JSON.stringify(hfVocab)),
    };
    delete hfFiles['config.json'];

    const back = importHfGpt2(hfFiles);
    expect(back.warnings).toEqual(['ignored 4 attention-mask buffers (attn.bias, masked_bias)']);
    expect(back.tokenizer.toJSON()).toEqual(tokenizer.toJSON());
    expect(await paramBits(back.model)).toEqual(await paramBits(model));

    // The transformers-layout model scores hf ids as ours scores our ids: logits[v] = hf[perm[v]].
    const hfModelTensors = new Map(
      hfTensors
        .filter((t) => !/\.attn\.(bias|masked_bias)$|^lm_head/.test(t.name))
        .map((t) => [t.name, tf.tensor(t.data, t.shape)]),
    );
    const hfModel = GPT.fromTensors({ ...model.config, vocabSize: Vhf }, hfModelTensors, false);
    tf.dispose([...hfModelTensors.values()]);
    const ids = [tokenizer.encode(TEXT).slice(0, T)];
    const hfIds = ids.map((row) => row.map((j) => perm[j] ?? -1));
    const ours = await logits(back.model, ids);
    const theirs = await logits(hfModel, hfIds);
    const n = ids[0]?.length ?? 0;
    let maxDiff = 0;
    for (let t = 0; t < n; t++) {
      for (let v = 0; v < V; v++) {
        const d = Math.abs((ours[t * V + v] ?? 0) - (theirs[t * Vhf + (perm[v] ?? 0)] ?? 1e9));
        maxDiff = Math.max(maxDiff, d);
      }
    }
    expect(maxDiff).toBeLessThan(1e-5);
    for (const m of [back.model, hfModel, model]) m.dispose();
  });

  it('refuses a padded vocabulary (config vocab_size > tokenizer ids) instead of dropping rows', async () => {
    const { model, tokenizer } = setup(5);
    const { files } = await exportHfGpt2(model, tokenizer);
    const V = tokenizer.vocabSize;
    const C = model.config.nEmbd;
    const { tensors } = readSafetensors(bytes(files['model.safetensors']));
    const wte = tensors.get('transformer.wte.weight')?.data ?? new Float32Array();
    const padded = new Float32Array((V + 2) * C);
    padded.set(wte);
    const hfTensors = [...tensors].map(([name, t]) => ({
      name,
      dtype: 'F32' as const,
      shape: name.endsWith('wte.weight') ? [V + 2, C] : t.shape,
      data: name.endsWith('wte.weight') ? padded : t.data,
    }));
    const config = JSON.parse(text(files['config.json']));
    const live = liveTensors();
    expect(() =>
      importHfGpt2({
        ...files,
        'config.json': JSON.stringify({ ...config, vocab_size: V + 2 }),
        'model.safetensors': writeSafetensors(hfTensors),
      }),
    ).toThrow(`config.json vocab_size ${V + 2} is larger than the tokenizer's ${V} ids`);
    live.expectUnchanged();
    model.dispose();
  });

  it('widens BF16 weights and imports with a tokenizer passed separately', async () => {
    const { model, tokenizer } = setup();
    const { files } = await exportHfGpt2(model, tokenizer);
    const { tensors } = readSafetensors(bytes(files['model.safetensors']));
    // BF16 = the top half of each float32; widening puts zeros below.
    const header: Record<string, unknown> = {};
    const halves: number[] = [];
    const truncated = new Map<string, number[]>();
    for (const [name, t] of tensors) {
      const top = bitsOf(t.data).map((b) => b >>> 16);
      header[name] = {
        dtype: 'BF16',
        shape: t.shape,
        data_offsets: [2 * halves.length, 2 * (halves.length + top.length)],
      };
      halves.push(...top);
      truncated.set(
        name.replace('transformer.', ''),
        top.map((h) => (h << 16) >>> 0),
      );
    }
    const back = importHfGpt2(
      {
        'config.json': text(files['config.json']),
        'model.safetensors': rawSafetensors(header, u16Bytes(halves)),
      },
      { tokenizer },
    );
    expect(back.warnings).toEqual(['weights stored as BF16 widened to float32']);
    expect(back.tokenizer).toBe(tokenizer);
    const got = await paramBits(back.model);
    for (const [name, want] of truncated) expect(got[name], name).toEqual(want);
    back.model.dispose();
    model.dispose();
  });

  it('refuses what it cannot load, with a clear message and no leaked tensors', async () => {
    const { model, tokenizer } = setup();
    const { files } = await exportHfGpt2(model, tokenizer);
    model.dispose();
    const config = JSON.parse(text(files['config.json']));
    const withConfig = (patch: Record<string, unknown>): HfFiles => ({
      ...files,
      'config.json': JSON.stringify({ ...config, ...patch }),
    });
    const { 'merges.txt': _m, 'vocab.json': _v, ...noTokenizer } = files;
    const { 'model.safetensors': _w, ...noWeights } = files;
    const { tensors } = readSafetensors(bytes(files['model.safetensors']));
    const asWritten = [...tensors].map(([name, t]) => ({ ...t, name, dtype: 'F32' as const }));
    const wte = asWritten[0] ?? asWritten[1];
    if (!wte) throw new Error('no tensors');
    const untied = [
      ...asWritten,
      { ...wte, name: 'lm_head.weight', data: wte.data.map((x) => x + 1) },
    ];
    const live = liveTensors();
    const cases: [HfFiles, string][] = [
      [
        noTokenizer,
        'no tokenizer: tokenizer.json, vocab.json and merges.txt are missing and none was passed',
      ],
      [
        { ...noTokenizer, 'vocab.json': files['vocab.json'] ?? '' },
        'merges.txt is missing (the tokenizer needs both, or tokenizer.json)',
      ],
      [noWeights, 'no model.safetensors among the files'],
      [
        { ...noWeights, 'pytorch_model.bin': new Uint8Array(1) },
        'only model.safetensors is read; pytorch_model.bin (pickle) is not',
      ],
      [{ ...files, 'config.json': '{' }, 'config.json is not valid JSON'],
      [
        withConfig({ activation_function: 'relu' }),
        'config.json activation_function "relu" is not supported (only gelu_new or gelu)',
      ],
      [withConfig({ model_type: 'llama' }), 'config.json model_type is "llama", not "gpt2"'],
      [
        withConfig({ n_positions: 1e7 }),
        'config.json n_positions 10000000 is beyond the supported 65536',
      ],
      [withConfig({ vocab_size: -3 }), 'config.json vocab_size must be a positive integer, got -3'],
      [withConfig({ n_inner: 100 }), 'config.json n_inner 100 is not 4 × n_embd (64)'],
      [
        withConfig({ tie_word_embeddings: false }),
        'config.json tie_word_embeddings: an untied LM head is not supported',
      ],
      [withConfig({ n_layer: 3 }), 'model.safetensors has no transformer.h.2.ln_1.weight'],
      [withConfig({ n_positions: 8 }), 'transformer.wpe.weight has shape [16,16], expected [8,16]'],
      [
        withConfig({ vocab_size: 200 }),
        `tokenizer id ${tokenizer.eot} is beyond config.json vocab_size 200`,
      ],
      [
        { ...files, 'model.safetensors': writeSafetensors(untied) },
        'lm_head.weight differs from wte.weight: an untied LM head is not supported',
      ],
      [
        { ...files, 'model.safetensors': new Uint8Array(3) },
        'safetensors: file is 3 bytes, too short for the 8-byte header length',
      ],
    ];
    for (const [f, message] of cases) expect(() => importHfGpt2(f)).toThrow(new Error(message));
    // V·C + T·C + L·(12C² + 13C) + 2C at C = 16, T = 16, L = 2: 16·V + 6848 parameters.
    expect(tokenizer.vocabSize).toBe(290);
    expect(() => importHfGpt2(files, { maxBytes: 45_000 })).toThrow(
      'model has 11488 parameters (45952 bytes as float32), over the 45000 bytes limit',
    );
    live.expectUnchanged();
  });
});
