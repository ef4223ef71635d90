import { describe, expect, it } from 'vitest';
import { BpeTokenizer, EOT_TEXT } from '../tokenizer/bpe';
import { importPreferences } from '../worker/dataImport';
import { trlPairsFromTokens } from './export';
import { encodeWithEot, tokenizePair } from './trlTokenize';

const tokenizer = BpeTokenizer.train(
  Array.from({ length: 4 }, () => 'the movie was great and the plot was good, the end'),
  300,
);
const eot = tokenizer.eot;
const enc = (s: string) => tokenizer.encode(s);

describe('tokenising pairs as TRL 1.13 does', () => {
  it('puts nothing before the prompt and one end-of-text after each completion', () => {
    const t = tokenizePair(
      tokenizer,
      { prompt: 'the movie', chosen: ' was great', rejected: ' was bad' },
      'trl',
    );
    expect(t.prompt).toEqual(enc('the movie'));
    expect(t.chosen).toEqual([...enc(' was great'), eot]);
    expect(t.rejected).toEqual([...enc(' was bad'), eot]);
    // A completion already ending with the EOS text gets no second one (TRL's endswith check).
    const done = tokenizePair(
      tokenizer,
      { prompt: 'a', chosen: ` b${EOT_TEXT}`, rejected: ' c' },
      'trl',
    );
    expect(done.chosen).toEqual([...enc(' b'), eot]);
  });

  it('tokenises prompt + completion as one text and keeps what follows the prompt', () => {
    // "the" + "re" joined may merge across the boundary: TRL slices ids(prompt + chosen).
    const pair = { prompt: 'the plot wa', chosen: 's good', rejected: 's great' };
    const t = tokenizePair(tokenizer, pair, 'trl');
    const joint = enc('the plot was good');
    expect([...t.prompt, ...t.chosen]).toEqual([
      ...enc('the plot wa'),
      ...joint.slice(enc('the plot wa').length),
      eot,
    ]);
    expect(t.chosen).not.toEqual([...enc('s good'), eot]);
  });

  it('reads a literal <|endoftext|> as the token, and keeps the old convention on request', () => {
    expect(encodeWithEot(tokenizer, `${EOT_TEXT}the end${EOT_TEXT}`)).toEqual([
      eot,
      ...enc('the end'),
      eot,
    ]);
    const old = tokenizePair(
      tokenizer,
      { prompt: 'the movie', chosen: ' was great', rejected: ' was' },
      'eot-prompt',
    );
    expect(old).toEqual({
      prompt: [eot, ...enc('the movie')],
      chosen: enc(' was great'),
      rejected: enc(' was'),
    });
  });

  it('imports a file TRL’s way by default, the old way when asked', () => {
    const rows = Array.from({ length: 4 }, (_, i) =>
      JSON.stringify({ prompt: `the movie ${i}`, chosen: ' was great', rejected: ' was bad' }),
    );
    const bytes = new TextEncoder().encode(`${rows.join('\n')}\n`);
    const now = importPreferences('p.jsonl', bytes, tokenizer, 64);
    expect(now.summary.convention).toBe('trl');
    expect(now.data.pairs[0]).toEqual({
      prompt: enc('the movie 0'),
      chosen: [...enc(' was great'), eot],
      rejected: [...enc(' was bad'), eot],
    });
    const old = importPreferences('p.jsonl', bytes, tokenizer, 64, 'eot-prompt');
    expect(old.summary.convention).toBe('eot-prompt');
    expect(old.data.pairs[0]).toEqual({
      prompt: [eot, ...enc('the movie 0')],
      chosen: enc(' was great'),
      rejected: enc(' was bad'),
    });
    // Cut to a context of 6: the prompt keeps its last 3 tokens (⌊6/2⌋), the chosen
    // (2 tokens + EOS) fits, the rejected (' was' ' b' 'a' 'd' EOS) loses its tail, EOS first.
    const tight = importPreferences('p.jsonl', bytes, tokenizer, 6);
    expect(enc('the movie 0')).toHaveLength(4);
    expect(tight.summary.truncation).toMatchObject({ promptTruncated: 4, completionTruncated: 4 });
    expect(tight.data.pairs[0]).toEqual({
      prompt: enc('the movie 0').slice(1),
      chosen: [...enc(' was great'), eot],
      rejected: [...enc(' was bad'), eot].slice(0, 3),
    });
  });

  it('exports built-in pairs so that TRL reads back their ids, end-of-text kept', () => {
    // Sampled: end-of-text then the prompt; the chosen stopped at end-of-text.
    const sampled = {
      prompt: [eot, ...enc('the movie')],
      chosen: [...enc(' was great'), eot],
      rejected: [...enc(' was'), eot],
    };
    const [text] = trlPairsFromTokens([sampled], (ids) => tokenizer.decode(ids));
    expect(text).toEqual({
      prompt: `${EOT_TEXT}the movie`,
      chosen: ` was great${EOT_TEXT}`,
      rejected: ` was${EOT_TEXT}`,
    });
    expect(
      tokenizePair(tokenizer, text ?? { prompt: '', chosen: '', rejected: '' }, 'trl'),
    ).toEqual(sampled);
  });
});
