import { describe, expect, it } from 'vitest';
import { BpeTokenizer, EOT_TEXT } from '../../tokenizer/bpe';
import { tokenizerToHf } from './tokenizerFiles';
import { tokenizerFromTokenizerJson } from './tokenizerJson';

const CORPUS = ['the cat sat on the mat', 'the dog ate the food', "it's a naïve café, ok?"];
const tokenizer = BpeTokenizer.train([...CORPUS, ...CORPUS], 290);

/** tokenizer.json as `tokenizers` 0.23 writes GPT-2's (transformers 5 save_pretrained). */
function tokenizerJson(mergesAsPairs = true) {
  const { vocab, merges } = tokenizerToHf(tokenizer);
  const lines = merges.split('\n').slice(1, -1);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: tokenizer.eot,
        content: EOT_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: {
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    },
    post_processor: { type: 'TemplateProcessing', single: [], pair: [], special_tokens: {} },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: mergesAsPairs ? lines.map((l) => l.split(' ')) : lines,
    },
  };
}

describe('tokenizer.json import', () => {
  it('reads the BPE model, merges as pairs or strings, and the end-of-text added token', () => {
    for (const asPairs of [true, false]) {
      const r = tokenizerFromTokenizerJson(tokenizerJson(asPairs), EOT_TEXT);
      expect(r.tokenizer.toJSON()).toEqual(tokenizer.toJSON());
      expect(Array.from(r.hfIds)).toEqual(Array.from({ length: 290 }, (_, i) => i));
    }
    // The end-of-text only among added_tokens (not in model.vocab) is found there.
    const j = tokenizerJson();
    const { [EOT_TEXT]: _, ...rest } = j.model.vocab;
    const r = tokenizerFromTokenizerJson({ ...j, model: { ...j.model, vocab: rest } }, EOT_TEXT);
    expect(r.tokenizer.encode('the cat')).toEqual(tokenizer.encode('the cat'));
  });

  it('refuses tokenizers that would split or number text unlike GPT-2, by name', () => {
    const j = tokenizerJson();
    const bad =
      (patch: Record<string, unknown>, model: Record<string, unknown> = {}) =>
      () =>
        tokenizerFromTokenizerJson({ ...j, ...patch, model: { ...j.model, ...model } }, EOT_TEXT);
    expect(bad({}, { type: 'WordPiece' })).toThrow('tokenizer.json model.type is "WordPiece"');
    expect(bad({}, { continuing_subword_prefix: '##' })).toThrow(
      'model.continuing_subword_prefix "##" is not supported',
    );
    expect(bad({}, { byte_fallback: true })).toThrow('byte_fallback is not supported');
    expect(bad({ normalizer: { type: 'NFC' } })).toThrow('normalizer "NFC" is not supported');
    expect(bad({ pre_tokenizer: { type: 'Metaspace' } })).toThrow(
      'pre_tokenizer is "Metaspace", not GPT-2\'s ByteLevel',
    );
    expect(bad({ pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true } })).toThrow(
      'add_prefix_space: true is not supported',
    );
    expect(
      bad({ added_tokens: [...j.added_tokens, { id: 290, content: '<pad>', special: true }] }),
    ).toThrow('added token "<pad>" is not supported (only <|endoftext|>)');
    expect(bad({}, { merges: [['a']] })).toThrow('model.merges[0] is not "a b" nor a pair');
    expect(() => tokenizerFromTokenizerJson([], EOT_TEXT)).toThrow('must be a JSON object');
  });
});
