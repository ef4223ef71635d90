import { useId, useState } from 'react';
import type { DpoRunSettings } from '../../pipeline/settings';
import type { WorkerClient } from '../../worker/client';
import { isBusy, type RunState } from '../../worker/runState';
import { readFiles } from '../download';
import { LabellingPanel } from './LabellingPanel';
import { useLabelling } from './useLabelling';
import { useShortcuts } from './useShortcuts';

export interface LabellingModeProps {
  client: WorkerClient;
  settings: DpoRunSettings;
  hasModel: boolean;
  run: RunState;
  /** The page's own train / pause / step (the t / p / s keys outside the labelling mode). */
  onRun(action: 'train' | 'pause' | 'step'): void;
  /** A new run on the labels replaces the charts' run (not when one on the labels goes on). */
  onNewRun(): void;
}

/**
 * The labelling mode beside the built-in task and file import: closed, a button that opens it;
 * open, the labelling panel. Owns the keyboard shortcuts of the whole page.
 */
export function LabellingMode(p: LabellingModeProps) {
  const [open, setOpen] = useState(false);
  const l = useLabelling(p.client, p.settings);
  const s = l.state;
  const busy = isBusy(p.run);
  const titleId = useId();
  const canTrain = p.hasModel && !busy && s.counts.train > 0;
  const train = () => {
    if (!canTrain) return;
    if (p.run === 'empty') p.onNewRun();
    l.train(p.settings);
  };
  useShortcuts(open && !!s.candidate && !s.loading, (a) => {
    if (a.kind === 'label') l.label(a.choice);
    else if (a.action === 'train' && open && (p.run === 'empty' || p.run === 'done')) train();
    else p.onRun(a.action);
  });

  if (!open) {
    return (
      <section className="card panel" aria-labelledby={titleId}>
        <h2 id={titleId}>You are the reward model</h2>
        <p className="hint">
          Label pairs yourself: pick the better of two completions (keys 1 / 2, 0 tie, space skip)
          and DPO learns your taste from your labels alone.
        </p>
        <button
          type="button"
          data-testid="label-start"
          disabled={!p.hasModel}
          onClick={() => {
            setOpen(true);
            l.next('ref');
          }}
        >
          Label pairs yourself
        </button>
      </section>
    );
  }
  return (
    <LabellingPanel
      {...s}
      canSamplePolicy={p.run !== 'empty'}
      onSampleFrom={(from) => l.next(from)}
      onPairOrder={(order) => l.next(s.sampleFrom, order)}
      onLabel={l.label}
      onEdit={l.edit}
      onRemove={l.remove}
      onTrain={train}
      canTrain={canTrain}
      onTestMe={l.testMe}
      onWhatChanged={l.whatChanged}
      canCompare={p.hasModel && !busy}
      onExport={() => p.client.send({ type: 'label-export' })}
      onImport={async (file) => {
        const [f] = await readFiles([file]);
        if (f) p.client.send({ type: 'label-import', name: f.name, bytes: f.bytes }, [f.bytes]);
      }}
      busy={busy}
    />
  );
}
