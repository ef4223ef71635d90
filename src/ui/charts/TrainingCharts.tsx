import { memo, useMemo } from 'react';
import type { MetricPoint } from '../../pipeline/views';
import { formatCompact } from './format';
import { MetricChart, type MetricSeries } from './MetricChart';
import type { TrlEvalKey } from './trainerState';
import './charts.css';

// Module constants: MetricChart memoises its rows on the `series` array's identity.
const LOSS: MetricSeries[] = [{ key: 'loss', label: 'loss', color: 'var(--accent)' }];
const REWARDS: MetricSeries[] = [
  { key: 'rewards/chosen', label: 'chosen', color: 'var(--chosen)' },
  { key: 'rewards/rejected', label: 'rejected', color: 'var(--rejected)' },
];
const MARGINS: MetricSeries[] = [
  { key: 'rewards/margins', label: 'margin', color: 'var(--accent)' },
];
const ACCURACIES: MetricSeries[] = [
  { key: 'rewards/accuracies', label: 'accuracy', color: 'var(--accent)' },
];
/** The app's own runs add the held-out line: one fixed set of pairs, never trained on. */
const ACCURACIES_HELD_OUT: MetricSeries[] = [
  ...ACCURACIES,
  { key: 'eval/pair_accuracy', label: 'held-out pairs', color: 'var(--chosen)', dashed: true },
];
const LOGPS: MetricSeries[] = [
  { key: 'logps/chosen', label: 'chosen', color: 'var(--chosen)' },
  { key: 'logps/rejected', label: 'rejected', color: 'var(--rejected)' },
];
const GRAD_WEIGHT: MetricSeries[] = [
  { key: 'grad_weight', label: 'σ(r̂_l − r̂_w)', color: 'var(--accent)' },
];
const GRAD_NORM: MetricSeries[] = [{ key: 'grad_norm', label: 'grad norm', color: 'var(--warn)' }];
const EVAL_REWARD: MetricSeries[] = [
  { key: 'eval/reward', label: 'π_θ', color: 'var(--accent)' },
  { key: 'eval/ref_reward', label: 'π_ref (SFT)', color: 'var(--muted)', dashed: true },
];
const EVAL_KL: MetricSeries[] = [
  { key: 'eval/kl', label: 'exact KL', color: 'var(--accent)' },
  { key: 'eval/kl_sample', label: 'sample estimate', color: 'var(--muted)', dashed: true },
];
/** With TR-DPO: KL to the SFT model (eval/kl) and to the current, refreshed π_ref. */
const EVAL_KL_REFRESH: MetricSeries[] = [
  { key: 'eval/kl', label: 'to the SFT model', color: 'var(--accent)' },
  { key: 'eval/kl_ref', label: 'to the current π_ref', color: 'var(--warn)' },
  { key: 'eval/kl_sample', label: 'sample estimate (SFT)', color: 'var(--muted)', dashed: true },
];
/** A TRL run's charts: its train rows solid, its eval_ rows dashed, the same colours. */
const withEval = (series: MetricSeries[]): MetricSeries[] => [
  ...series,
  ...series.map((x) => ({
    ...x,
    key: `eval_${x.key}` as TrlEvalKey,
    label: `${x.label} (eval)`,
    dashed: true,
  })),
];
const TRL = {
  loss: withEval(LOSS),
  rewards: withEval(REWARDS),
  margins: withEval(MARGINS),
  accuracies: withEval(ACCURACIES),
  logps: withEval(LOGPS),
};
const APP = {
  loss: LOSS,
  rewards: REWARDS,
  margins: MARGINS,
  accuracies: ACCURACIES_HELD_OUT,
  logps: LOGPS,
};
const LN2_LINE = [{ y: Math.LN2, label: 'ln 2: π_θ = π_ref' }];
const ZERO_LINE = [{ y: 0, label: '' }];
const UNIT: [number, number] = [0, 1];
const EVAL_EMPTY = 'Evaluated every few steps: waiting for the first evaluation…';

