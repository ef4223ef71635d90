import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PrivacyNote } from './PrivacyNote';

describe('PrivacyNote', () => {
  it('says the data stays on this machine, with no link out', () => {
    const html = renderToStaticMarkup(createElement(PrivacyNote));
    expect(html).toContain(
      '<summary>Everything runs in this tab: your data and models never leave this machine.</summary>',
    );
    expect(html).toContain('makes no network requests');
    expect(html).not.toMatch(/<a\b|href=|src=/);
  });
});
