/**
 * The one chat template used to flatten conversations into text (Anthropic HH style, as in
 * the TRL flattening of /work/shared/data/dpo_en_demo.trl.jsonl):
 *
 *   system    → "\n\nSystem: {content}"
 *   user      → "\n\nHuman: {content}"
 *   assistant → "\n\nAssistant: {content}"
 *
 * A prompt is its turns followed by "\n\nAssistant:", so a completion is " {content}" (its first
 * assistant turn without the marker) and prompt + completion is the whole rendered conversation.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export type ChatMessage = { role: ChatRole; content: string };

const SPEAKER: Record<ChatRole, string> = {
  system: 'System',
  user: 'Human',
  assistant: 'Assistant',
};

/** The marker that ends every prompt; implicit prompts are cut back to it when present. */
export const ASSISTANT_MARKER = '\n\nAssistant:';

/** "\n\nSpeaker: content" for each message, in order. */
export function renderConversation(messages: readonly ChatMessage[]): string {
  let out = '';
  for (const m of messages) out += `\n\n${SPEAKER[m.role]}: ${m.content}`;
  return out;
}

/** The turns so far, then the assistant marker that the completion continues. */
export function renderPrompt(messages: readonly ChatMessage[]): string {
  return renderConversation(messages) + ASSISTANT_MARKER;
}

/**
 * A reply that starts with an assistant turn, as the text after renderPrompt(prompt):
 * " {content}" for one message; later turns follow in the same template.
 * Returns undefined when the first message is not from the assistant.
 */
export function renderCompletion(messages: readonly ChatMessage[]): string | undefined {
  if (messages[0]?.role !== 'assistant') return undefined;
  return renderConversation(messages).slice(ASSISTANT_MARKER.length);
}

/** ShareGPT / LLaMA-Factory speaker names; others (function_call, observation) are unsupported. */
export const SHAREGPT_SPEAKERS = ['system', 'human', 'user', 'gpt', 'assistant'] as const;

export type ShareGptSpeaker = (typeof SHAREGPT_SPEAKERS)[number];

export const SHAREGPT_ROLE: Record<ShareGptSpeaker, ChatRole> = {
  system: 'system',
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
};
