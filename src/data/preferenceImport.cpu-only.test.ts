import { existsSync, readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk, jsonl, skipReasons, utf8 } from '../test/results';
import { renderCompletion, renderConversation, renderPrompt } from './chatTemplate';
import { toTrlJsonl } from './export';
import { splitSharedConversation, splitSharedPrompt } from './implicitPrompt';
import { parsePreferenceFile } from './preferenceImport';

describe('renderConversation (HH template)', () => {
  const turns = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' },
    { role: 'user', content: 'Bye' },
  ] as const;

  it('renders system, human and assistant turns', () => {
    expect(renderConversation(turns)).toBe(
      '\n\nSystem: Be brief.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Bye',
    );
  });

  it('ends a prompt with the assistant marker; the completion continues it with " {content}"', () => {
    const prompt = renderPrompt(turns);
    expect(prompt.endsWith('\n\nHuman: Bye\n\nAssistant:')).toBe(true);
    const reply = [{ role: 'assistant', content: 'See you.' }] as const;
    expect(renderCompletion(reply)).toBe(' See you.');
    expect(prompt + renderCompletion(reply)).toBe(renderConversation([...turns, ...reply]));
    expect(renderCompletion([{ role: 'user', content: 'x' }])).toBeUndefined();
  });
});

describe('implicit prompts', () => {
  it('cuts HH text back to the last "\\n\\nAssistant:" the two share', () => {
    const c = '\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Joke?\n\nAssistant: Why did the chicken';
    const r = '\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Joke?\n\nAssistant: No.';
    expect(splitSharedPrompt(c, r)).toEqual({
      prompt: '\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Joke?\n\nAssistant:',
      chosen: ' Why did the chicken',
      rejected: ' No.',
    });
  });

  it('cuts plain text back to a whitespace boundary; nothing shared → empty prompt', () => {
    expect(splitSharedPrompt('The cat is great', 'The cat is grumpy')).toEqual({
      prompt: 'The cat is',
      chosen: ' great',
      rejected: ' grumpy',
    });
    expect(splitSharedPrompt('Yes', 'No')).toEqual({ prompt: '', chosen: 'Yes', rejected: 'No' });
    expect(splitSharedPrompt('Yesterday', 'Yes')).toEqual({
      prompt: '',
      chosen: 'Yesterday',
      rejected: 'Yes',
    });
  });

  it('splits conversations before the first differing assistant turn', () => {
    const u1 = { role: 'user', content: 'a' } as const;
    const a1 = { role: 'assistant', content: 'b' } as const;
    const u2 = { role: 'user', content: 'c' } as const;
    const good = { role: 'assistant', content: 'good' } as const;
    const bad = { role: 'assistant', content: 'bad' } as const;
    expect(splitSharedConversation([u1, a1, u2, good], [u1, a1, u2, bad])).toEqual({
      prompt: [u1, a1, u2],
      chosen: [good],
      rejected: [bad],
    });
    // They differ at a user turn: back up to the assistant turn before it.
    const u3 = { role: 'user', content: 'other' } as const;
    expect(splitSharedConversation([u1, a1, u2, good], [u1, a1, u3, bad])).toEqual({
      prompt: [u1],
      chosen: [a1, u2, good],
      rejected: [a1, u3, bad],
    });
    expect(splitSharedConversation([u1, good], [u3, bad])).toBeUndefined();
  });
});

const DATA = '../shared/data';
// Locally they skip, loudly, where the shared folder is absent; in CI (CI set) they must run,
// so an absent folder fails them there.
const haveData = existsSync(`${DATA}/dpo_en_demo.trl.jsonl`) || !!process.env.CI;
if (!haveData) console.warn(`skipping real-data tests: ${DATA} is absent`);

describe.skipIf(!haveData)('the shared demo set in three layouts', () => {
  const read = (f: string) => {
    const path = `${DATA}/${f}`;
    if (!existsSync(path)) throw new Error(`${path} is absent: in CI the real-data tests fail`);
    return parsePreferenceFile(f, readFileSync(path));
  };
  const sharegpt = () => expectOk(read('dpo_en_demo.sharegpt.json'));
  const trl = () => expectOk(read('dpo_en_demo.trl.jsonl'));
  const conversational = () => expectOk(read('dpo_en_demo.conversational.jsonl'));

  it('reads 300 pairs from each, detecting container and layout', () => {
    for (const [r, format, layout] of [
      [sharegpt(), 'json', 'sharegpt'],
      [trl(), 'jsonl', 'standard'],
      [conversational(), 'jsonl', 'conversational'],
    ] as const) {
      expect([r.format, r.layout, r.pairs.length, r.skippedCount, r.warnings]).toEqual([
        format,
        layout,
        300,
        0,
        [],
      ]);
    }
  });

  it('flattens ShareGPT and conversational rows exactly as the TRL file does (system turns too)', () => {
    const t = trl().pairs;
    expect(sharegpt().pairs).toEqual(t);
    expect(conversational().pairs).toEqual(t);
    expect(t[0]?.prompt).toBe(
      "\n\nHuman: Hi! I'd like to create a new language game simulating the first person perspective of a character named Angela.\n\nAssistant:",
    );
    expect(t[0]?.chosen.startsWith(' That sounds like a fun and engaging idea!')).toBe(true);
    expect(t[1]?.prompt.startsWith('\n\nSystem: You are a teacher. Given a task')).toBe(true);
  });

  it('round-trips through toTrlJsonl, CSV and a JSON array', () => {
    const pairs = trl().pairs;
    expect(expectOk(parsePreferenceFile('x.jsonl', utf8(toTrlJsonl(pairs)))).pairs).toEqual(pairs);
    const csv = Papa.unparse(pairs);
    const fromCsv = expectOk(parsePreferenceFile('x.csv', utf8(csv)));
    expect([fromCsv.format, fromCsv.layout]).toEqual(['csv', 'standard']);
    expect(fromCsv.pairs).toEqual(pairs);
    const fromArray = expectOk(parsePreferenceFile('x.json', utf8(JSON.stringify(pairs, null, 2))));
    expect([fromArray.format, fromArray.pairs.length]).toEqual(['json', 300]);
    expect(fromArray.pairs).toEqual(pairs);
  });

  it('reads the implicit-prompt forms back to the same pairs', () => {
    const pairs = trl().pairs.slice(0, 20);
    const hh = pairs.map((p) => ({ chosen: p.prompt + p.chosen, rejected: p.prompt + p.rejected }));
    const r = expectOk(parsePreferenceFile('hh.jsonl', utf8(jsonl(hh))));
    expect(r.layout).toBe('implicit-prompt');
    expect(r.pairs).toEqual(pairs);

    const rows = readFileSync(`${DATA}/dpo_en_demo.conversational.jsonl`, 'utf8')
      .split('\n')
      .slice(0, 20)
      .map((l) => JSON.parse(l) as { prompt: unknown[]; chosen: unknown[]; rejected: unknown[] });
    const whole = rows.map((x) => ({
      chosen: [...x.prompt, ...x.chosen],
      rejected: [...x.prompt, ...x.rejected],
    }));
    const c = expectOk(parsePreferenceFile('conv.jsonl', utf8(jsonl(whole))));
    expect(c.layout).toBe('conversational-implicit-prompt');
    expect(c.pairs).toEqual(pairs);
  });
});

