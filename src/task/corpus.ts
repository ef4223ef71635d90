/**
 * A seeded generator of short movie reviews: the paper's IMDb in miniature. Reviews are 1–4
 * sentences built from the templates and word lists of `vocabulary.ts`, labelled with the
 * sentiment they were generated with. Deterministic for (count, seed) on every platform.
 */
import { mulberry32, pick, type Rand, shuffledIndices } from './random';
import * as V from './vocabulary';

export type ReviewSentiment = 'positive' | 'negative' | 'neutral' | 'mixed';

export interface Review {
  text: string;
  sentiment: ReviewSentiment;
}

/** Label shares: balanced positive / negative as in IMDb, plus neutral and mixed reviews. */
export const SENTIMENT_SHARES: Readonly<Record<ReviewSentiment, number>> = {
  positive: 0.38,
  negative: 0.38,
  neutral: 0.16,
  mixed: 0.08,
};

/** Reviews shorter than this many words get another sentence (up to 4 sentences). */
const MIN_WORDS = 12;
const MAX_SENTENCES = 4;

type Register = V.Tone | 'neutral';

/** State while filling one review: its tense, and the number of the last subject ("were"). */
interface Voice {
  rand: Rand;
  past: boolean;
  plural: boolean;
  /** Adjectives used so far, so "{adj} and {adj}" never says "dull and dull". */
  adjectives: Set<string>;
}

const withArticle = (phrase: string) => `${/^[aeiou]/.test(phrase) ? 'an' : 'a'} ${phrase}`;

/** Strength drawn 30% strong, 45% moderate, 25% mild. */
function gradedAdjective(register: Register, rand: Rand): string {
  if (register === 'neutral') return pick(rand, V.NEUTRAL_ADJECTIVES);
  const u = rand();
  const grades = V.ADJECTIVES[register];
  return pick(rand, u < 0.3 ? grades.strong : u < 0.75 ? grades.moderate : grades.mild);
}

function adjectivePhrase(register: Register, v: Voice): string {
  let adjective = gradedAdjective(register, v.rand);
  for (let retry = 0; retry < 3 && v.adjectives.has(adjective); retry++) {
    adjective = gradedAdjective(register, v.rand);
  }
  v.adjectives.add(adjective);
  const intensified = register !== 'neutral' && v.rand() < 0.3;
  return intensified ? `${pick(v.rand, V.INTENSIFIERS)} ${adjective}` : adjective;
}

function be(v: Voice, negated = false): string {
  const verb = v.past ? (v.plural ? 'were' : 'was') : v.plural ? 'are' : 'is';
  return negated ? `${verb}n't` : verb;
}

/** The tone a tone-bound slot ({manner}, {affect}) needs; neutral templates must not use one. */
function toneFor(slot: string, register: Register): V.Tone {
  if (register === 'neutral') throw new Error(`slot {${slot}} needs a positive or negative tone`);
  return register;
}

function fillSlot(slot: string, register: Register, v: Voice): string {
  switch (slot) {
    case 'title':
      v.plural = false;
      return pick(v.rand, V.TITLES);
    case 'name':
      v.plural = false;
      return pick(v.rand, V.NAMES);
    case 'film':
      v.plural = false;
      return fill(pick(v.rand, V.FILM_REFERENCES), register, v);
    case 'subject':
      v.plural = v.rand() < 0.2;
      return pick(v.rand, v.plural ? V.PLURAL_SUBJECTS : V.SUBJECTS);
    case 'genre':
      return pick(v.rand, V.GENRES);
    case 'role':
      return pick(v.rand, V.ROLES);
    case 'plot':
      return pick(v.rand, V.PLOTS);
    case 'place':
      return pick(v.rand, V.PLACES);
    case 'companion':
      return pick(v.rand, V.COMPANIONS);
    case 'occasion':
      return pick(v.rand, V.OCCASIONS);
    case 'be':
      return be(v);
    case 'benot':
      return be(v, true);
    case 'was':
      return v.plural ? 'were' : 'was';
    case 'adj':
      return adjectivePhrase(register, v);
    case 'a-adj':
      return withArticle(adjectivePhrase(register, v));
    case 'neutral':
      return adjectivePhrase('neutral', v);
    case 'a-neutral':
      return withArticle(adjectivePhrase('neutral', v));
    case 'manner':
      return pick(v.rand, V.MANNER_ADVERBS[toneFor(slot, register)]);
    case 'participle':
      return pick(v.rand, V.PARTICIPLES);
    case 'affect':
      return pick(v.rand, V.AFFECT_VERBS[toneFor(slot, register)]);
    default:
      throw new Error(`unknown template slot {${slot}}`);
  }
}

/** Fills `{slot}`s left to right (String.replace visits matches in order: agreement works). */
function fill(template: string, register: Register, v: Voice): string {
  return template.replace(/\{([a-z-]+)\}/g, (_, slot: string) => fillSlot(slot, register, v));
}

/** Judgements that read as a clause inside a longer sentence ("X, but Y"). */
const CLAUSES = V.JUDGEMENTS.filter((t) => !t.startsWith('what '));

function judgement(tone: V.Tone, v: Voice, asClause = false): string {
  const templates = v.rand() < 0.2 ? V.TONE_JUDGEMENTS[tone] : asClause ? CLAUSES : V.JUDGEMENTS;
  return fill(pick(v.rand, templates), tone, v);
}

function framed(sentence: string, v: Voice): string {
  return v.rand() < 0.15 ? `${pick(v.rand, V.DISCOURSE_MARKERS)}, ${sentence}` : sentence;
}