/** The most recent value of `key` in the stream, if any. */
function latest(points: MetricPoint[], key: string): number | undefined {
  for (let i = points.length - 1; i >= 0; i--) {
    const v = points[i]?.[key];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/** Vertical marks where an online round after the first begins (points carrying `round`). */
export function roundLines(points: MetricPoint[]): { x: number; label: string }[] {
  const out: { x: number; label: string }[] = [];
  for (const p of points) {
    if (typeof p.round === 'number' && p.step > 0 && !out.some((l) => l.x === p.step)) {
      out.push({ x: p.step, label: `round ${p.round}` });
    }
  }
  return out;
}

/** The training and evaluation metrics, each chart with what it means. */
export const TrainingCharts = memo(function TrainingCharts({
  points,
  imported = false,
  source = 'app',
  testId = 'training-charts',
}: {
  points: MetricPoint[];
  /** Training on an imported file: there is no ground-truth reward to chart. */
  imported?: boolean;
  /** 'trl': a TRL run's trainer_state.json (train and eval_ rows; no samples, no KL). */
  source?: 'app' | 'trl';
  testId?: string;
}) {
  const S = source === 'trl' ? TRL : APP;
  const id = (name: string) => (source === 'trl' ? `trl-${name}` : name);
  const beta = latest(points, 'beta');
  const refreshed = latest(points, 'eval/kl_ref') !== undefined;
  // Recomputed per batch of points; the lines' identity changes only when a round starts.
  const roundsKey = roundLines(points)
    .map((l) => l.x)
    .join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the boundaries only.
  const rounds = useMemo(() => roundLines(points), [roundsKey]);
  return (
    <div className="grid charts-grid" data-testid={testId}>
      <MetricChart
        title="Loss"
        testId={id('chart-loss')}
        points={points}
        stepLines={rounds}
        series={S.loss}
        referenceLines={LN2_LINE}
        explanation={
          <p>
            The batch mean of −log σ(β·h) for DPO. It starts at ln 2 ≈ 0.693, the loss when π_θ =
            π_ref (every h = 0), and falls as π_θ learns to prefer the chosen completions.
          </p>
        }
      />
      <MetricChart
        title="Implicit rewards"
        testId={id('chart-rewards')}
        points={points}
        stepLines={rounds}
        series={S.rewards}
        referenceLines={ZERO_LINE}
        explanation={
          <>
            <p>
              r̂(x, y) = β·log π_θ(y|x)/π_ref(y|x), the reward DPO implicitly fits, averaged over the
              chosen and the rejected completions of the batch.
            </p>
            <p>
              rewards/chosen often falls while the margin grows: after SFT both log-probs drop, and
              what DPO optimises is the gap between them. That is normal.
            </p>
          </>
        }
      />
      <MetricChart
        title="Reward margin"
        testId={id('chart-margins')}
        points={points}
        stepLines={rounds}
        series={S.margins}
        referenceLines={ZERO_LINE}
        explanation={
          <p>
            rewards/margins = mean of r̂(chosen) − r̂(rejected) = β·h. The loss is a decreasing
            function of it, so it should climb.
          </p>
        }
      />
      {source === 'app' && (
        <MetricChart
          title="Gradient weight of a pair"
          testId={id('chart-grad-weight')}
          points={points}
          stepLines={rounds}
          series={GRAD_WEIGHT}
          yDomain={UNIT}
          explanation={
            <p>
              DPO's gradient weighs each pair by σ(r̂_l − r̂_w) (paper §3): ½ for a tie, near 0 once
              the implicit reward ranks the pair right by a wide margin, near 1 when it ranks it
              wrong. The batch mean falls as pairs are learned: they stop contributing, and a fresh
              online round brings it back up.
            </p>
          }
        />
      )}
      <MetricChart
        title="Preference accuracy"
        testId={id('chart-accuracies')}
        points={points}
        stepLines={rounds}
        series={S.accuracies}
        yDomain={UNIT}
        explanation={
          <>
            <p>
              Fraction of the batch's pairs where r̂(chosen) &gt; r̂(rejected). It is 0 at step 0
              because π_θ = π_ref makes every pair a tie, and ties count as wrong.
            </p>
            {source === 'app' && (
              <p data-testid="accuracy-rounds-note">
                With online rounds it falls back towards 0.5 at each round mark: the batch is then
                fresh pairs sampled from the current π_θ, never trained on, and both of their
                completions are ones π_θ already likes, so its implicit reward ranks them near
                chance until it learns them. The dashed line ranks one fixed set of held-out pairs
                (π_ref's samples on the evaluation prompts) at each evaluation: it does not reset.
              </p>
            )}
          </>
        }
      />
      <MetricChart
        title="Log-probabilities under π_θ"
        testId={id('chart-logps')}
        points={points}
        stepLines={rounds}
        series={S.logps}
        explanation={
          <p>
            Mean of log π_θ(y|x) summed over completion tokens. Both usually fall; DPO only needs
            the rejected to fall faster than the chosen.
          </p>
        }
      />
      <MetricChart
        title="Gradient norm"
        testId={id('chart-grad-norm')}
        points={points}
        stepLines={rounds}
        series={GRAD_NORM}
        explanation={
          <p>
            Global L2 norm of the gradient before clipping. Spikes here usually come before
            instabilities in the loss.
          </p>
        }
      />
      {source === 'app' && (
        <>
          <MetricChart
            title="Ground-truth reward of fresh samples"
            testId={id('chart-eval-reward')}
            points={points}
            stepLines={rounds}
            series={EVAL_REWARD}
            emptyText={
              imported
                ? 'Your data has no ground-truth reward: watch the KL and the implicit rewards.'
                : EVAL_EMPTY
            }
            explanation={
              <p>
                Mean r*(x, y) ∈ [0, 1] from the task's sentiment scorer, over completions sampled
                from π_θ on held-out prompts. The dashed line is the SFT reference's level.
              </p>
            }
          />
          <MetricChart
            title="KL(π_θ ‖ π_ref)"
            testId={id('chart-eval-kl')}
            points={points}
            stepLines={rounds}
            series={refreshed ? EVAL_KL_REFRESH : EVAL_KL}
            emptyText={EVAL_EMPTY}
            subtitle={
              <p>
                Σ over completion tokens of the exact per-token KL(π_θ(·|y&lt;t) ‖ π_ref(·|y&lt;t)),
                averaged over samples of π_θ; dashed: the sample estimate Σ_t log π_θ(y_t) − log
                π_ref(y_t).
              </p>
            }
            explanation={
              <>
                <p>
                  With the reward chart, this gives the paper's reward–KL frontier (Fig. 2): reward
                  gained per nat of drift from the reference.
                </p>
                {refreshed && (
                  <p>
                    TR-DPO moves π_ref towards π_θ every few steps: the KL to the current π_ref
                    drops at each refresh, while the KL to the SFT model keeps the whole drift.
                  </p>
                )}
              </>
            }
          />
          <section
            className="card chart-card chart-note"
            aria-labelledby="beta-note-title"
            data-testid="chart-beta-note"
          >
            <h3 className="chart-title" id="beta-note-title">
              What β does
            </h3>
            <p>
              β scales the implicit reward. Higher β keeps π_θ nearer π_ref: the loss saturates
              after a smaller log-ratio, so the policy drifts less (lower KL) and usually gains less
              reward. Lower β lets it move further from the reference.
            </p>
            {beta !== undefined && (
              <p className="hint">
                This run: β = <code>{formatCompact(beta)}</code>
              </p>
            )}
          </section>
        </>
      )}
    </div>
  );
});
