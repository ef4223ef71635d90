/** GPT-2-style decoder configuration, validated once where it is built. */
export interface GPTConfig {
  /** Number of transformer blocks. */
  nLayer: number;
  /** Attention heads per block; nEmbd must divide by it. */
  nHead: number;
  /** Residual stream width. */
  nEmbd: number;
  /** Context length: positions the model can attend over (GPT-2's n_positions). */
  blockSize: number;
  /** Tokenizer vocabulary size, end-of-text included. */
  vocabSize: number;
  /** Dropout on embeddings, attention and residual outputs; 0 in both DPO models. */
  dropout: number;
  /** LayerNorm epsilon (GPT-2: 1e-5). */
  layerNormEps: number;
  /**
   * MLP activation, as transformers names it: 'gelu_new' (tanh approximation, GPT-2's; the
   * default when absent) or 'gelu' (exact, erf).
   */
  activation?: Activation;
}

type Activation = 'gelu_new' | 'gelu';

export type PresetName = 'nano' | 'micro' | 'mini' | 'small';

/** Named sizes; vocabSize and blockSize are set by the task (tokenizer, data). */
export const PRESETS: Record<PresetName, Pick<GPTConfig, 'nLayer' | 'nHead' | 'nEmbd'>> = {
  nano: { nLayer: 2, nHead: 2, nEmbd: 32 }, // ~0.03M + embeddings (≈0.1M at vocab 1024)
  micro: { nLayer: 3, nHead: 4, nEmbd: 64 }, // ~0.15M + embeddings (≈0.3M at vocab 2048)
  mini: { nLayer: 4, nHead: 4, nEmbd: 128 }, // ~0.8M + embeddings (≈1.3M at vocab 4096)
  small: { nLayer: 6, nHead: 6, nEmbd: 192 }, // ~2.7M + embeddings (≈3.5M at vocab 4096)
};

export const DEFAULT_CONFIG: GPTConfig = {
  ...PRESETS.nano,
  blockSize: 64,
  vocabSize: 1024,
  dropout: 0,
  layerNormEps: 1e-5,
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Builds a full config from a preset and overrides; throws ConfigError when inconsistent. */
export function makeConfig(
  overrides: Partial<GPTConfig> & { preset?: PresetName } = {},
): GPTConfig {
  const { preset, ...rest } = overrides;
  const cfg: GPTConfig = { ...DEFAULT_CONFIG, ...(preset ? PRESETS[preset] : {}), ...rest };
  validateConfig(cfg);
  return cfg;
}

export function validateConfig(cfg: GPTConfig): void {
  const ints = ['nLayer', 'nHead', 'nEmbd', 'blockSize', 'vocabSize'] as const;
  for (const k of ints) {
    const v = cfg[k];
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${k} must be a positive integer`);
  }
  if (cfg.nEmbd % cfg.nHead !== 0) {
    throw new ConfigError(`nEmbd (${cfg.nEmbd}) must be divisible by nHead (${cfg.nHead})`);
  }
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new ConfigError('dropout must be in [0, 1)');
  if (!(cfg.layerNormEps > 0)) throw new ConfigError('layerNormEps must be > 0');
  const act: unknown = cfg.activation;
  if (act !== undefined && act !== 'gelu_new' && act !== 'gelu') {
    throw new ConfigError(
      `activation must be 'gelu_new' or 'gelu', got ${String(act).slice(0, 40)}`,
    );
  }
}

/** Parameter count (tied LM head counted once), as GPT-2 reports it. */
export function parameterCount(cfg: GPTConfig): number {
  const { nLayer: L, nEmbd: C, blockSize: T, vocabSize: V } = cfg;
  const block =
    2 * C * 2 + (C * 3 * C + 3 * C) + (C * C + C) + (C * 4 * C + 4 * C) + (4 * C * C + C);
  return V * C + T * C + L * block + 2 * C;
}
