/**
 * A seeded generator of short movie reviews (the paper's IMDb, in miniature): positive,
 * negative, neutral and mixed, from templates over a bounded vocabulary. Deterministic for
 * (count, seed) on every platform.
 */
import { mulberry32 } from '../model/rng';
import * as V from './vocabulary';

export type Sentiment = 'positive' | 'negative' | 'neutral' | 'mixed';

export interface Review {
  text: string;
  sentiment: Sentiment;
}

type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

function adjective(r: Rand, tone: 'positive' | 'negative' | 'neutral'): string {
  const list = tone === 'positive' ? V.POSITIVE : tone === 'negative' ? V.NEGATIVE : V.NEUTRAL;
  const word = pick(r, list);
  return r() < 0.35 ? `${pick(r, V.INTENSIFIERS)} ${word}` : word;
}

function judgement(r: Rand, tone: 'positive' | 'negative' | 'neutral'): string {
  const subject = pick(r, V.SUBJECTS);
  const shapes = [
    () => `the ${subject} was ${adjective(r, tone)}`,
    () => `the ${subject} felt ${adjective(r, tone)}`,
    () => `i thought the ${subject} was ${adjective(r, tone)}`,
    () =>
      `the ${subject} is ${adjective(r, tone)} and the ${pick(r, V.SUBJECTS)} is ${adjective(r, tone)}`,
  ];
  return pick(r, shapes)();
}

function verdict(r: Rand, tone: 'positive' | 'negative' | 'neutral'): string {
  if (tone === 'positive') return pick(r, V.POSITIVE_VERDICTS);
  if (tone === 'negative') return pick(r, V.NEGATIVE_VERDICTS);
  return pick(r, V.NEUTRAL_VERDICTS);
}

function context(r: Rand): string {
  return pick(r, V.CONTEXTS)
    .replace('{title}', pick(r, V.TITLES))
    .replace('{genre}', pick(r, V.GENRES));
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function review(r: Rand): Review {
  const u = r();
  const sentiment: Sentiment =
    u < 0.4 ? 'positive' : u < 0.8 ? 'negative' : u < 0.92 ? 'neutral' : 'mixed';
  const sentences: string[] = [];
  if (r() < 0.5) sentences.push(context(r));
  if (sentiment === 'mixed') {
    const first = r() < 0.5 ? 'positive' : 'negative';
    const second = first === 'positive' ? 'negative' : 'positive';
    sentences.push(`${judgement(r, first)}, but ${judgement(r, second)}`);
  } else {
    const opener = `${pick(r, V.OPENERS)} was ${adjective(r, sentiment)}`;
    sentences.push(r() < 0.5 ? opener : judgement(r, sentiment));
    if (r() < 0.6) sentences.push(judgement(r, sentiment));
    if (r() < 0.7) sentences.push(verdict(r, sentiment));
  }
  const text = sentences.map((s) => `${capitalise(s)}${r() < 0.1 ? '!' : '.'}`).join(' ');
  return { text, sentiment };
}

export function generateReviews(opts: { count: number; seed: number }): Review[] {
  const r = mulberry32(opts.seed);
  return Array.from({ length: opts.count }, () => review(r));
}

/** Seeded split into training reviews (SFT) and held-out ones (prompts, evaluation). */
export function splitCorpus(
  reviews: Review[],
  opts: { heldOutFraction: number; seed: number },
): { train: Review[]; heldOut: Review[] } {
  const r = mulberry32(opts.seed);
  const train: Review[] = [];
  const heldOut: Review[] = [];
  for (const x of reviews) (r() < opts.heldOutFraction ? heldOut : train).push(x);
  return { train, heldOut };
}
