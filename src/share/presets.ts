/** Named starting points for a run, each a partial config over the defaults. */
import { DEFAULT_PLAYGROUND_CONFIG, type PlaygroundConfig } from './playgroundConfig';

type Group = 'loss' | 'optim' | 'data' | 'eval' | 'ui';

/** Top-level fields replace; the nested groups merge one level deep. */
export type ConfigPatch = Partial<Omit<PlaygroundConfig, Group>> & {
  [G in Group]?: Partial<PlaygroundConfig[G]>;
};

export interface ConfigPreset {
  /** One sentence for the preset picker. */
  description: string;
  patch: ConfigPatch;
}

export const CONFIG_PRESETS = {
  classroom: {
    description:
      'The default demo: online DPO with β = 0.1 and lr 2e-4, 3 rounds of 20 steps, each round on fresh pairs from π_θ (64 prompts × 4 completions).',
    patch: {},
  },
  gentle: {
    description:
      'A low learning rate and β = 0.5 keep π_θ close to π_ref: the reward rises slowly at a small KL.',
    patch: { loss: { beta: 0.5 }, optim: { lr: 2.5e-4 }, steps: 120 },
  },
  fast: {
    description:
      'A learning rate of 2e-3: the margins grow fast, but π_θ overfits the pairs and drifts far from π_ref (a large KL) for little reward.',
    patch: { optim: { lr: 2e-3 } },
  },
  ipo: {
    description:
      'IPO regresses the length-averaged log-ratio margin onto 1/(2β) instead of pushing it without bound.',
    patch: { loss: { type: 'ipo', reduction: 'mean' } },
  },
  'high-beta': {
    description: 'β = 1 holds π_θ on a short KL leash, so it barely leaves π_ref.',
    patch: { loss: { beta: 1 } },
  },
  'low-beta': {
    description: 'β = 0.01 lets the reward climb fast while the KL to π_ref grows large.',
    patch: { loss: { beta: 0.01 } },
  },
  'best-vs-worst': {
    description:
      'One pair per prompt, its best completion against its worst, instead of every ranked pair.',
    patch: { data: { pairing: 'best-vs-worst' } },
  },
  cdpo: {
    description:
      'Conservative DPO assumes 10% of the preference labels are flipped, which caps the margin it pushes for.',
    patch: { loss: { type: 'cdpo', labelSmoothing: 0.1 } },
  },
  offline: {
    description:
      'One offline round, as in the paper: every pair is sampled once from π_ref, and the reward gain is much smaller than with online rounds.',
    patch: { rounds: 1 },
  },
  'label-noise': {
    description:
      'Plain DPO with 30% of the sampled labels flipped (marked ⇄ in the pairs table): it learns the wrong preferences too.',
    patch: { data: { labelNoise: 0.3 } },
  },
  'label-noise-cdpo': {
    description:
      'The same 30% flipped labels under cDPO with ε = 0.3: it assumes that share of labels is wrong and caps the margin it pushes for.',
    patch: { data: { labelNoise: 0.3 }, loss: { type: 'cdpo', labelSmoothing: 0.3 } },
  },
  'tr-dpo': {
    description:
      'TR-DPO: every 25 steps π_ref ← 0.5·π_θ + 0.5·π_ref, and the KL chart shows the KL to the moving π_ref next to the KL to the SFT model.',
    patch: { refSyncSteps: 25, refMixupAlpha: 0.5 },
  },
  simpo: {
    description:
      'SimPO needs no reference model: its reward is β times the mean token log-prob, with a target margin γ.',
    patch: { loss: { type: 'simpo', beta: 2, simpoGamma: 1 } },
  },
} satisfies Record<string, ConfigPreset>;

export type ConfigPresetName = keyof typeof CONFIG_PRESETS;

export const CONFIG_PRESET_NAMES = Object.keys(CONFIG_PRESETS) as ConfigPresetName[];

/** `base` with the patch applied; neither is modified. */
export function applyPatch(
  patch: ConfigPatch,
  base: PlaygroundConfig = DEFAULT_PLAYGROUND_CONFIG,
): PlaygroundConfig {
  const out = structuredClone(base);
  const { loss, optim, data, eval: evaluation, ui, ...top } = structuredClone(patch);
  return {
    ...out,
    ...top,
    loss: { ...out.loss, ...loss },
    optim: { ...out.optim, ...optim },
    data: { ...out.data, ...data },
    eval: { ...out.eval, ...evaluation },
    ui: { ...out.ui, ...ui },
  };
}

/** The named preset over `base` (the defaults unless given). */
export function applyPreset(
  name: ConfigPresetName,
  base: PlaygroundConfig = DEFAULT_PLAYGROUND_CONFIG,
): PlaygroundConfig {
  return applyPatch(CONFIG_PRESETS[name].patch, base);
}
