/**
 * Hugging Face GPT2Config (config.json) to and from our GPTConfig. Keys we cannot honour
 * (another activation, an untied head, a different MLP width) are refused by name.
 */
import { MAX_VOCAB_SIZE } from '../../tokenizer/train';
import { previewValue } from '../../util/preview';
import { type GPTConfig, validateConfig } from '../config';

/** Far past any GPT-2 (1024); a bigger n_positions is a broken or hostile file. */
const MAX_POSITIONS = 1 << 16;

/** GELU variants computed as the tanh approximation gelu_new (exact "gelu" has its own kernel). */
const TANH_GELU = new Set(['gelu_new', 'gelu_pytorch_tanh', 'gelu_fast']);

/** config.json as transformers' save_pretrained writes it for GPT2LMHeadModel. */
export function toHfConfig(cfg: GPTConfig, eot: number): Record<string, unknown> {
  return {
    activation_function: cfg.activation ?? 'gelu_new',
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: cfg.dropout,
    bos_token_id: eot,
    embd_pdrop: cfg.dropout,
    eos_token_id: eot,
    initializer_range: 0.02,
    layer_norm_epsilon: cfg.layerNormEps,
    model_type: 'gpt2',
    n_ctx: cfg.blockSize,
    n_embd: cfg.nEmbd,
    n_head: cfg.nHead,
    n_inner: null,
    n_layer: cfg.nLayer,
    n_positions: cfg.blockSize,
    resid_pdrop: cfg.dropout,
    scale_attn_weights: true,
    tie_word_embeddings: true,
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: cfg.vocabSize,
  };
}

export interface ImportedConfig {
  config: GPTConfig;
  /** eos_token_id when config.json gives one. */
  eosTokenId: number | undefined;
  warnings: string[];
}

/** Reads config.json; throws an Error naming the key it cannot use. */
export function fromHfConfig(json: unknown): ImportedConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('config.json must be a JSON object');
  }
  const c = json as Record<string, unknown>;
  const warnings: string[] = [];
  const get = (key: string, fallback?: unknown): unknown => (key in c ? c[key] : fallback);
  const positiveInt = (key: string, value: unknown, max: number): number => {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new Error(`config.json ${key} must be a positive integer, got ${previewValue(value)}`);
    }
    if ((value as number) > max) {
      throw new Error(`config.json ${key} ${value} is beyond the supported ${max}`);
    }
    return value as number;
  };
  const probability = (key: string): number => {
    const p = get(key, 0.1); // GPT2Config's default
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
      throw new Error(`config.json ${key} must be in [0, 1), got ${previewValue(p)}`);
    }
    return p;
  };

  const modelType = get('model_type', 'gpt2');
  if (modelType !== 'gpt2') {
    throw new Error(`config.json model_type is ${previewValue(modelType)}, not "gpt2"`);
  }
  const activation = get('activation_function', 'gelu_new');
  if (activation !== 'gelu' && (typeof activation !== 'string' || !TANH_GELU.has(activation))) {
    throw new Error(
      `config.json activation_function ${previewValue(activation)} is not supported (only gelu_new or gelu)`,
    );
  }
  const refuse = (key: string, ok: (v: unknown) => boolean, why: string) => {
    if (key in c && !ok(c[key])) throw new Error(`config.json ${key}: ${why}`);
  };
  refuse('tie_word_embeddings', (v) => v !== false, 'an untied LM head is not supported');
  refuse('add_cross_attention', (v) => !v, 'cross-attention is not supported');
  refuse('scale_attn_weights', (v) => v !== false, 'unscaled attention is not supported');
  refuse(
    'scale_attn_by_inverse_layer_idx',
    (v) => !v,
    'per-layer attention scaling is not supported',
  );

  const nEmbd = positiveInt('n_embd', get('n_embd'), 1 << 16);
  const nInner = get('n_inner', null);
  if (nInner !== null && nInner !== 4 * nEmbd) {
    throw new Error(`config.json n_inner ${previewValue(nInner)} is not 4 × n_embd (${4 * nEmbd})`);
  }
  const blockSize = positiveInt('n_positions', get('n_positions', get('n_ctx')), MAX_POSITIONS);
  const eps = get('layer_norm_epsilon', 1e-5);
  if (typeof eps !== 'number' || !(eps > 0)) {
    throw new Error(`config.json layer_norm_epsilon must be > 0, got ${previewValue(eps)}`);
  }
  const [resid, embd, attn] = ['resid_pdrop', 'embd_pdrop', 'attn_pdrop'].map(probability);
  const dropout = resid ?? 0;
  if (embd !== resid || attn !== resid) {
    warnings.push(
      `one dropout for all: resid_pdrop ${resid} (embd_pdrop ${embd}, attn_pdrop ${attn})`,
    );
  }
  const config: GPTConfig = {
    nLayer: positiveInt('n_layer', get('n_layer'), 1 << 12),
    nHead: positiveInt('n_head', get('n_head'), nEmbd),
    nEmbd,
    blockSize,
    vocabSize: positiveInt('vocab_size', get('vocab_size'), MAX_VOCAB_SIZE),
    dropout,
    layerNormEps: eps,
    // Exact erf GELU is its own kernel; every tanh variant is the same function as gelu_new.
    ...(activation === 'gelu' ? { activation: 'gelu' as const } : {}),
  };
  validateConfig(config);
  const eos = get('eos_token_id');
  if (eos !== undefined && eos !== null && !(Number.isInteger(eos) && (eos as number) >= 0)) {
    throw new Error(
      `config.json eos_token_id must be a non-negative integer, got ${previewValue(eos)}`,
    );
  }
  return { config, eosTokenId: (eos as number | null | undefined) ?? undefined, warnings };
}
