import { describe, expect, it } from 'vitest';
import { expectOk, utf8 } from '../test/results';
import { parseTextCorpus, splitDocuments } from './corpusImport';
import { describeSkipped } from './limits';

describe('splitDocuments', () => {
  it('splits on blank lines (CRLF, spaces on the blank line), trimming each document', () => {
    expect(splitDocuments('one\nstill one\r\n\r\n  two  \n \t \nthree\n\n\n\n')).toEqual([
      'one\nstill one',
      'two',
      'three',
    ]);
  });
});

describe('parseTextCorpus', () => {
  it('reads .txt as paragraphs, even when it starts with a brace', () => {
    const r = expectOk(parseTextCorpus('c.txt', utf8('\uFEFF{not json}\n\nsecond')));
    expect([r.format, r.documents]).toEqual(['text', ['{not json}', 'second']]);
  });

  it('reads the text field of JSONL, skipping bad rows with reasons', () => {
    const lines = [
      '{"text": "alpha", "id": 1}',
      '{"text": 5}',
      '{"body": "x"}',
      '{"text": "  "}',
      '[1]',
      '{"text": "beta"}',
    ];
    const r = expectOk(parseTextCorpus('c.jsonl', utf8(lines.join('\r\n'))));
    expect([r.format, r.documents, r.skippedCount]).toEqual(['jsonl', ['alpha', 'beta'], 4]);
    expect(r.skipped.map(describeSkipped)).toEqual([
      'line 2: `text` is a number, expected text',
      'line 3: missing `text`',
      'line 4: empty `text`',
      'line 5: row is a list, expected an object with `text`',
    ]);
  });

  it('reads JSON arrays of {text} objects or of plain strings, and CSV with a text column', () => {
    const a = expectOk(parseTextCorpus('c.json', utf8('[{"text": "a"}, {"text": "b"}]')));
    expect([a.format, a.documents]).toEqual(['json', ['a', 'b']]);
    expect(expectOk(parseTextCorpus('c.json', utf8('["x", "y"]'))).documents).toEqual(['x', 'y']);
    const csv = expectOk(parseTextCorpus('c.csv', utf8('id,text\n1,"hello, world"\n2,bye\n')));
    expect([csv.format, csv.documents]).toEqual(['csv', ['hello, world', 'bye']]);
  });

  it('stops at maxRows with a warning, and refuses files with nothing usable', () => {
    const r = expectOk(parseTextCorpus('c.txt', utf8('a\n\nb\n\nc'), { maxRows: 2 }));
    expect([r.documents, r.warnings]).toEqual([
      ['a', 'b'],
      ['stopped at 2 documents (maxRows) of 3'],
    ]);
    expect(parseTextCorpus('c.jsonl', utf8('{"a": 1}'))).toEqual({
      ok: false,
      error: 'no usable documents: all 1 rows were skipped (line 1: missing `text`)',
    });
    expect(parseTextCorpus('c.txt', Uint8Array.of(0x61, 0xc3))).toEqual({
      ok: false,
      error: 'not valid UTF-8: byte 0xC3 at offset 1; save the file as UTF-8 text',
    });
  });
});
