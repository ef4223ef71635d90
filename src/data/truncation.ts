/**
 * Fitting text pairs into a model's block (context) size, and a report of what that costs.
 *
 * Policy, per pair, with P prompt tokens, C = max(chosen, rejected) tokens, B = blockSize:
 *   - P + C ≤ B: kept whole.
 *   - else the prompt keeps its last min(P, max(B − C, ⌊B/2⌋)) tokens (the turns nearest the
 *     reply matter most), so a long prompt gives way to the completion but never below half
 *     the block while the completion is long too. TRL 1.13 differs: it cuts prompt +
 *     completion from the right at max_length and drops pairs whose prompt fills it;
 *   - each completion keeps its first B − keptPrompt tokens.
 * One prompt length serves both completions, so chosen and rejected see the same context.
 * Because the prompt is always cut to leave room, a pair is dropped only when a completion
 * encodes to no tokens or B < 2 leaves no room for prompt and reply both.
 */
import type { PreferencePair } from './layouts';

export type TokenPair = { prompt: number[]; chosen: number[]; rejected: number[] };

export type TruncationReport = {
  total: number;
  /** Kept whole. */
  fit: number;
  /** Prompt cut from the left (may also have a completion cut). */
  promptTruncated: number;
  /** Chosen or rejected cut from the right (may also have the prompt cut). */
  completionTruncated: number;
  /** Left out: no room, or a completion with no tokens. */
  dropped: number;
};

export type KeptLengths = { prompt: number; chosen: number; rejected: number };

/** Token counts kept of each part under the policy above; undefined when the pair is dropped. */
export function keptLengths(
  promptLength: number,
  chosenLength: number,
  rejectedLength: number,
  blockSize: number,
): KeptLengths | undefined {
  if (blockSize < 2 || chosenLength === 0 || rejectedLength === 0) return undefined;
  const completion = Math.max(chosenLength, rejectedLength);
  const prompt =
    promptLength + completion <= blockSize
      ? promptLength
      : Math.min(promptLength, Math.max(blockSize - completion, Math.floor(blockSize / 2)));
  const room = blockSize - prompt;
  return {
    prompt,
    chosen: Math.min(chosenLength, room),
    rejected: Math.min(rejectedLength, room),
  };
}

type Encoded = { tokens: TokenPair; kept: KeptLengths | undefined };

function encodePair(
  pair: PreferencePair,
  encode: (s: string) => number[],
  blockSize: number,
): Encoded {
  const tokens = {
    prompt: encode(pair.prompt),
    chosen: encode(pair.chosen),
    rejected: encode(pair.rejected),
  };
  const kept = keptLengths(
    tokens.prompt.length,
    tokens.chosen.length,
    tokens.rejected.length,
    blockSize,
  );
  return { tokens, kept };
}

function count(report: TruncationReport, { tokens, kept }: Encoded): void {
  report.total++;
  if (kept === undefined) {
    report.dropped++;
    return;
  }
  const promptCut = kept.prompt < tokens.prompt.length;
  const completionCut =
    kept.chosen < tokens.chosen.length || kept.rejected < tokens.rejected.length;
  if (promptCut) report.promptTruncated++;
  if (completionCut) report.completionTruncated++;
  if (!promptCut && !completionCut) report.fit++;
}

const emptyReport = (): TruncationReport => ({
  total: 0,
  fit: 0,
  promptTruncated: 0,
  completionTruncated: 0,
  dropped: 0,
});

/** What fitting `pairs` into blockSize tokens would do, without keeping the tokens. */
export function truncationReport(
  pairs: readonly PreferencePair[],
  encode: (s: string) => number[],
  blockSize: number,
): TruncationReport {
  const report = emptyReport();
  for (const pair of pairs) count(report, encodePair(pair, encode, blockSize));
  return report;
}

/** Encodes and fits each pair (dropped ones left out), with the same report. */
export function fitPairsToBlock(
  pairs: readonly PreferencePair[],
  encode: (s: string) => number[],
  blockSize: number,
): { pairs: TokenPair[]; report: TruncationReport } {
  return fitTokenPairs(
    pairs.map((p) => ({
      prompt: encode(p.prompt),
      chosen: encode(p.chosen),
      rejected: encode(p.rejected),
    })),
    blockSize,
  );
}

/** Fits pairs already tokenised (e.g. TRL's way, see trlTokenize.ts), with the same report. */
export function fitTokenPairs(
  pairs: readonly TokenPair[],
  blockSize: number,
): { pairs: TokenPair[]; report: TruncationReport } {
  const report = emptyReport();
  const fitted: TokenPair[] = [];
  for (const tokens of pairs) {
    const kept = keptLengths(
      tokens.prompt.length,
      tokens.chosen.length,
      tokens.rejected.length,
      blockSize,
    );
    count(report, { tokens, kept });
    if (kept === undefined) continue;
    fitted.push({
      prompt: tokens.prompt.slice(tokens.prompt.length - kept.prompt),
      chosen: tokens.chosen.slice(0, kept.chosen),
      rejected: tokens.rejected.slice(0, kept.rejected),
    });
  }
  return { pairs: fitted, report };
}
