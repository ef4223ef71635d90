/**
 * Agreement of the implicit reward with a labeller: r̂(x, y) = β·(log π_θ(y|x) − log π_ref(y|x))
 * (paper §5) ranks each labelled pair; it agrees when r̂(y_w) > r̂(y_l). Plain numbers (summed
 * completion log-probs), so the UI and tests use it without tfjs.
 */

/** Summed completion log-probs of one labelled pair under π_θ and π_ref. */
export interface PairLogps {
  policyChosen: number;
  policyRejected: number;
  refChosen: number;
  refRejected: number;
}

export interface Agreement {
  /** Share of pairs ranked as the labeller did; a zero margin counts 0.5. NaN without pairs. */
  agreement: number;
  /** Pairs with margin > 0, = 0 and < 0. */
  agree: number;
  ties: number;
  disagree: number;
  n: number;
  /** Mean implicit-reward margin β·h over the pairs. */
  meanMargin: number;
}

/** β·h with h = Δ(y_w) − Δ(y_l), Δ(y) = log π_θ(y) − log π_ref(y) (dpo-reference.md). */
export function implicitMargin(p: PairLogps, beta: number): number {
  return beta * (p.policyChosen - p.refChosen - (p.policyRejected - p.refRejected));
}

/**
 * How often the implicit reward ranks the pairs as labelled. Before training π_θ = π_ref, every
 * margin is exactly 0 and the agreement is 0.5: a coin. Margins within `tolerance` of 0
 * count as ties (float noise of two equal models).
 */
export function agreement(pairs: readonly PairLogps[], beta: number, tolerance = 0): Agreement {
  let agree = 0;
  let ties = 0;
  let disagree = 0;
  let marginSum = 0;
  for (const p of pairs) {
    const m = implicitMargin(p, beta);
    marginSum += m;
    if (m > tolerance) agree++;
    else if (m < -tolerance) disagree++;
    else ties++;
  }
  const n = pairs.length;
  return {
    agreement: n === 0 ? Number.NaN : (agree + 0.5 * ties) / n,
    agree,
    ties,
    disagree,
    n,
    meanMargin: n === 0 ? Number.NaN : marginSum / n,
  };
}

/** One point of the agreement chart: held-out labels and/or a "test me" round at a step. */
export interface AgreementPoint {
  step: number;
  /** On the held-out share of the labels; NaN when none is held out. */
  heldOut: number;
  heldOutN: number;
  /** On the latest "test me" round of fresh pairs; absent before one. */
  test?: number;
  testN?: number;
  /** Pairs of the test round labelled a tie: excluded from `testN`, counted. */
  testTies?: number;
}

/** Adds `p` to a series sorted by step; a point at a step already there is merged into it. */
export function addAgreementPoint(
  series: readonly AgreementPoint[],
  p: AgreementPoint,
): AgreementPoint[] {
  const old = series.find((q) => q.step === p.step);
  const rest = series.filter((q) => q.step !== p.step);
  return [...rest, { ...old, ...p }].sort((a, b) => a.step - b.step);
}
