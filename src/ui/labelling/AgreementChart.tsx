import { Line, ReferenceLine } from 'recharts';
import type { AgreementPoint } from '../../objectives/agreement';
import { wilsonInterval } from '../../util/wilson';
import { StepPlot } from '../charts/StepPlot';

const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : String(v));

/** The latest agreement figure: the test round's when there is one, else the held-out labels'. */
export function latestAgreement(series: readonly AgreementPoint[]): {
  value: number;
  n: number;
  on: 'test' | 'held-out';
  step: number;
  /** Wilson 95 % interval of the agreement over its n pairs. */
  lo: number;
  hi: number;
  /** The test round's pairs labelled a tie: not in n, counted. */
  ties: number;
} | null {
  const p = series.at(-1);
  if (!p) return null;
  const withInterval = (value: number, n: number, on: 'test' | 'held-out', ties: number) => ({
    value,
    n,
    on,
    step: p.step,
    ties,
    ...wilsonInterval(value * n, n),
  });
  if (p.test !== undefined && Number.isFinite(p.test))
    return withInterval(p.test, p.testN ?? 0, 'test', p.testTies ?? 0);
  if (Number.isFinite(p.heldOut)) return withInterval(p.heldOut, p.heldOutN, 'held-out', 0);
  return null;
}

/** Agreement of the implicit reward with your labels against the step; 50 % is a coin. */
export function AgreementChart({ series }: { series: AgreementPoint[] }) {
  const first = series[0];
  const last = latestAgreement(series);
  const before =
    first && (first.test !== undefined && Number.isFinite(first.test) ? first.test : first.heldOut);
  return (
    <div
      className="agreement"
      data-testid="agreement"
      data-points={series.length}
      data-series={JSON.stringify(series)}
    >
      <p className="agreement-figure">
        <span
          className="agreement-value"
          data-testid="agreement-value"
          data-value={last?.value ?? ''}
        >
          {last ? pct(last.value) : '—'}
        </span>{' '}
        <span className="muted-text">
          {last
            ? `agreement on ${last.n} ${last.on === 'test' ? 'test' : 'held-out'} pairs at step ${last.step}, 95 % interval ${pct(last.lo)}–${pct(last.hi)}${last.on === 'test' ? `; ${last.ties} ties left out` : ''}`
            : 'agreement appears once a run on your labels starts'}
          {last && before !== undefined && series.length > 1 && Number.isFinite(before)
            ? ` (before training: ${pct(before)})`
            : ''}
        </span>
      </p>
      {series.length > 0 && (
        <StepPlot
          data={series}
          y={{ domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] }}
          format={pct}
          legend
        >
          <ReferenceLine y={0.5} stroke="var(--muted)" strokeDasharray="2 4" />
          <Line
            dataKey="heldOut"
            name="held-out labels"
            stroke="var(--accent)"
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            dataKey="test"
            name="test me"
            stroke="var(--chosen)"
            strokeDasharray="5 4"
            dot={{ r: 4, fill: 'var(--chosen)' }}
            connectNulls
            isAnimationActive={false}
          />
        </StepPlot>
      )}
      <p className="hint">
        How often the implicit reward β·log π_θ(y)/π_ref(y) ranks a pair you labelled the way you
        did (a margin of exactly 0 counts half). Before training π_θ = π_ref: every margin is 0, so
        50 %. Only pairs never trained on count: every 4th label, and the "test me" round (pairs
        from π_ref at temperature 1, the same ones at every evaluation; ties left out). With 32 test
        pairs the interval is about ±15 points: read it before the number.
      </p>
    </div>
  );
}
