/**
 * A value from an imported file, shortened for an error message: JSON-like text of at most
 * `max` characters then "…". Safe on any input: a 100,000-deep array or a 10 MB string costs
 * only what fits in the budget (JSON.stringify would overflow the stack or dump it all).
 */
export function previewValue(value: unknown, max = 40): string {
  let out = '';
  const full = () => out.length > max;
  const visit = (v: unknown): void => {
    if (full()) return;
    if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) out += ',';
        visit(v[i]);
      }
      out += ']';
    } else if (typeof v === 'object' && v !== null) {
      out += '{';
      let first = true;
      for (const key in v) {
        if (full()) break;
        if (!Object.hasOwn(v, key)) continue;
        out += `${first ? '' : ','}${JSON.stringify(key.slice(0, max + 1))}:`;
        first = false;
        visit((v as Record<string, unknown>)[key]);
      }
      out += '}';
    } else if (typeof v === 'string') {
      out += JSON.stringify(v.slice(0, max + 1));
    } else {
      out += String(v); // numbers (Infinity, -0 as 0), booleans, null, undefined
    }
  };
  visit(value);
  return full() ? `${out.slice(0, max)}…` : out;
}
