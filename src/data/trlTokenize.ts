/**
 * Tokenising text pairs the way TRL 1.13's DPOTrainer does for a GPT-2 tokenizer, so that a
 * file trained here and the same file trained with TRL see the same token ids:
 *   - nothing is put before the prompt (GPT-2's tokenizer adds no BOS);
 *   - chosen and rejected get the EOS text appended unless they already end with it;
 *   - prompt+completion is tokenised as one text and the completion is what follows the
 *     prompt's own tokens: ids(prompt + chosen + eos)[len(ids(prompt)):];
 *   - "<|endoftext|>" written in the text is the end-of-text token (an added token is split
 *     out before BPE), not its 13 bytes.
 * The built-in task keeps its own convention ('eot-prompt': end-of-text, then the prompt;
 * completions as sampled), which is what π_ref was trained to continue.
 */
import { EOT_TEXT } from '../tokenizer/bpe';
import type { PreferencePair } from './layouts';
import type { TokenPair } from './truncation';

/** 'trl': as TRL 1.13 (the default for files); 'eot-prompt': the app's older convention. */
export type PairConvention = 'trl' | 'eot-prompt';

export interface PairTokenizer {
  encode(text: string): number[];
  eot: number;
}

/** Plain text with every literal "<|endoftext|>" as the end-of-text id, as HF tokenizers do. */
export function encodeWithEot(tokenizer: PairTokenizer, text: string): number[] {
  const out: number[] = [];
  text.split(EOT_TEXT).forEach((part, i) => {
    if (i > 0) out.push(tokenizer.eot);
    if (part !== '') for (const id of tokenizer.encode(part)) out.push(id);
  });
  return out;
}

/** One pair's ids under `convention` (before fitting to the context). */
export function tokenizePair(
  tokenizer: PairTokenizer,
  pair: PreferencePair,
  convention: PairConvention,
): TokenPair {
  if (convention === 'eot-prompt') {
    return {
      prompt: [tokenizer.eot, ...tokenizer.encode(pair.prompt)],
      chosen: tokenizer.encode(pair.chosen),
      rejected: tokenizer.encode(pair.rejected),
    };
  }
  const prompt = encodeWithEot(tokenizer, pair.prompt);
  const completion = (c: string) => {
    const withEos = c.endsWith(EOT_TEXT) ? c : c + EOT_TEXT;
    return encodeWithEot(tokenizer, pair.prompt + withEos).slice(prompt.length);
  };
  return { prompt, chosen: completion(pair.chosen), rejected: completion(pair.rejected) };
}
