import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk, jsonl, skipReasons, utf8 } from '../test/results';
import { firstInvalidUtf8Offset } from './decode';
import { parsePreferenceFile } from './preferenceImport';

const good = { prompt: 'p', chosen: 'a', rejected: 'b' };

describe('bad rows are skipped with the line and the reason', () => {
  it('reports wrong types, missing fields, empty and identical completions', () => {
    const lines = [
      JSON.stringify(good),
      JSON.stringify({ prompt: 'p', chosen: 3, rejected: 'b' }),
      JSON.stringify({ chosen: 'a', rejected: 'b' }),
      JSON.stringify({ prompt: 'p', chosen: 'a', rejected: '' }),
      JSON.stringify({ prompt: 'p', chosen: '   ', rejected: 'b' }),
      JSON.stringify({ prompt: 'p', chosen: 'same', rejected: 'same' }),
      '',
      '{"prompt": "p", "chosen": "a",',
      JSON.stringify([good]),
      JSON.stringify({ prompt: ['x'], chosen: 'a', rejected: 'b' }),
      JSON.stringify({ prompt: 'p', chosen: null, rejected: 'b' }),
      JSON.stringify({ prompt: 'p', chosen: 'a', rejected: { text: 'b' } }),
      '  ',
      JSON.stringify(good),
    ];
    const r = expectOk(parsePreferenceFile('x.jsonl', utf8(lines.join('\n'))));
    expect(r.pairs).toEqual([good, good]);
    expect(r.skippedCount).toBe(10);
    expect(skipReasons(r)).toEqual([
      'line 2: `chosen` is a number, expected text',
      'line 3: missing `prompt`',
      'line 4: empty `rejected`',
      'line 5: empty `chosen`',
      'line 6: chosen and rejected are identical',
      expect.stringMatching(/^line 8: not valid JSON: /),
      'line 9: row is a list, expected an object',
      'line 10: `prompt` is a list, expected text',
      'line 11: `chosen` is null, expected text',
      'line 12: `rejected` is an object, expected text',
    ]);
  });

  it('reports conversational and ShareGPT problems by path', () => {
    const turn = (role: string, content: unknown) => ({ role, content });
    const conv = [
      {
        prompt: [turn('user', 'q')],
        chosen: [turn('assistant', 'a')],
        rejected: [turn('assistant', 'b')],
      },
      { prompt: [turn('user', 'q')], chosen: [turn('assistant', 'a')], rejected: [] },
      {
        prompt: [turn('tool', 'q')],
        chosen: [turn('assistant', 'a')],
        rejected: [turn('assistant', 'b')],
      },
      {
        prompt: [turn('user', 7)],
        chosen: [turn('assistant', 'a')],
        rejected: [turn('assistant', 'b')],
      },
      {
        prompt: [turn('user', 'q')],
        chosen: [turn('user', 'a')],
        rejected: [turn('assistant', 'b')],
      },
      { prompt: 'q', chosen: [turn('assistant', 'a')], rejected: [turn('assistant', 'b')] },
    ];
    expect(skipReasons(parsePreferenceFile('c.jsonl', utf8(jsonl(conv))))).toEqual([
      'line 2: empty `rejected`',
      'line 3: `prompt[0].role` is "tool", expected one of system, user, assistant',
      'line 4: `prompt[0].content` is a number, expected text',
      "line 5: `chosen` starts with a user message, expected the assistant's reply",
      'line 6: `prompt` is text, expected a list of messages',
    ]);
    const msg = (from: string, value: string) => ({ from, value });
    const share = [
      { conversations: [msg('human', 'q')], chosen: msg('gpt', 'a'), rejected: msg('gpt', 'b') },
      { conversations: [msg('human', 'q')], chosen: { from: 'gpt' }, rejected: msg('gpt', 'b') },
      { conversations: [msg('human', 'q')], chosen: msg('gpt', 'a') },
      {
        conversations: [msg('observation', 'q')],
        chosen: msg('gpt', 'a'),
        rejected: msg('gpt', 'b'),
      },
    ];
    expect(skipReasons(parsePreferenceFile('s.json', utf8(JSON.stringify(share))))).toEqual([
      'index 1: missing `chosen.value` (or `chosen.content`)',
      'index 2: missing `rejected`',
      'index 3: `conversations[0].from` is "observation", expected one of system, human, user, gpt, assistant',
    ]);
  });

  it('gives an error naming the first reasons when no row is usable', () => {
    const text = jsonl([
      { prompt: 'p', chosen: 1, rejected: 'b' },
      { prompt: 'p', chosen: 'x', rejected: 'x' },
    ]);
    expect(expectError(parsePreferenceFile('x.jsonl', utf8(text)))).toBe(
      'no usable pairs: all 2 rows were skipped (line 1: `chosen` is a number, expected text; ' +
        'line 2: chosen and rejected are identical)',
    );
    expect(expectError(parsePreferenceFile('x.jsonl', utf8('not json\n{oops')))).toMatch(
      /^no usable pairs: all 2 rows were skipped \(line 1: not valid JSON: .*; line 2: not valid JSON: /,
    );
  });
});

describe('encoding and line endings', () => {
  it('strips a UTF-8 BOM and reads CRLF JSONL with blank lines', () => {
    const text = `\uFEFF${JSON.stringify(good)}\r\n\r\n${JSON.stringify({ ...good, chosen: 'é🙂' })}\r\n`;
    const r = expectOk(parsePreferenceFile('x.jsonl', utf8(text)));
    expect(r.pairs).toEqual([good, { ...good, chosen: 'é🙂' }]);
    expect(r.skippedCount).toBe(0);
  });

  it('names the byte offset of invalid UTF-8', () => {
    const bytes = utf8(`${JSON.stringify(good)}\n${JSON.stringify(good)}`);
    bytes[40] = 0xff;
    expect(expectError(parsePreferenceFile('x.jsonl', bytes))).toBe(
      'not valid UTF-8: byte 0xFF at offset 40; save the file as UTF-8 text',
    );
    expect(firstInvalidUtf8Offset(Uint8Array.of(0x61, 0xe2, 0x82, 0xac, 0xc3, 0x28))).toBe(5);
    expect(firstInvalidUtf8Offset(Uint8Array.of(0xed, 0xa0, 0x80))).toBe(1); // a surrogate
    expect(firstInvalidUtf8Offset(Uint8Array.of(0xc0, 0xaf))).toBe(0); // overlong
    expect(firstInvalidUtf8Offset(utf8('ok é 🙂'))).toBe(-1);
  });

  it('refuses empty, UTF-16, binary and unrecognised files', () => {
    expect(expectError(parsePreferenceFile('x.jsonl', new Uint8Array()))).toBe('the file is empty');
    expect(expectError(parsePreferenceFile('x.jsonl', utf8(' \n\r\n')))).toBe(
      'the file holds only whitespace',
    );
    expect(expectError(parsePreferenceFile('x.csv', Uint8Array.of(0xff, 0xfe, 0x61, 0)))).toBe(
      'the file is UTF-16 text; save it as UTF-8 and import it again',
    );
    expect(expectError(parsePreferenceFile('x.bin', Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0)))).toBe(
      'binary data, not text: a NUL byte at offset 4; expected JSONL, JSON or CSV text',
    );
    expect(expectError(parsePreferenceFile('notes.txt', utf8('hello world')))).toBe(
      'unrecognised format: expected JSONL (one object per line), a JSON array, or CSV with a ' +
        'header row (prompt, chosen, rejected, …)',
    );
  });
});

