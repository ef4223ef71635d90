/** Bytes → text for the importers: size limit, encoding checks, BOM; never throws. */

export type DecodedText = { ok: true; text: string } | { ok: false; error: string };

/** 1234567 → "1,234,567" (locale-independent, so messages are stable in tests). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes as MB (2^20) with one decimal. */
function formatMegabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

/**
 * Offset of the first byte that does not start or continue a valid UTF-8 sequence
 * (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or -1 when all of it is valid.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // > U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i + k;
    }
    i += need + 1;
  }
  return -1;
}

function hexByte(b: number): string {
  return `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;
}

/**
 * Decodes a text file: refuses files over maxBytes, UTF-16, binary data (NUL bytes) and invalid
 * UTF-8 (naming the byte offset); strips a UTF-8 byte-order mark.
 */
export function decodeTextFile(bytes: Uint8Array, maxBytes: number): DecodedText {
  if (bytes.length > maxBytes) {
    return {
      ok: false,
      error:
        `file is too large: ${formatCount(bytes.length)} bytes (${formatMegabytes(bytes.length)}), ` +
        `over the limit of ${formatCount(maxBytes)} bytes (${formatMegabytes(maxBytes)})`,
    };
  }
  if (bytes.length === 0) return { ok: false, error: 'the file is empty' };
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return { ok: false, error: 'the file is UTF-16 text; save it as UTF-8 and import it again' };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      error: `binary data, not text: a NUL byte at offset ${formatCount(nul)}; expected JSONL, JSON or CSV text`,
    };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8Offset(bytes);
    const where = at >= 0 ? `: byte ${hexByte(bytes[at] ?? 0)} at offset ${formatCount(at)}` : '';
    return { ok: false, error: `not valid UTF-8${where}; save the file as UTF-8 text` };
  }
  // ignoreBOM: false already drops a leading BOM; a second one would be content.
  if (!/\S/.test(text)) return { ok: false, error: 'the file holds only whitespace' };
  return { ok: true, text };
}

/** File extension in lower case without the dot ("" when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * Runs a reader that returns its errors rather than throwing, and turns what the engine itself
 * may throw on hostile input (e.g. out of memory for a string) into such an error too: callers
 * of an importer never see a throw.
 */
export function neverThrowing<T>(name: string, read: () => T): T | { ok: false; error: string } {
  try {
    return read();
  } catch (e) {
    return {
      ok: false,
      error: `could not read ${name}: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}
