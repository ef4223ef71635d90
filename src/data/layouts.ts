/**
 * Row layouts of preference datasets, their zod schemas, and normalisation of one row to a
 * text pair (conversations flattened by chatTemplate). Failures come back as a human reason.
 */
import { z } from 'zod';
import {
  type ChatMessage,
  renderCompletion,
  renderPrompt,
  SHAREGPT_ROLE,
  SHAREGPT_SPEAKERS,
} from './chatTemplate';
import { splitSharedConversation, splitSharedPrompt } from './implicitPrompt';

/** One preference pair as text: prompt + chosen and prompt + rejected are the two sequences. */
export type PreferencePair = { prompt: string; chosen: string; rejected: string };

export type PreferenceLayout =
  /** TRL standard: {prompt, chosen, rejected} strings. */
  | 'standard'
  /** {chosen, rejected} strings sharing the prompt as a prefix (Anthropic HH). */
  | 'implicit-prompt'
  /** TRL conversational: prompt, chosen, rejected as lists of {role, content}. */
  | 'conversational'
  /** chosen, rejected as whole conversations sharing the prompt turns. */
  | 'conversational-implicit-prompt'
  /** ShareGPT / LLaMA-Factory: {conversations: [{from, value}], chosen: {from, value}, rejected}. */
  | 'sharegpt';

/** Unpaired KTO rows {prompt, completion, label} are recognised only to refuse them. */
export type DetectedLayout = PreferenceLayout | 'kto';

const chatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
const chatMessages = z.array(chatMessage);
const reply = chatMessages.min(1);

const shareGptMessage = z
  .object({
    from: z.enum(SHAREGPT_SPEAKERS),
    value: z.string().optional(),
    content: z.string().optional(),
  })
  .refine((m) => m.value !== undefined || m.content !== undefined, {
    message: 'missing `{path}.value` (or `{path}.content`)',
  });

const LAYOUT_SCHEMAS = {
  standard: z.object({ prompt: z.string(), chosen: z.string(), rejected: z.string() }),
  'implicit-prompt': z.object({ chosen: z.string(), rejected: z.string() }),
  conversational: z.object({ prompt: chatMessages, chosen: reply, rejected: reply }),
  'conversational-implicit-prompt': z.object({ chosen: reply, rejected: reply }),
  sharegpt: z.object({
    system: z.string().optional(),
    conversations: z.array(shareGptMessage).min(1),
    chosen: shareGptMessage,
    rejected: shareGptMessage,
  }),
} as const;

/** The fields each layout reads; others are ignored (and reported once). */
export const LAYOUT_FIELDS: Record<DetectedLayout, readonly string[]> = {
  standard: ['prompt', 'chosen', 'rejected'],
  'implicit-prompt': ['chosen', 'rejected'],
  conversational: ['prompt', 'chosen', 'rejected'],
  'conversational-implicit-prompt': ['chosen', 'rejected'],
  sharegpt: ['system', 'conversations', 'chosen', 'rejected'],
  kto: ['prompt', 'completion', 'label'],
};

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The layout one row's keys suggest (types are checked later, against the file's layout). */
export function detectRowLayout(row: unknown): DetectedLayout | undefined {
  if (!isPlainObject(row)) return undefined;
  const has = (k: string) => Object.hasOwn(row, k);
  if (has('conversations')) return 'sharegpt';
  if (has('chosen') || has('rejected')) {
    const lists = [row.prompt, row.chosen, row.rejected].some(Array.isArray);
    if (has('prompt')) return lists ? 'conversational' : 'standard';
    return lists ? 'conversational-implicit-prompt' : 'implicit-prompt';
  }
  if (has('completion') && has('label')) return 'kto';
  return undefined;
}

/** "a number", "text", "a list", … for reasons. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'boolean') return 'true/false';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path)
    out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out;
}

function valueAt(row: unknown, path: readonly PropertyKey[]): unknown {
  let v = row;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  array: 'a list of messages',
  object: 'a message object',
};

/** One zod issue as a reason: "`chosen` is a number, expected text", "missing `prompt`". */
function issueReason(issue: z.core.$ZodIssue, row: unknown): string {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const value = valueAt(row, issue.path);
      if (path === '') return `row is ${describeValue(value)}, expected an object`;
      if (value === undefined) return `missing \`${path}\``;
      return `\`${path}\` is ${describeValue(value)}, expected ${EXPECTED[issue.expected] ?? issue.expected}`;
    }
    case 'too_small':
      return `empty \`${path}\``;
    case 'invalid_value': {
      const value = valueAt(row, issue.path);
      const shown =
        typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describeValue(value);
      return `\`${path}\` is ${shown}, expected one of ${issue.values.join(', ')}`;
    }
    case 'custom':
      return issue.message.replaceAll('{path}', path);
    default:
      return `\`${path}\`: ${issue.message}`;
  }
}

