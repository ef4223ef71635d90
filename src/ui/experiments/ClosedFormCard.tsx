/**
 * "The closed-form optimum": DPO trained to convergence on a problem small enough to sum Z(x)
 * exactly, drawn against π_ref·e^{r/β}/Z (paper §4, Eq. 4). The worker trains it
 * (src/pipeline/closedForm/); this card asks for a prediction, runs it, and reads the result.
 */
import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  CLOSED_FORM_BETAS,
  CLOSED_FORM_PREDICTIONS,
  type ClosedFormAnswer,
  type ClosedFormPromptResult,
  type ClosedFormResult,
  closedFormReading,
  formatDistance,
  nearestAnswer,
  stepWithin,
  worst,
} from '../../pipeline/closedForm/problem';
import type { WorkerClient } from '../../worker/client';

/** Labelled pairs per prompt the card offers: the sampling error shrinks as 1/√n. */
const CLOSED_FORM_PAIRS = [1_000, 10_000, 100_000] as const;

/** Asks the worker: the answer is its 'closed-form-result', a failure an `error` event. */
export async function requestClosedForm(
  client: Pick<WorkerClient, 'request'>,
  args: { beta: number; seed: number; pairsPerPrompt: number },
): Promise<ClosedFormResult> {
  const e = await client.request({ type: 'closed-form', ...args }, 'closed-form-result');
  return e.result;
}

const pct = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : String(v));
const AXIS_TICK = { fill: 'var(--muted)', fontSize: 11 };
const CHART_HEIGHT = 200;