/** "I watched X last night" alone, or joined to a first judgement ("... and the plot was weak"). */
function intro(register: Register, v: Voice): string {
  if (register !== 'neutral' && v.rand() < 0.5) {
    return `${fill(pick(v.rand, V.EVENT_INTROS), register, v)} and ${judgement(register, v, true)}`;
  }
  return fill(pick(v.rand, v.rand() < 0.5 ? V.EVENT_INTROS : V.FACT_INTROS), register, v);
}

function contrast(v: Voice): string {
  const first: V.Tone = v.rand() < 0.5 ? 'positive' : 'negative';
  const second: V.Tone = first === 'positive' ? 'negative' : 'positive';
  const a = judgement(first, v, true);
  const b = judgement(second, v, true);
  return v.rand() < 0.25
    ? `although ${a}, ${b}`
    : `${a}, ${pick(v.rand, V.CONTRAST_CONNECTIVES)} ${b}`;
}

function bodySentence(sentiment: ReviewSentiment, v: Voice): string {
  if (sentiment === 'neutral') return fill(pick(v.rand, V.NEUTRAL_SENTENCES), 'neutral', v);
  const tone = sentiment === 'mixed' ? (v.rand() < 0.5 ? 'positive' : 'negative') : sentiment;
  return framed(judgement(tone, v), v);
}

/** A body sentence not already in the review (a few redraws, then accept a repeat). */
function freshBodySentence(sentiment: ReviewSentiment, v: Voice, sentences: string[]): string {
  let sentence = bodySentence(sentiment, v);
  for (let retry = 0; retry < 3 && sentences.includes(sentence); retry++) {
    sentence = bodySentence(sentiment, v);
  }
  return sentence;
}

function verdict(sentiment: ReviewSentiment, v: Voice): string {
  if (sentiment === 'mixed') return pick(v.rand, V.MIXED_VERDICTS);
  const text = fill(pick(v.rand, V.VERDICTS[sentiment]), sentiment, v);
  return v.rand() < 0.35 ? `overall, ${text}` : text;
}

function drawSentiment(rand: Rand): ReviewSentiment {
  let u = rand();
  for (const [sentiment, share] of Object.entries(SENTIMENT_SHARES)) {
    u -= share;
    if (u < 0) return sentiment as ReviewSentiment;
  }
  return 'mixed';
}

const wordCount = (sentences: string[]) => sentences.join(' ').split(/\s+/).length;

function punctuate(sentence: string, sentiment: ReviewSentiment, rand: Rand): string {
  const u = rand();
  const opinionated = sentiment === 'positive' || sentiment === 'negative';
  const end =
    sentence.startsWith('what ') || (opinionated && u < 0.1) ? '!' : u > 0.97 ? '...' : '.';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${end}`;
}

function composeReview(rand: Rand): Review {
  const sentiment = drawSentiment(rand);
  const v: Voice = { rand, past: rand() < 0.6, plural: false, adjectives: new Set() };
  const register: Register =
    sentiment === 'positive' || sentiment === 'negative' ? sentiment : 'neutral';
  const sentences: string[] = [];
  if (rand() < (sentiment === 'neutral' ? 0.6 : 0.45)) sentences.push(intro(register, v));
  if (sentiment === 'mixed') sentences.push(contrast(v));
  const bodies = sentiment === 'mixed' ? (rand() < 0.4 ? 1 : 0) : 1 + (rand() < 0.5 ? 1 : 0);
  for (let i = 0; i < bodies; i++) sentences.push(freshBodySentence(sentiment, v, sentences));
  // Opinionated reviews sometimes note something neutral, as real ones do.
  if (register !== 'neutral' && rand() < 0.15) {
    sentences.push(freshBodySentence('neutral', v, sentences));
  }
  if (rand() < 0.55) sentences.push(verdict(sentiment, v));
  sentences.splice(MAX_SENTENCES);
  while (wordCount(sentences) < MIN_WORDS && sentences.length < MAX_SENTENCES) {
    sentences.splice(sentences.length - 1, 0, freshBodySentence(sentiment, v, sentences));
  }
  return { text: sentences.map((s) => punctuate(s, sentiment, rand)).join(' '), sentiment };
}

/** `count` distinct reviews; the same (count, seed) gives the same list everywhere. */
export function generateReviews(opts: { count: number; seed: number }): Review[] {
  const rand = mulberry32(opts.seed);
  const seen = new Set<string>();
  const reviews: Review[] = [];
  // Duplicates are redrawn so a held-out review never also sits verbatim in the train split.
  for (let attempts = 0; reviews.length < opts.count; attempts++) {
    if (attempts > 20 * opts.count + 100) throw new Error('generateReviews: too many duplicates');
    const review = composeReview(rand);
    if (seen.has(review.text)) continue;
    seen.add(review.text);
    reviews.push(review);
  }
  return reviews;
}

/**
 * A seeded split into training reviews (SFT, tokenizer) and held-out ones (prompts,
 * evaluation): exactly round(n · heldOutFraction) held out, both keeping the input order.
 */
export function splitCorpus(
  reviews: readonly Review[],
  opts: { heldOutFraction: number; seed: number },
): { train: Review[]; heldOut: Review[] } {
  const { heldOutFraction, seed } = opts;
  if (!(heldOutFraction >= 0 && heldOutFraction <= 1)) {
    throw new Error(`heldOutFraction must be in [0, 1], got ${heldOutFraction}`);
  }
  const heldOutCount = Math.round(reviews.length * heldOutFraction);
  const isHeldOut = new Set(
    shuffledIndices(mulberry32(seed), reviews.length).slice(0, heldOutCount),
  );
  const train: Review[] = [];
  const heldOut: Review[] = [];
  reviews.forEach((review, i) => {
    (isHeldOut.has(i) ? heldOut : train).push(review);
  });
  return { train, heldOut };
}
