import type { TextStats, WhatChanged } from '../../task/textStats';

const ROWS: { key: keyof TextStats; label: string; digits: number }[] = [
  { key: 'meanTokens', label: 'tokens per sample', digits: 1 },
  { key: 'meanChars', label: 'characters per sample', digits: 1 },
  { key: 'exclamationsPerSample', label: '"!" per sample', digits: 2 },
  { key: 'meanReward', label: 'sentiment reward r*', digits: 3 },
];

const fmt = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : '—');

/** π_ref's and π_θ's samples of the same fresh prompts: statistics, rising words, examples. */
export function WhatChangedTable({ data }: { data: WhatChanged | null }) {
  if (!data) {
    return <p className="panel-empty">Train on your labels, then compare π_ref and π_θ here.</p>;
  }
  return (
    <div className="what-changed" data-testid="what-changed" data-step={data.step}>
      <table className="pairs stats-table">
        <caption className="hint">
          {data.policy.samples} fresh prompts, one sample each from π_ref and from π_θ at step{' '}
          {data.step}
        </caption>
        <thead>
          <tr>
            <th>statistic</th>
            <th className="num">π_ref</th>
            <th className="num">π_θ</th>
            <th className="num">change</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((r) => (
            <tr
              key={r.key}
              data-stat={r.key}
              data-ref={data.ref[r.key]}
              data-policy={data.policy[r.key]}
            >
              <td>{r.label}</td>
              <td className="num">{fmt(data.ref[r.key], r.digits)}</td>
              <td className="num">{fmt(data.policy[r.key], r.digits)}</td>
              <td className="num">{fmt(data.policy[r.key] - data.ref[r.key], r.digits)}</td>
            </tr>
          ))}
          {data.tasteWords && (
            <tr
              data-stat="tasteWords"
              data-ref={data.tasteWords.ref}
              data-policy={data.tasteWords.policy}
              title={data.tasteWords.words.join(', ')}
            >
              <td>your words per sample ({data.tasteWords.words.slice(0, 4).join(', ')}…)</td>
              <td className="num">{fmt(data.tasteWords.ref, 2)}</td>
              <td className="num">{fmt(data.tasteWords.policy, 2)}</td>
              <td className="num">{fmt(data.tasteWords.policy - data.tasteWords.ref, 2)}</td>
            </tr>
          )}
        </tbody>
      </table>
      {data.rising.length > 0 && (
        <p className="rising" data-testid="rising-words">
          <span className="muted-text">Words whose log π_θ/π_ref rose most: </span>
          {data.rising.map((w) => (
            <span key={w.word} className="rising-word" title={`seen ${w.count}×`}>
              {w.word} <small>+{w.logRatio.toFixed(1)}</small>
            </span>
          ))}
        </p>
      )}
      <ul className="side-by-side">
        {data.examples.map((e) => (
          <li key={e.prompt}>
            <span className="muted-text">{e.prompt}</span>
            <span className="side-ref">
              <small>π_ref</small> {e.ref}
            </span>
            <span className="side-policy">
              <small>π_θ</small> {e.policy}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