/** One prompt: π_ref, the exact π* and the learned π_θ over the words, bars side by side. */
function PromptChart({ p, completions }: { p: ClosedFormPromptResult; completions: string[] }) {
  const rows = completions.map((word, i) => ({
    word,
    // Not `ref`: recharts spreads a row's fields onto its bars, and React takes `ref` as a ref.
    reference: p.ref[i],
    optimum: p.optimum[i],
    policy: p.policy[i],
  }));
  return (
    <section className="card chart-card" data-testid="closed-form-prompt">
      <h4 className="chart-title">“{p.prompt} …”</h4>
      <p className="chart-subtitle" data-testid="closed-form-distance">
        TV(π*, π_θ) {formatDistance(p.tv)} · KL(π*‖π_θ) {formatDistance(p.kl)} nats · on the
        population loss TV {formatDistance(p.populationTv)} · log Z(x) {p.logZ.toFixed(3)}
      </p>
      <ResponsiveContainer
        width="100%"
        height={CHART_HEIGHT}
        initialDimension={{ width: 320, height: CHART_HEIGHT }}
      >
        <BarChart data={rows} margin={{ top: 6, right: 10, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="word" interval={0} tick={AXIS_TICK} stroke="var(--border)" />
          <YAxis width={44} tickFormatter={pct} tick={AXIS_TICK} stroke="var(--border)" />
          <Tooltip formatter={(v) => pct(v)} isAnimationActive={false} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="reference" name="π_ref" fill="var(--muted)" isAnimationActive={false} />
          <Bar
            dataKey="optimum"
            name="exact π* = π_ref·e^{r/β}/Z"
            fill="var(--accent)"
            isAnimationActive={false}
          />
          <Bar dataKey="policy" name="DPO's π_θ" fill="var(--chosen)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <p className="hint">
        r(x, y): {completions.map((w, i) => `${w} ${(p.rewards[i] ?? 0).toFixed(2)}`).join(' · ')}
      </p>
    </section>
  );
}

/** A finished run: the charts per prompt, the reading, the verdict on the prediction. */
export function ClosedFormResultView({
  result,
  predicted,
}: {
  result: ClosedFormResult;
  predicted: ClosedFormAnswer | null;
}) {
  const answer = nearestAnswer(result);
  const settled = stepWithin(result, 1e-3);
  const answerText = CLOSED_FORM_PREDICTIONS.find((p) => p.id === answer)?.text ?? answer;
  return (
    <div data-testid="closed-form-result" data-beta={result.beta} data-tv={worst(result, 'tv')}>
      <div className="grid charts-grid">
        {result.prompts.map((p) => (
          <PromptChart key={p.prompt} p={p} completions={result.completions} />
        ))}
      </div>
      <div className="experiment-outcome" role="status">
        <p data-testid="closed-form-reading">
          <strong>What happened.</strong> {closedFormReading(result)}
          {settled !== null && ` The population run was within TV 0.001 of π* by step ${settled}.`}
        </p>
        {predicted && (
          <p
            className={predicted === answer ? 'prediction-right' : 'prediction-wrong'}
            data-testid="closed-form-verdict"
          >
            {predicted === answer
              ? 'Your prediction was right.'
              : `Not what you predicted: π_θ ended nearest “${answerText}”.`}
          </p>
        )}
        <p>
          <strong>Why.</strong> The KL-constrained problem max E[r] − β·KL(π‖π_ref) is solved by π*
          = π_ref·e^{'{r/β}'}/Z (Eq. 4), and DPO's loss is the Bradley–Terry likelihood written in
          terms of the policy that solves it: its minimum over every pair is where β·log π_θ/π_ref
          equals r up to a constant per prompt, which is π*. DPO never sees r, only which word won;
          with finitely many pairs it estimates the reward differences, and their error is divided
          by β: a small β needs many more pairs (try 1,000 at β = 0.1).
        </p>
      </div>
    </div>
  );
}

type CardState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: ClosedFormResult; seconds: number }
  | { kind: 'failed'; message: string };

/** One finished run's figures, kept to compare β's. */
interface RunRow {
  beta: number;
  pairs: number;
  tv: number;
  kl: number;
  klOptimumRef: number;
}

export function ClosedFormCard({
  client,
  seed,
  canRun,
}: {
  client: WorkerClient;
  seed: number;
  canRun: boolean;
}) {
  const [beta, setBeta] = useState<number>(CLOSED_FORM_BETAS[0]);
  const [pairs, setPairs] = useState<number>(CLOSED_FORM_PAIRS[2]);
  const [guess, setGuess] = useState<ClosedFormAnswer | null>(null);
  const [state, setState] = useState<CardState>({ kind: 'idle' });
  const [history, setHistory] = useState<RunRow[]>([]);
  const running = state.kind === 'running';
  const run = async () => {
    setState({ kind: 'running' });
    const t0 = performance.now();
    try {
      const result = await requestClosedForm(client, { beta, seed, pairsPerPrompt: pairs });
      setState({ kind: 'done', result, seconds: (performance.now() - t0) / 1000 });
      setHistory((h) => [
        ...h,
        {
          beta,
          pairs,
          tv: worst(result, 'tv'),
          kl: worst(result, 'kl'),
          klOptimumRef: worst(result, 'klOptimumRef'),
        },
      ]);
    } catch (e) {
      setState({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <div className="experiment" data-testid="closed-form" data-experiment="closed-form">
      <h3>The closed-form optimum</h3>
      <p className="experiment-question">
        DPO never sees the reward, only which of two completions won. Trained to convergence, where
        does its policy end?
      </p>
      <p className="hint">
        A problem small enough to sum Z(x) exactly: three prompts, eight one-word completions
        (superb … awful), π_ref a fixed softmax (seed {seed}), r(x, y) the task's sentiment reward
        of the word after the prompt (“was not” reverses it). Pairs are drawn from π_ref and
        labelled by Bradley–Terry, P(y₁ ≻ y₂) = σ(r₁ − r₂); a tabular π_θ (one logit per word and
        prompt) is trained with the app's own DPO loss and Adam, full batch, for 400 steps.
      </p>
      <fieldset className="experiment-predictions" disabled={running}>
        <legend>Your prediction</legend>
        {CLOSED_FORM_PREDICTIONS.map((p) => (
          <label key={p.id}>
            <input
              type="radio"
              name="predict-closed-form"
              value={p.id}
              checked={guess === p.id}
              data-testid={`predict-${p.id}`}
              onChange={() => setGuess(p.id)}
            />{' '}
            {p.text}
          </label>
        ))}
      </fieldset>
      <div className="experiment-actions">
        <label>
          β{' '}
          <select
            value={beta}
            disabled={running}
            data-testid="closed-form-beta"
            onChange={(e) => setBeta(Number(e.target.value))}
          >
            {CLOSED_FORM_BETAS.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          pairs per prompt{' '}
          <select
            value={pairs}
            disabled={running}
            data-testid="closed-form-pairs"
            onChange={(e) => setPairs(Number(e.target.value))}
          >
            {CLOSED_FORM_PAIRS.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString('en')}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={!canRun || !guess || running}
          onClick={() => void run()}
          data-testid="closed-form-run"
          title={guess ? undefined : 'Pick a prediction first'}
        >
          ▶ Run
        </button>
        <span className="hint" data-testid="closed-form-progress">
          {state.kind === 'running' && 'Training the two tabular policies…'}
          {state.kind === 'done' && `Done in ${state.seconds.toFixed(1)} s.`}
          {state.kind === 'failed' && `Stopped: ${state.message}`}
        </span>
      </div>
      {state.kind === 'done' && <ClosedFormResultView result={state.result} predicted={guess} />}
      {history.length > 1 && (
        <table className="closed-form-history" data-testid="closed-form-history">
          <caption>Your runs (the worst prompt's figures)</caption>
          <thead>
            <tr>
              <th>β</th>
              <th>pairs per prompt</th>
              <th>KL(π*‖π_ref)</th>
              <th>TV(π*, π_θ)</th>
              <th>KL(π*‖π_θ)</th>
            </tr>
          </thead>
          <tbody>
            {history.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are only appended.
              <tr key={i}>
                <td>{r.beta}</td>
                <td>{r.pairs.toLocaleString('en')}</td>
                <td>{formatDistance(r.klOptimumRef)}</td>
                <td>{formatDistance(r.tv)}</td>
                <td>{formatDistance(r.kl)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="experiment-sources">
        <strong>Read next:</strong>
        <ul>
          <li>
            Rafailov et al. 2023, DPO, §4 (Eq. 4 and its derivation in Appendix A.1) —{' '}
            <code>arXiv:2305.18290</code>
          </li>
        </ul>
      </div>
    </div>
  );
}
