/** Files the user takes away: this app's checkpoint, a Hugging Face GPT-2 folder, TRL data. */
import * as tf from '@tensorflow/tfjs';
import { strToU8, zipSync } from 'fflate';
import { toTrlJsonl, trlPairsFromTokens } from '../data/export';
import type { PreferencePair } from '../data/layouts';
import { saveCheckpoint } from '../model/checkpoint';
import type { GPT } from '../model/gpt';
import { exportHfGpt2 } from '../model/hf/gpt2';
import { tokenLogProbs } from '../objectives/logprobs';
import type { TokenizedPair } from '../pipeline/collate';
import type { BpeTokenizer } from '../tokenizer/bpe';
import type { ExportKind } from './protocol';

export interface ExportSource {
  model: GPT;
  tokenizer: BpeTokenizer;
  meta: Record<string, string | number>;
  pairs: PreferencePair[];
  /** The token ids trained on, one per pair of `pairs`. */
  tokenPairs?: TokenizedPair[];
}

export interface ExportedFile {
  name: string;
  mime: string;
  bytes: ArrayBuffer;
}

const buffer = (u: Uint8Array): ArrayBuffer =>
  u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

export async function buildExport(what: ExportKind, src: ExportSource): Promise<ExportedFile> {
  switch (what) {
    case 'checkpoint': {
      const c = await saveCheckpoint(src.model, src.tokenizer.toJSON(), src.meta);
      return {
        name: 'dpo-playground-checkpoint.json',
        mime: 'application/json',
        bytes: buffer(strToU8(JSON.stringify(c))),
      };
    }
    case 'hf-gpt2': {
      const { files } = await exportHfGpt2(src.model, src.tokenizer);
      const entries: Record<string, Uint8Array> = {};
      for (const [name, f] of Object.entries(files)) {
        entries[`dpo-playground-gpt2/${name}`] = typeof f === 'string' ? strToU8(f) : f;
      }
      // Weights barely compress; store them, deflate the text files.
      const zip = zipSync(entries, { level: 6 });
      return { name: 'dpo-playground-gpt2.zip', mime: 'application/zip', bytes: buffer(zip) };
    }
    case 'dataset-trl':
    case 'dataset-trl-trained': {
      if (src.pairs.length === 0)
        throw new Error('no preference pairs yet: prepare or import a dataset first');
      const tokens = src.tokenPairs ?? [];
      // Built-in pairs (prompt starts with end-of-text) are sampled ids: their text is the ids'.
      const fromTokens =
        tokens.length === src.pairs.length &&
        (what === 'dataset-trl-trained' || tokens[0]?.prompt[0] === src.tokenizer.eot);
      const pairs = fromTokens
        ? trlPairsFromTokens(tokens, (ids) => src.tokenizer.decode(ids))
        : src.pairs;
      return {
        name: what === 'dataset-trl' ? 'preferences.trl.jsonl' : 'preferences.trained.trl.jsonl',
        mime: 'application/jsonl',
        bytes: buffer(strToU8(toTrlJsonl(pairs))),
      };
    }
    default: {
      const never: never = what;
      throw new Error(`unknown export ${String(never)}`);
    }
  }
}

/** Σ_t log p(x_t | x_<t) of `text` after an end-of-text, and its token count. */
export async function sequenceLogprob(
  model: GPT,
  tokenizer: BpeTokenizer,
  text: string,
): Promise<{ logprob: number; tokens: number }> {
  const ids = [tokenizer.eot, ...tokenizer.encode(text)].slice(0, model.config.blockSize);
  const x = tf.tensor2d([ids], [1, ids.length], 'int32');
  const lp = tf.tidy(() => tf.sum(tokenLogProbs(model.forward(x), x)));
  const v = (await lp.data())[0] ?? Number.NaN;
  tf.dispose([x, lp]);
  return { logprob: v, tokens: ids.length - 1 };
}
