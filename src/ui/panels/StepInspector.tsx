import { memo, useState } from 'react';
import type { InspectorPair } from '../../pipeline/views';
import { inspectPair, LOSS_FORMULAS, LOSS_REWARDS } from './inspect';
import { signed } from './tokenShade';
import './panels.css';

export interface StepInspectorProps {
  pairs: InspectorPair[];
  /** The shown run's objective (from the worker: a resumed run's own, not the page's). */
  lossType: string;
}

const MAX_CHARS = 180;

function truncate(s: string, n = MAX_CHARS): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function num(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

/** One pair of the last logged batch: its log-probs, implicit rewards and gradient weight. */
export const StepInspector = memo(function StepInspector({ pairs, lossType }: StepInspectorProps) {
  const [selected, setSelected] = useState(0);
  const i = Math.min(selected, Math.max(pairs.length - 1, 0));
  const pair = pairs[i];

  return (
    <section
      className="card panel step-inspector"
      aria-labelledby="inspector-title"
      data-testid="step-inspector"
      data-count={pairs.length}
      data-loss-type={lossType}
    >
      <h2 id="inspector-title">Step inspector</h2>
      <p className="hint">One pair of the last logged batch: where its gradient comes from.</p>
      {!pair ? (
        <p className="panel-empty">Pairs appear after the first logged step.</p>
      ) : (
        <>
          <label className="inspector-pick">
            Pair
            <select value={i} onChange={(e) => setSelected(Number(e.target.value))}>
              {pairs.map((p, j) => (
                <option
                  // A batch is replaced wholesale; its position is the option's identity.
                  // biome-ignore lint/suspicious/noArrayIndexKey: see above.
                  key={j}
                  value={j}
                >
                  #{p.index}: {truncate(p.prompt, 40)}
                </option>
              ))}
            </select>
          </label>
          <PairDetail pair={pair} lossType={lossType} />
        </>
      )}
    </section>
  );
});

function PairDetail({ pair, lossType }: { pair: InspectorPair; lossType: string }) {
  const r = inspectPair(pair);
  const formula = LOSS_FORMULAS[lossType] ?? `${lossType} loss`;
  const { reward, needsReference } = LOSS_REWARDS[lossType] ?? {
    reward: 'r̂',
    needsReference: true,
  };
  const dpo = lossType === 'sigmoid';
  return (
    <>
      <dl className="pair-texts">
        <dt>prompt</dt>
        <dd className="muted-text" title={pair.prompt}>
          {truncate(pair.prompt)}
        </dd>
        <dt className="chosen-label">chosen y_w</dt>
        <dd title={pair.chosen}>{truncate(pair.chosen)}</dd>
        <dt className="rejected-label">rejected y_l</dt>
        <dd title={pair.rejected}>{truncate(pair.rejected)}</dd>
      </dl>
      <table className="inspector-table">
        <thead>
          <tr>
            <th />
            <th className="chosen-label">y_w</th>
            <th className="rejected-label">y_l</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th>log π_θ(y|x)</th>
            <td>{num(pair.policyChosen)}</td>
            <td>{num(pair.policyRejected)}</td>
          </tr>
          {needsReference && (
            <>
              <tr>
                <th>log π_ref(y|x)</th>
                <td>{num(pair.refChosen)}</td>
                <td>{num(pair.refRejected)}</td>
              </tr>
              <tr>
                <th>Δ = log π_θ − log π_ref</th>
                <td>{signed(r.deltaChosen)}</td>
                <td>{signed(r.deltaRejected)}</td>
              </tr>
            </>
          )}
          <tr>
            <th title={reward} data-testid="inspector-reward-row">
              {reward.split(',')[0]}
            </th>
            <td>{signed(pair.rewardChosen)}</td>
            <td>{signed(pair.rewardRejected)}</td>
          </tr>
        </tbody>
      </table>
      <dl className="facts inspector-facts">
        {needsReference && (
          <>
            <dt>h = Δ_w − Δ_l</dt>
            <dd>{signed(r.h)}</dd>
          </>
        )}
        <dt>r̂_w − r̂_l (β = {pair.beta})</dt>
        <dd>{signed(r.margin)}</dd>
        <dt>σ(r̂_l − r̂_w)</dt>
        <dd>
          <span className="weight-bar" aria-hidden="true">
            <span style={{ width: `${Math.round((r.gradWeight || 0) * 100)}%` }} />
          </span>
          {num(r.gradWeight)}
        </dd>
        <dt>loss ({lossType})</dt>
        <dd>{num(pair.loss, 4)}</dd>
      </dl>
      <p className="hint">
        σ(r̂_l − r̂_w) (= σ(−β·h) for DPO) is the pair's gradient weight: large when the implicit
        reward orders the pair wrongly, near 0 once the pair is learned.
        {!dpo && ' (It is the DPO weight; this objective weights pairs its own way.)'}
      </p>
      <pre className="equations">
        {[
          formula,
          reward,
          ...(dpo ? [] : [`DPO on these rewards: −log σ(r̂_w − r̂_l) = ${num(r.dpoLoss, 4)}`]),
          ...(needsReference
            ? ['h = [log π_θ(y_w) − log π_ref(y_w)] − [log π_θ(y_l) − log π_ref(y_l)]']
            : []),
          '∇L = −β·σ(−βh)·(∇log π(y_w) − ∇log π(y_l))',
        ].join('\n')}
      </pre>
    </>
  );
}
