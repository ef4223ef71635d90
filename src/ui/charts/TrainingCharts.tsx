import { memo } from 'react';
import type { MetricPoint } from '../../worker/views';
import { formatCompact } from './format';
import { MetricChart, type MetricSeries } from './MetricChart';
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
const LOGPS: MetricSeries[] = [
  { key: 'logps/chosen', label: 'chosen', color: 'var(--chosen)' },
  { key: 'logps/rejected', label: 'rejected', color: 'var(--rejected)' },
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

/** The training and evaluation metrics, each chart with what it means. */
export const TrainingCharts = memo(function TrainingCharts({
  points,
  imported = false,
}: {
  points: MetricPoint[];
  /** Training on an imported file: there is no ground-truth reward to chart. */
  imported?: boolean;
}) {
  const beta = latest(points, 'beta');
  return (
    <div className="grid charts-grid" data-testid="training-charts">
      <MetricChart
        title="Loss"
        testId="chart-loss"
        points={points}
        series={LOSS}
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
        testId="chart-rewards"
        points={points}
        series={REWARDS}
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
        testId="chart-margins"
        points={points}
        series={MARGINS}
        referenceLines={ZERO_LINE}
        explanation={
          <p>
            rewards/margins = mean of r̂(chosen) − r̂(rejected) = β·h. The loss is a decreasing
            function of it, so it should climb.
          </p>
        }
      />
      <MetricChart
        title="Preference accuracy"
        testId="chart-accuracies"
        points={points}
        series={ACCURACIES}
        yDomain={UNIT}
        explanation={
          <p>
            Fraction of pairs where r̂(chosen) &gt; r̂(rejected). It is 0 at step 0 because π_θ =
            π_ref makes every pair a tie, and ties count as wrong.
          </p>
        }
      />
      <MetricChart
        title="Log-probabilities under π_θ"
        testId="chart-logps"
        points={points}
        series={LOGPS}
        explanation={
          <p>
            Mean of log π_θ(y|x) summed over completion tokens. Both usually fall; DPO only needs
            the rejected to fall faster than the chosen.
          </p>
        }
      />
      <MetricChart
        title="Gradient norm"
        testId="chart-grad-norm"
        points={points}
        series={GRAD_NORM}
        explanation={
          <p>
            Global L2 norm of the gradient before clipping. Spikes here usually come before
            instabilities in the loss.
          </p>
        }
      />
      <MetricChart
        title="Ground-truth reward of fresh samples"
        testId="chart-eval-reward"
        points={points}
        series={EVAL_REWARD}
        emptyText={
          imported
            ? 'Your data has no ground-truth reward: watch the KL and the implicit rewards.'
            : EVAL_EMPTY
        }
        explanation={
          <p>
            Mean r*(x, y) ∈ [0, 1] from the task's sentiment scorer, over completions sampled from
            π_θ on held-out prompts. The dashed line is the SFT reference's level.
          </p>
        }
      />
      <MetricChart
        title="KL(π_θ ‖ π_ref)"
        testId="chart-eval-kl"
        points={points}
        series={EVAL_KL}
        emptyText={EVAL_EMPTY}
        subtitle={
          <p>
            Σ over completion tokens of the exact per-token KL(π_θ(·|y&lt;t) ‖ π_ref(·|y&lt;t)),
            averaged over samples of π_θ; dashed: the sample estimate Σ_t log π_θ(y_t) − log
            π_ref(y_t).
          </p>
        }
        explanation={
          <p>
            With the reward chart, this gives the paper's reward–KL frontier (Fig. 2): reward gained
            per nat of drift from the reference.
          </p>
        }
      />
      <section className="card chart-card chart-note" data-testid="chart-beta-note">
        <h3 className="chart-title">What β does</h3>
        <p>
          β scales the implicit reward. Higher β keeps π_θ nearer π_ref: the loss saturates after a
          smaller log-ratio, so the policy drifts less (lower KL) and usually gains less reward.
          Lower β lets it move further from the reference.
        </p>
        {beta !== undefined && (
          <p className="hint">
            This run: β = <code>{formatCompact(beta)}</code>
          </p>
        )}
      </section>
    </div>
  );
});
