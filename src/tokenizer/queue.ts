/**
 * A binary heap of (primary, secondary) number pairs: largest primary first, then smallest
 * secondary. Training queues (pair count, pair key); encoding queues (−merge rank, position).
 */
export class PairQueue {
  private readonly primary: number[] = [];
  private readonly secondary: number[] = [];
  /** The pair removed by the last pop(). */
  topPrimary = 0;
  topSecondary = 0;

  get size(): number {
    return this.primary.length;
  }

  push(p: number, s: number): void {
    const { primary, secondary } = this;
    let i = primary.length;
    primary.push(p);
    secondary.push(s);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pp = primary[parent] ?? 0;
      const ps = secondary[parent] ?? 0;
      if (pp > p || (pp === p && ps <= s)) break;
      primary[i] = pp;
      secondary[i] = ps;
      i = parent;
    }
    primary[i] = p;
    secondary[i] = s;
  }

  /** Removes the top pair into topPrimary/topSecondary; false when empty. */
  pop(): boolean {
    const { primary, secondary } = this;
    const lastP = primary.pop();
    const lastS = secondary.pop();
    if (lastP === undefined || lastS === undefined) return false;
    if (primary.length === 0) {
      this.topPrimary = lastP;
      this.topSecondary = lastS;
      return true;
    }
    this.topPrimary = primary[0] ?? 0;
    this.topSecondary = secondary[0] ?? 0;
    const n = primary.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.before(right, child)) child = right;
      const cp = primary[child] ?? 0;
      const cs = secondary[child] ?? 0;
      if (lastP > cp || (lastP === cp && lastS <= cs)) break;
      primary[i] = cp;
      secondary[i] = cs;
      i = child;
    }
    primary[i] = lastP;
    secondary[i] = lastS;
    return true;
  }

  private before(i: number, j: number): boolean {
    const pi = this.primary[i] ?? 0;
    const pj = this.primary[j] ?? 0;
    return pi > pj || (pi === pj && (this.secondary[i] ?? 0) < (this.secondary[j] ?? 0));
  }
}
