/**
 * The learner's own preference labels ("you are the reward model"): pairs of completions the
 * learner compared, with the choice (1, 2, tie or skip), a held-out flag (every 4th label,
 * never trained on: agreement is measured on them), and where the pair came from. Pure data:
 * the worker keeps the set and stores it in IndexedDB (storage/labelStore.ts).
 */

/** Token ids of a pair as the pipeline trains on them (structurally collate's TokenizedPair). */
export interface LabelTokens {
  prompt: number[];
  chosen: number[];
  rejected: number[];
}

/** The texts of a pair (structurally the pipeline's PairText). */
export interface LabelText {
  prompt: string;
  chosen: string;
  rejected: string;
}

/** 'a' / 'b': that completion is better; ties and skips are kept but not trained on. */
export type LabelChoice = 'a' | 'b' | 'tie' | 'skip';

/** Held-out reviews the labelling prompts come from (disjoint from training and eval prompts). */
export const LABEL_PROMPT_OFFSET = 1200;
/** "Test me" rounds and the scripted labeller's fresh pairs. */
export const TEST_PROMPT_OFFSET = 1600;
/** Fresh prompts for "what changed". */
export const WHAT_CHANGED_PROMPT_OFFSET = 1800;
/**
 * Where the `start`-th served pair of a kind takes its prompts: each kind keeps to its own range
 * of reviews (labelling [1200, 1600), the test round [1600, 1800)), and past its end comes round
 * again, so labelling never reaches the test round's prompts. `base + start` (not wrapped) seeds
 * the samples, so prompts that come round again get fresh completions.
 */
export function labelPromptRange(
  kind: 'label' | 'test',
  start: number,
  batch: number,
): { base: number; offset: number; count: number } {
  const base = kind === 'test' ? TEST_PROMPT_OFFSET : LABEL_PROMPT_OFFSET;
  const end = kind === 'test' ? WHAT_CHANGED_PROMPT_OFFSET : TEST_PROMPT_OFFSET;
  const offset = base + (start % (end - base));
  return { base, offset, count: Math.min(batch, end - offset) };
}

/** Every this-many-th decided label (a or b) is held out: 1 in 4. */
const HELD_OUT_EVERY = 4;

export interface LabelledPair {
  id: string;
  prompt: string;
  a: string;
  b: string;
  promptIds: number[];
  aIds: number[];
  bIds: number[];
  choice: LabelChoice;
  heldOut: boolean;
  /** "you": labelled on this page; "import": from a pooled file. */
  source: 'you' | 'import';
  /** An imported label's labellers (a row's "labeller", else its file's name). */
  labellers?: string[];
  /** An imported label's votes for a and b (data/labelImport.ts's rule decided the choice). */
  votes?: { a: number; b: number };
  /** The model the two completions were sampled from. */
  sampledFrom: 'ref' | 'policy';
  /** A "test me" pair: fresh prompts, never trained on, its own agreement figure. */
  test?: boolean;
  createdAt: number;
}

/** Which labels: trained on, held out (every 4th), or from a "test me" round. */
export type LabelShare = 'train' | 'held-out' | 'test';

function shareOf(l: LabelledPair): LabelShare {
  return l.test ? 'test' : l.heldOut ? 'held-out' : 'train';
}

/** What a new label needs (id, held-out flag and time are the set's). */
export type NewLabel = Omit<LabelledPair, 'id' | 'heldOut' | 'createdAt'>;

export interface LabelCounts {
  /** Every label, skips included (the card's "n labelled"). */
  total: number;
  decided: number;
  ties: number;
  skips: number;
  /** Decided labels trained on, held out for agreement, and of "test me" rounds. */
  train: number;
  heldOut: number;
  test: number;
}

const decided = (c: LabelChoice): c is 'a' | 'b' => c === 'a' || c === 'b';

/**
 * Adds a label. A decided label is held out when it is the HELD_OUT_EVERY-th decided one so far
 * (4th, 8th, …): deterministic, so a scripted labeller sees the same split every time.
 */
export function addLabel(
  labels: readonly LabelledPair[],
  label: NewLabel,
  id: string,
  now: number,
  every = HELD_OUT_EVERY,
): LabelledPair[] {
  const before = labels.filter((l) => decided(l.choice) && !l.test).length;
  const heldOut = !label.test && decided(label.choice) && every > 0 && (before + 1) % every === 0;
  return [...labels, { ...label, id, heldOut, createdAt: now }];
}

/**
 * Changes a label's choice. Its held-out flag stays (a pair once held out stays out of training
 * so agreement stays honest), except that a skip or tie turned into a choice joins training.
 */
export function editLabel(
  labels: readonly LabelledPair[],
  id: string,
  choice: LabelChoice,
): LabelledPair[] {
  return labels.map((l) =>
    l.id === id ? { ...l, choice, heldOut: decided(choice) ? l.heldOut : false } : l,
  );
}

export function removeLabel(labels: readonly LabelledPair[], id: string): LabelledPair[] {
  return labels.filter((l) => l.id !== id);
}

/** The counts of no labels. */
export const NO_LABEL_COUNTS: Readonly<LabelCounts> = {
  total: 0,
  decided: 0,
  ties: 0,
  skips: 0,
  train: 0,
  heldOut: 0,
  test: 0,
};

export function labelCounts(labels: readonly LabelledPair[]): LabelCounts {
  const c: LabelCounts = { ...NO_LABEL_COUNTS, total: labels.length };
  for (const l of labels) {
    if (l.choice === 'tie') c.ties++;
    else if (l.choice === 'skip') c.skips++;
    else {
      c.decided++;
      const share = shareOf(l);
      if (share === 'test') c.test++;
      else if (share === 'held-out') c.heldOut++;
      else c.train++;
    }
  }
  return c;
}

/** The pair as (chosen, rejected); null for a tie or skip. */
function orientedPair(l: LabelledPair): { pair: LabelTokens; text: LabelText } | null {
  if (!decided(l.choice)) return null;
  const [chosen, rejected] = l.choice === 'a' ? [l.a, l.b] : [l.b, l.a];
  const [chosenIds, rejectedIds] = l.choice === 'a' ? [l.aIds, l.bIds] : [l.bIds, l.aIds];
  return {
    pair: { prompt: l.promptIds, chosen: chosenIds, rejected: rejectedIds },
    text: { prompt: l.prompt, chosen, rejected },
  };
}

/** The decided labels of one share as (chosen, rejected), in order. */
export function labelPairs(
  labels: readonly LabelledPair[],
  share: LabelShare,
): { pair: LabelTokens; text: LabelText; id: string }[] {
  return labels.flatMap((l) => {
    if (shareOf(l) !== share) return [];
    const o = orientedPair(l);
    return o ? [{ ...o, id: l.id }] : [];
  });
}

/** What the UI shows of a label: no token ids. */
export type LabelView = Omit<LabelledPair, 'promptIds' | 'aIds' | 'bIds'>;

export function labelView(l: LabelledPair): LabelView {
  const { promptIds: _p, aIds: _a, bIds: _b, ...view } = l;
  return view;
}
