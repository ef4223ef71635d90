/**
 * Implicit prompts: when a row gives only full `chosen` and `rejected` texts (Anthropic HH) or
 * conversations, the prompt is what they share.
 */
import { ASSISTANT_MARKER, type ChatMessage } from './chatTemplate';

export type SplitTexts = { prompt: string; chosen: string; rejected: string };

function sharedPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function lastWhitespace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || (c > 127 && /\s/.test(s.charAt(i)))) return i;
  }
  return -1;
}

/**
 * prompt = the longest shared prefix, cut back to just after its last "\n\nAssistant:" when it
 * has one (so completions start " …", as TRL's extract_prompt does for HH), else cut back to its
 * last whitespace (the completions start with that whitespace); no whitespace → prompt "".
 */
export function splitSharedPrompt(chosen: string, rejected: string): SplitTexts {
  const shared = chosen.slice(0, sharedPrefixLength(chosen, rejected));
  const marker = shared.lastIndexOf(ASSISTANT_MARKER);
  const cut = marker >= 0 ? marker + ASSISTANT_MARKER.length : Math.max(0, lastWhitespace(shared));
  return { prompt: chosen.slice(0, cut), chosen: chosen.slice(cut), rejected: rejected.slice(cut) };
}

export type SplitConversations = {
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
};

function sameMessage(a: ChatMessage | undefined, b: ChatMessage | undefined): boolean {
  return a !== undefined && b !== undefined && a.role === b.role && a.content === b.content;
}

/**
 * prompt = the longest run of identical leading messages, shortened until both replies start
 * with an assistant turn; undefined when no such split exists.
 */
export function splitSharedConversation(
  chosen: readonly ChatMessage[],
  rejected: readonly ChatMessage[],
): SplitConversations | undefined {
  let k = 0;
  while (sameMessage(chosen[k], rejected[k])) k++;
  while (k >= 0 && (chosen[k]?.role !== 'assistant' || rejected[k]?.role !== 'assistant')) k--;
  if (k < 0) return undefined;
  return { prompt: chosen.slice(0, k), chosen: chosen.slice(k), rejected: rejected.slice(k) };
}
