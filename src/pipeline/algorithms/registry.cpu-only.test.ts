import { describe, expect, it } from 'vitest';
import { LOSS_TYPES, NEEDS_REFERENCE, PREFERENCE_LOSSES } from '../../objectives/lossConfig';
import { parseSweepConfig, resolveRuns } from '../frontier/sweepConfig';
import { dpoLossFields } from './dpo';
import { ALGORITHM_IDS, ALGORITHMS } from './registry';

describe('the algorithm registry', () => {
  it('every sweep-builder entry is a valid run, named as the table says', () => {
    const offered = ALGORITHM_IDS.filter((a) => ALGORITHMS[a].builder);
    expect(offered).toEqual(['dpo', 'preferred-ft', 'unlikelihood', 'best-of-n', 'ppo', 'ppo-gt']);
    const runs = offered.map((a) => ({ ...ALGORITHMS[a].builder?.run, algorithm: a }));
    const sweep = parseSweepConfig({ name: 't', runs: [{ algorithm: 'sft' }, ...runs] });
    expect(resolveRuns(sweep).map((r) => [r.id, r.label])).toEqual([
      ['sft', 'SFT'],
      ['dpo-beta0.1', 'DPO β=0.1'],
      ['preferred-ft', 'Preferred-FT'],
      ['unlikelihood-alpha1', 'Unlikelihood α=1'],
      ['best-of-n', 'Best-of-N'],
      ['ppo', 'PPO'],
      ['ppo-gt', 'PPO-GT'],
    ]);
  });

  it('a DPO variant is named by its loss table row; an unknown algorithm lists the ids', () => {
    const sweep = parseSweepConfig({
      name: 't',
      runs: [{ algorithm: 'dpo', loss: 'ipo', beta: 0.5 }],
    });
    expect(resolveRuns(sweep)[0]?.label).toBe('IPO β=0.5');
    expect(() => parseSweepConfig({ name: 't', runs: [{ algorithm: 'rlhf' }] })).toThrow(
      `algorithm must be one of ${ALGORITHM_IDS.join(', ')}`,
    );
  });

  it("DPO's loss fields are its whole schema, with online DPO's rounds", () => {
    expect(Object.keys(dpoLossFields)).toEqual([
      'loss',
      'beta',
      'labelSmoothing',
      'rpoAlpha',
      'simpoGamma',
      'reduction',
    ]);
    const { rounds, ...loss } = ALGORITHMS.dpo.schema;
    expect(loss).toEqual(dpoLossFields);
    expect(rounds.safeParse(undefined).success).toBe(true);
  });

  it('the loss table: ids in order, π_ref needed by all but SimPO and ORPO', () => {
    expect(LOSS_TYPES).toEqual([
      'sigmoid',
      'cdpo',
      'robust',
      'ipo',
      'hinge',
      'rpo',
      'simpo',
      'orpo',
    ]);
    expect(LOSS_TYPES.filter((t) => !NEEDS_REFERENCE[t])).toEqual(['simpo', 'orpo']);
    expect(PREFERENCE_LOSSES.sigmoid.label).toBe('DPO (sigmoid)');
  });
});