describe('limits', () => {
  it('refuses a file over maxBytes, giving both sizes', () => {
    const bytes = utf8(jsonl([good, good]));
    expect(expectError(parsePreferenceFile('x.jsonl', bytes, { maxBytes: 50 }))).toBe(
      `file is too large: ${bytes.length} bytes (0.0 MB), over the limit of 50 bytes (0.0 MB)`,
    );
    const big = new Uint8Array(100 * 2 ** 20 + 1);
    expect(expectError(parsePreferenceFile('x.jsonl', big))).toBe(
      'file is too large: 104,857,601 bytes (100.0 MB), over the limit of 104,857,600 bytes (100.0 MB)',
    );
  });

  it('stops at maxRows with a warning', () => {
    const r = expectOk(
      parsePreferenceFile('x.jsonl', utf8(jsonl([good, good, good, good])), { maxRows: 2 }),
    );
    expect(r.pairs).toHaveLength(2);
    expect(r.warnings).toEqual([
      'stopped at 2 pairs (maxRows); line 3 and later rows were not read',
    ]);
  });

  it('skips a 10 MB line unparsed, quickly', () => {
    const huge = JSON.stringify({ prompt: 'p', chosen: 'x'.repeat(10 * 2 ** 20), rejected: 'b' });
    const t0 = performance.now();
    const r = expectOk(parsePreferenceFile('x.jsonl', utf8(`${jsonl([good])}\n${huge}`)));
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(skipReasons(r)).toEqual([
      'line 2: line is 10,485,801 characters long, over the 2,097,152-character limit',
    ]);
    // In a JSON array the same row is caught by its pair length.
    const arr = expectOk(parsePreferenceFile('x.json', utf8(`[${JSON.stringify(good)},${huge}]`)));
    expect(skipReasons(arr)).toEqual([
      'index 1: pair is 10,485,762 characters long, over the 2,097,152-character limit',
    ]);
  });

  it('parses a 50 MB JSONL file in a few seconds', () => {
    const row = JSON.stringify({
      prompt: 'Q: '.repeat(300),
      chosen: 'yes '.repeat(600),
      rejected: 'no '.repeat(600),
    });
    const copies = Math.ceil((50 * 2 ** 20) / (row.length + 1));
    const bytes = utf8(Array.from({ length: copies }, () => row).join('\n'));
    expect(bytes.length).toBeGreaterThan(50 * 2 ** 20);
    const t0 = performance.now();
    const r = expectOk(parsePreferenceFile('big.jsonl', bytes));
    const ms = performance.now() - t0;
    expect(r.pairs).toHaveLength(copies);
    expect(ms).toBeLessThan(10_000); // ~1 s alone; generous for a shared 2-core machine
  });

  it('refuses 100k levels of nesting in a JSON array; skips such a JSONL line', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(expectError(parsePreferenceFile('x.json', utf8(deep)))).toBe(
      'JSON nested deeper than 64 levels (line 1)',
    );
    const deepRow = `{"prompt":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const r = expectOk(parsePreferenceFile('x.jsonl', utf8(`${JSON.stringify(good)}\n${deepRow}`)));
    expect(skipReasons(r)).toEqual(['line 2: JSON nested deeper than 64 levels']);
    // Brackets inside strings are text, not nesting.
    const bracketText = { ...good, chosen: '['.repeat(1000) };
    expect(
      expectOk(parsePreferenceFile('x.jsonl', utf8(JSON.stringify(bracketText)))).pairs,
    ).toEqual([bracketText]);
  });

  it('gives a clear error for random bytes', () => {
    const bytes = new Uint8Array(4096);
    let s = 12345;
    for (let i = 0; i < bytes.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      bytes[i] = (s >>> 16) & 0xff;
    }
    expect(expectError(parsePreferenceFile('x.jsonl', bytes))).toMatch(
      /^(binary data, not text: a NUL byte at offset [\d,]+|not valid UTF-8: byte 0x[0-9A-F]{2} at offset [\d,]+); /,
    );
  });
});

describe('property: never throws, always bounded', () => {
  const field = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'x'), content: fc.string() })),
    fc.string({ minLength: 0, maxLength: 20 }).map((s) => s.repeat(5_000)),
  );
  const row = fc.record(
    { prompt: field, chosen: field, rejected: field, conversations: field, completion: field },
    { requiredKeys: [] },
  );
  const text = fc.oneof(
    fc.array(row, { maxLength: 8 }).map((rows) => rows.map((r) => JSON.stringify(r)).join('\n')),
    fc.array(row, { maxLength: 8 }).map((rows) => JSON.stringify(rows)),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
    fc
      .array(fc.jsonValue(), { maxLength: 5 })
      .map((vs) => vs.map((v) => JSON.stringify(v)).join('\n')),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );
  const input = fc.oneof(
    text.map((t) => new TextEncoder().encode(t)),
    fc.uint8Array({ maxLength: 512 }),
  );
  const name = fc.constantFrom('a.jsonl', 'a.json', 'a.csv', 'a', 'a.txt');

  it('returns ok or an error for 1,200 malformed inputs', () => {
    fc.assert(
      fc.property(name, input, (n, bytes) => {
        const t0 = performance.now();
        const r = parsePreferenceFile(n, bytes);
        expect(performance.now() - t0).toBeLessThan(1_000);
        if (r.ok) {
          expect(r.pairs.length).toBeGreaterThan(0);
          for (const p of r.pairs) {
            expect(typeof p.prompt + typeof p.chosen + typeof p.rejected).toBe(
              'stringstringstring',
            );
            expect(p.chosen).not.toBe(p.rejected);
          }
        } else expect(r.error.length).toBeGreaterThan(10);
      }),
      { numRuns: 1_200, seed: 20_240_601 },
    );
  });
});
