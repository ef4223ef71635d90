import type { WordRewardView } from '../../worker/labelProtocol';

/**
 * The word reward a training on the labels fitted: the words your labels favour, its accuracy
 * on the held-out labels, and how many of π_ref's sampled pairs it picked for DPO.
 */
export function WordRewardNote({ view }: { view: WordRewardView | null }) {
  if (!view) return null;
  const words = view.words.filter((w) => w.weight > 0).slice(0, 8);
  return (
    <p className="hint" data-testid="word-reward" data-pairs={view.pairs}>
      Your taste, as words:{' '}
      {words.length > 0
        ? words.map((w) => `${w.word} +${w.weight.toFixed(1)}`).join(', ')
        : 'none yet (label more pairs where one side has a word the other lacks)'}
      . This word reward agrees with{' '}
      {Number.isFinite(view.heldOut) ? `${Math.round(view.heldOut * 100)} %` : '—'} of your held-out
      labels; it picked {view.pairs} pairs from π_ref's samples, trained on beside your{' '}
      {view.labels} labels.
    </p>
  );
}