describe('layouts in generated files', () => {
  const pair = { prompt: 'Q: 2+2?', chosen: ' 4', rejected: ' 5' };

  it('reads ShareGPT with value keys, human/gpt roles and a top-level system field', () => {
    const row = {
      system: 'Be exact.',
      conversations: [{ from: 'human', value: 'Q?' }],
      chosen: { from: 'gpt', value: 'Yes' },
      rejected: { from: 'gpt', value: 'No' },
    };
    const r = expectOk(parsePreferenceFile('s.json', utf8(JSON.stringify([row]))));
    expect(r.pairs).toEqual([
      {
        prompt: '\n\nSystem: Be exact.\n\nHuman: Q?\n\nAssistant:',
        chosen: ' Yes',
        rejected: ' No',
      },
    ]);
  });

  it('reads CSV with CRLF, a BOM, quoted newlines and extra columns (reported once)', () => {
    const csv = '\uFEFFid,prompt,chosen,rejected\r\n1,"two\r\nlines",a,b\r\n\r\n2,p,c,d\r\n';
    const r = expectOk(parsePreferenceFile('x.csv', utf8(csv)));
    expect(r.pairs).toEqual([
      { prompt: 'two\r\nlines', chosen: 'a', rejected: 'b' },
      { prompt: 'p', chosen: 'c', rejected: 'd' },
    ]);
    expect(r.warnings).toEqual(['fields ignored: id']);
    const twice = expectOk(
      parsePreferenceFile('x.csv', utf8('prompt,chosen,rejected,chosen\np,a,b,c')),
    );
    expect([twice.pairs, twice.warnings]).toEqual([
      [{ prompt: 'p', chosen: 'a', rejected: 'b' }],
      ['fields ignored: chosen_2'],
    ]);
  });

  it('gives CSV skip reasons with the line each row starts on', () => {
    const csv = 'prompt,chosen,rejected\n"multi\nline",x,x\n\nq,,b\nq,a\nq,a,b\n';
    expect(skipReasons(parsePreferenceFile('x.csv', utf8(csv)))).toEqual([
      'line 2: chosen and rejected are identical',
      'line 5: empty `chosen`',
      'line 6: CSV: Too few fields: expected 3 fields but parsed 2',
    ]);
  });

  it('sniffs the container when the name says nothing', () => {
    expect(expectOk(parsePreferenceFile('data', utf8(JSON.stringify([pair])))).format).toBe('json');
    expect(expectOk(parsePreferenceFile('data', utf8(jsonl([pair, pair])))).format).toBe('jsonl');
    expect(
      expectOk(parsePreferenceFile('data', utf8('prompt\tchosen\trejected\na\tb\tc'))).format,
    ).toBe('csv');
    const wrapped = expectOk(
      parsePreferenceFile('d.json', utf8(JSON.stringify({ train: [pair] }))),
    );
    expect([wrapped.pairs, wrapped.warnings]).toEqual([
      [pair],
      ['rows read from the `train` field'],
    ]);
    const single = JSON.stringify(pair, null, 2);
    expect(expectOk(parsePreferenceFile('one.json', utf8(single))).pairs).toEqual([pair]);
  });

  it('refuses unpaired KTO data with a message saying why', () => {
    const kto = jsonl([
      { prompt: 'p', completion: 'good', label: true },
      { prompt: 'p', completion: 'bad', label: false },
    ]);
    expect(expectError(parsePreferenceFile('kto.jsonl', utf8(kto)))).toBe(
      'unpaired (KTO) data: rows have `prompt`, `completion` and `label` (one completion marked ' +
        'good or bad); DPO needs pairs, a chosen and a rejected completion for the same prompt',
    );
  });

  it('names the fields it found when no layout fits', () => {
    expect(
      expectError(parsePreferenceFile('x.jsonl', utf8(jsonl([{ question: 'q', answer: 'a' }])))),
    ).toBe(
      'no preference layout recognised: rows have fields question, answer; expected ' +
        '{prompt, chosen, rejected}, {chosen, rejected}, or ShareGPT {conversations, chosen, rejected}',
    );
  });
});