export type NormalisedRow = { ok: true; pair: PreferencePair } | { ok: false; reason: string };

const bad = (reason: string): NormalisedRow => ({ ok: false, reason });

function fromShareGpt(m: { from: keyof typeof SHAREGPT_ROLE; value?: string; content?: string }) {
  return { role: SHAREGPT_ROLE[m.from], content: m.value ?? m.content ?? '' } satisfies ChatMessage;
}

function replyText(messages: ChatMessage[], field: 'chosen' | 'rejected'): string | NormalisedRow {
  const text = renderCompletion(messages);
  if (text !== undefined) return text;
  return bad(
    `\`${field}\` starts with a ${messages[0]?.role ?? 'missing'} message, expected the assistant's reply`,
  );
}

/** Validates one row against the file's layout and flattens it to a pair. */
function toPair(layout: PreferenceLayout, row: unknown): NormalisedRow {
  const parsed = LAYOUT_SCHEMAS[layout].safeParse(row);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return bad(first === undefined ? 'invalid row' : issueReason(first, row));
  }
  const data = parsed.data;
  switch (layout) {
    case 'standard': {
      const d = data as z.infer<(typeof LAYOUT_SCHEMAS)['standard']>;
      return { ok: true, pair: { prompt: d.prompt, chosen: d.chosen, rejected: d.rejected } };
    }
    case 'implicit-prompt': {
      const d = data as z.infer<(typeof LAYOUT_SCHEMAS)['implicit-prompt']>;
      if (d.chosen === d.rejected) return bad('chosen and rejected are identical');
      return { ok: true, pair: splitSharedPrompt(d.chosen, d.rejected) };
    }
    case 'conversational':
    case 'conversational-implicit-prompt': {
      const d = data as { prompt?: ChatMessage[]; chosen: ChatMessage[]; rejected: ChatMessage[] };
      let turns = { prompt: d.prompt ?? [], chosen: d.chosen, rejected: d.rejected };
      if (d.prompt === undefined) {
        const split = splitSharedConversation(d.chosen, d.rejected);
        if (split === undefined) {
          return bad('chosen and rejected share no prompt that ends before an assistant reply');
        }
        turns = split;
      }
      const chosen = replyText(turns.chosen, 'chosen');
      if (typeof chosen !== 'string') return chosen;
      const rejected = replyText(turns.rejected, 'rejected');
      if (typeof rejected !== 'string') return rejected;
      return { ok: true, pair: { prompt: renderPrompt(turns.prompt), chosen, rejected } };
    }
    case 'sharegpt': {
      const d = data as z.infer<(typeof LAYOUT_SCHEMAS)['sharegpt']>;
      const prompt = d.conversations.map(fromShareGpt);
      if (d.system !== undefined && d.system !== '')
        prompt.unshift({ role: 'system', content: d.system });
      const chosen = replyText([fromShareGpt(d.chosen)], 'chosen');
      if (typeof chosen !== 'string') return chosen;
      const rejected = replyText([fromShareGpt(d.rejected)], 'rejected');
      if (typeof rejected !== 'string') return rejected;
      return { ok: true, pair: { prompt: renderPrompt(prompt), chosen, rejected } };
    }
  }
}

const isBlank = (s: string) => s.trim() === '';

/** toPair, then the checks every layout shares: non-empty, distinct completions. */
export function normaliseRow(layout: PreferenceLayout, row: unknown): NormalisedRow {
  const result = toPair(layout, row);
  if (!result.ok) return result;
  const { chosen, rejected } = result.pair;
  if (isBlank(chosen)) return bad('empty `chosen`');
  if (isBlank(rejected)) return bad('empty `rejected`');
  if (chosen === rejected) return bad('chosen and rejected are identical');
  return result;
}
