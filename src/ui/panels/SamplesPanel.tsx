import { memo, useMemo } from 'react';
import type { MetricPoint, SampleView } from '../../pipeline/views';
import { RewardBar } from './RewardBar';
import { shadeColor, shadeScale, signed, tokenRewards } from './tokenShade';
import './panels.css';

export interface SamplesPanelProps {
  samples: SampleView[];
  /** The shown run's β (from the worker: a resumed run's own, not the page's). */
  beta: number;
  /** The last evaluation's fluency of π_ref's and π_θ's samples (eval/ref_fluency, eval/fluency). */
  fluency?: { ref: number; policy: number } | null;
}

/** The newest point that carries both fluency figures, as the panel shows them. */
export function lastFluency(
  points: readonly MetricPoint[],
): { ref: number; policy: number } | null {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    const ref = p?.['eval/ref_fluency'];
    const policy = p?.['eval/fluency'];
    if (typeof ref === 'number' && typeof policy === 'number') return { ref, policy };
  }
  return null;
}

/** Fresh samples of π_ref and π_θ; π_θ's tokens coloured by their implicit reward. */
export const SamplesPanel = memo(function SamplesPanel({
  samples,
  beta,
  fluency,
}: SamplesPanelProps) {
  const rewards = useMemo(
    () => samples.map((s) => tokenRewards(s.policyLogps, s.refLogps, beta)),
    [samples, beta],
  );
  const scale = useMemo(() => shadeScale(rewards.flat()), [rewards]);

  return (
    <section
      className="card panel samples-panel"
      aria-labelledby="samples-title"
      data-testid="samples-panel"
      data-count={samples.length}
      data-beta={beta}
    >
      <h2 id="samples-title">Samples</h2>
      <p className="hint">
        Your language model is secretly a reward model: colour = β·log π_θ(token)/π_ref(token).
      </p>
      {fluency && (
        <p className="hint" data-testid="samples-fluency">
          Fluency (share of sampled words that are words of the review corpus): π_ref{' '}
          <strong>{fluency.ref.toFixed(3)}</strong> · π_θ{' '}
          <strong>{fluency.policy.toFixed(3)}</strong>
        </p>
      )}
      {samples.length === 0 ? (
        <p className="panel-empty">Samples appear after the first evaluation.</p>
      ) : (
        <>
          <ShadeLegend scale={scale} />
          <ol className="samples">
            {samples.map((s, i) => (
              // Samples are replaced wholesale at each evaluation: the index is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: see above.
              <li key={i} className="sample">
                <div className="sample-prompt">{s.prompt}</div>
                <div className="sample-row">
                  <span className="sample-who">π_ref</span>
                  <span className="sample-text">{s.refText}</span>
                  <RewardBar value={s.refReward} label="r*(π_ref sample)" />
                </div>
                <div className="sample-row">
                  <span className="sample-who">π_θ</span>
                  <span className="sample-text">
                    <ShadedTokens sample={s} rewards={rewards[i] ?? []} scale={scale} />
                  </span>
                  <RewardBar value={s.reward} label="r*(π_θ sample)" />
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
});

function ShadedTokens(p: { sample: SampleView; rewards: number[]; scale: number }) {
  const { tokenTexts, policyLogps, refLogps } = p.sample;
  return (
    <>
      {tokenTexts.map((text, t) => {
        const r = p.rewards[t] ?? Number.NaN;
        const title = [
          JSON.stringify(text),
          `log π_θ = ${signed(policyLogps[t] ?? Number.NaN)}`,
          `log π_ref = ${signed(refLogps[t] ?? Number.NaN)}`,
          `β·Δ = ${signed(r)}`,
        ].join('\n');
        return (
          <span
            // Tokens of one sample never reorder: position is identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above.
            key={t}
            className="token"
            style={{ background: shadeColor(r, p.scale) }}
            title={title}
          >
            {text}
          </span>
        );
      })}
    </>
  );
}

function ShadeLegend({ scale }: { scale: number }) {
  return (
    <div className="shade-legend">
      <span className="shade-ends">
        ≤ {signed(-scale)}
        <span className="shade-ramp" aria-hidden="true" />≥ {signed(scale)}
      </span>
      <span>
        red: π_θ made the token less likely than π_ref; green: more likely. Hover a token for its
        log-probs.
      </span>
    </div>
  );
}
