import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  type LabelChoice,
  type LabelCounts,
  type LabelView,
  NO_LABEL_COUNTS,
} from '../../data/labels';
import { type AgreementPoint, addAgreementPoint } from '../../objectives/agreement';
import { DEFAULT_PAIR_ORDER, type PairOrder } from '../../pipeline/labelling/pairChoice';
import type { DpoRunSettings } from '../../pipeline/settings';
import type { WhatChanged } from '../../task/textStats';
import type { WorkerClient } from '../../worker/client';
import type {
  LabelCandidateEvent,
  LabelImportSummary,
  LabelRoute,
  WordRewardView,
} from '../../worker/labelProtocol';

export interface LabellingState {
  candidate: LabelCandidateEvent | null;
  /** A label or a request for the next pair is on its way to the worker. */
  loading: boolean;
  labels: LabelView[];
  counts: LabelCounts;
  agreement: AgreementPoint[];
  whatChanged: WhatChanged | null;
  testLeft: number;
  sampleFrom: 'ref' | 'policy';
  /** Which waiting pair is shown next. */
  pairOrder: PairOrder;
  wordReward: WordRewardView | null;
  imported: LabelImportSummary | null;
}

/**
 * The labelling mode's state on the UI side, fed by the worker's label events; the actions
 * send label requests. Kept apart from the main store: it only grows while labelling.
 */
export function useLabelling(client: WorkerClient, settings: DpoRunSettings) {
  const [s, setS] = useState<LabellingState>({
    candidate: null,
    loading: false,
    labels: [],
    counts: NO_LABEL_COUNTS,
    agreement: [],
    whatChanged: null,
    testLeft: 0,
    sampleFrom: 'ref',
    pairOrder: DEFAULT_PAIR_ORDER,
    wordReward: null,
    imported: null,
  });

  // The card's state as of the last render: a key press labels only a pair that is shown.
  const shown = useRef(s);
  shown.current = s;

  useEffect(
    () =>
      client.on((e) => {
        switch (e.type) {
          case 'label-candidate':
            setS((o) => ({ ...o, candidate: e.candidate, testLeft: e.testLeft, loading: false }));
            break;
          case 'labels':
            setS((o) => ({
              ...o,
              labels: e.labels,
              counts: e.counts,
              wordReward: e.wordReward ?? o.wordReward,
              imported: e.imported ?? o.imported,
            }));
            break;
          case 'agreement':
            setS((o) => ({ ...o, agreement: addAgreementPoint(o.agreement, e.point) }));
            break;
          case 'what-changed':
            setS((o) => ({ ...o, whatChanged: e.data }));
            break;
          case 'error':
            if (e.requestType.startsWith('label')) setS((o) => ({ ...o, loading: false }));
            break;
          case 'checkpoint':
            // A new π_ref: its own labels and no agreement history yet.
            setS((o) => ({
              ...o,
              candidate: null,
              agreement: [],
              whatChanged: null,
              wordReward: null,
            }));
            break;
          default:
            break;
        }
      }),
    [client],
  );

  const generation = useMemo(
    () => ({
      temperature: settings.data.temperature,
      maxNewTokens: settings.data.maxNewTokens,
      seed: settings.seed,
    }),
    [settings.data.temperature, settings.data.maxNewTokens, settings.seed],
  );

  /** Asks for the next pair; `from` and `order` stay for the pairs after it. */
  const next = useCallback(
    (from: 'ref' | 'policy', order: PairOrder = shown.current.pairOrder) => {
      setS((o) => ({ ...o, loading: true, sampleFrom: from, pairOrder: order }));
      client.send({ type: 'label-next', from, generation, order });
    },
    [client, generation],
  );

  const label = useCallback(
    (choice: LabelChoice) => {
      if (!shown.current.candidate || shown.current.loading) return;
      shown.current = { ...shown.current, loading: true }; // a second key before the re-render
      setS((o) => ({ ...o, loading: true }));
      client.send({ type: 'label', choice });
    },
    [client],
  );

  return {
    state: s,
    next,
    label,
    edit: (id: string, choice: LabelChoice) => client.send({ type: 'label-edit', id, choice }),
    remove: (id: string) => client.send({ type: 'label-remove', id }),
    testMe: (n: number) => {
      setS((o) => ({ ...o, loading: true }));
      client.send({ type: 'label-test', n });
    },
    train: (s: DpoRunSettings, route: LabelRoute = 'word-reward') =>
      client.send({ type: 'label-train', settings: s, route }),
    whatChanged: () => client.send({ type: 'what-changed' }),
  };
}
