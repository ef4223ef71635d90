import { describe, expect, it } from 'vitest';
import { checkpointUrl, modelInLink, probeChoice, softwareGpuChoice } from './modelChoice';

describe('the model Stage 1 loads', () => {
  it('takes a shipped model from the link, and only from the link', () => {
    expect(modelInLink('?model=micro&beta=0.5', 'micro')).toBe('micro');
    expect(modelInLink('?beta=0.5', 'nano')).toBeNull();
    // mini is a valid preset but no checkpoint of it ships.
    expect(modelInLink('?model=mini', 'mini')).toBeNull();
  });

  it('maps a preset to its shipped file', () => {
    expect(checkpointUrl('/', 'micro')).toBe('/checkpoints/sft-micro.json');
    expect(checkpointUrl('/app/', 'nano')).toBe('/app/checkpoints/sft-nano.json');
  });

  it('states the probe’s choice with what was measured', () => {
    const v = probeChoice(
      [
        { preset: 'nano', stepMs: 128.4 },
        { preset: 'micro', stepMs: 249 },
      ],
      'wasm',
      60,
    );
    expect(v).toEqual({
      preset: 'micro',
      how: 'probe',
      reason:
        'the largest whose 60-step demo fits 180 s here: ≈ 52 s (a training step on wasm: nano 128 ms, micro 249 ms)',
    });
  });

  it('does not time training on WebGPU over a software adapter: the smallest', () => {
    const swiftshader = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: 'SwiftShader device',
    };
    expect(softwareGpuChoice('webgpu', swiftshader)?.preset).toBe('nano');
    expect(softwareGpuChoice('webgpu', swiftshader)?.reason).toContain('SwiftShader');
    // The same adapter is irrelevant when WASM runs; a hardware GPU is timed.
    expect(softwareGpuChoice('wasm', swiftshader)).toBeNull();
    const nvidia = { vendor: 'nvidia', architecture: 'ampere', device: '', description: '' };
    expect(softwareGpuChoice('webgpu', nvidia)).toBeNull();
  });
});
