import { describe, expect, it } from 'vitest';
import { makeConfig, parameterCount } from '../model/config';
import { gflops, matmulFlops, matmulParams, trainStepFlops } from './flops';
import { type SoakSample, soakVerdict } from './soakVerdict';
import { median, quantile, spread } from './stats';
import { fmt, markdownTable, textTable } from './table';

describe('FLOP counting', () => {
  // L = 1, C = 4, V = 10: c_attn 4·12 + 12 = 60, attn c_proj 16 + 4 = 20, c_fc 4·16 + 16 = 80,
  // mlp c_proj 16·4 + 4 = 68 → 228 per block; tied head 10·4 = 40 → 268.
  const tiny = { nLayer: 1, nEmbd: 4, vocabSize: 10 };

  it('counts the matMul parameters of a tiny config by hand', () => {
    expect(matmulParams(tiny)).toBe(268);
  });

  it('is the full parameter count less the position table and the LayerNorms', () => {
    const cfg = makeConfig({ nLayer: 2, nHead: 2, nEmbd: 32, vocabSize: 1024, blockSize: 64 });
    const layerNorms = (2 * 2 + 1) * 2 * 32; // ln_1, ln_2 per block and ln_f: weight + bias
    expect(matmulParams(cfg)).toBe(parameterCount(cfg) - 64 * 32 - layerNorms);
  });

  it('adds 6·N per token and the attention term 12·L·T·C', () => {
    // rows 2, T 3: 6 tokens × (6·268 + 12·1·3·4 = 1608 + 144 = 1752) = 10512.
    expect(trainStepFlops(tiny, 2, 3)).toBe(10_512);
  });

  it('counts a matMul as 2·M·K·N and converts to GFLOP/s', () => {
    expect(matmulFlops(2, 3, 4)).toBe(48);
    expect(gflops(2e9, 1000)).toBe(2); // 2 GFLOP in 1 s
    expect(gflops(5e6, 1)).toBe(5); // 5 MFLOP in 1 ms
  });
});

describe('order statistics', () => {
  it('interpolates between closest ranks like numpy', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14, 10); // pos 0.4
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46, 10); // pos 3.6
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('gives median, p10, p90 and the count', () => {
    const s = spread([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(s).toEqual({ median: 6, p10: 2, p90: 10, n: 11 });
  });

  it('rejects a quantile outside [0, 1]', () => {
    expect(() => quantile([1], 1.5)).toThrow('quantile q must be in [0, 1], got 1.5');
  });
});

describe('tables', () => {
  it('formats numbers to 3 significant digits and whole when large', () => {
    expect(fmt(0.0123456)).toBe('0.0123');
    expect(fmt(12.345)).toBe('12.3');
    expect(fmt(123456.7)).toBe('123457');
    expect(fmt(Number.NaN)).toBe('–');
    expect(fmt(null)).toBe('–');
  });

  it('aligns a text table: numbers right, text left', () => {
    const t = textTable(
      ['backend', 'ms'],
      [
        ['webgpu', 1234.5],
        ['cpu', 7.25],
      ],
    );
    expect(t).toBe(['backend    ms', '-------  ----', 'webgpu   1235', 'cpu      7.25'].join('\n'));
  });

  it('writes a Markdown table with right-aligned numeric columns', () => {
    expect(markdownTable(['a', 'n'], [['x|y', 2]])).toBe('| a | n |\n|---|---:|\n| x\\|y | 2 |');
  });
});

describe('soak verdict', () => {
  const samples = (heap: (step: number) => number, tensors = () => 142): SoakSample[] =>
    Array.from({ length: 20 }, (_, i) => {
      const step = (i + 1) * 250;
      return { step, numTensors: tensors(), numBytes: 878_088, heapUsed: heap(step) };
    });

  it('passes flat tensors and a heap within 10%', () => {
    const v = soakVerdict(
      samples((s) => 50e6 + s * 100),
      5000,
    );
    // 2nd quarter: steps 1500..2500 → median 2000 → 50.2e6; last: 4000..5000 → 4500 → 50.45e6.
    expect(v.heapSecondQuarter).toBe(50.2e6);
    expect(v.heapLastQuarter).toBe(50.45e6);
    expect(v.pass).toBe(true);
  });

  it('fails a growing heap or a tensor count that moves', () => {
    expect(
      soakVerdict(
        samples((s) => 50e6 + s * 5000),
        5000,
      ).heapFlat,
    ).toBe(false);
    let n = 142;
    const v = soakVerdict(
      samples(
        () => 50e6,
        () => n++,
      ),
      5000,
    );
    expect(v.tensorsFlat).toBe(false);
    expect(v.line.startsWith('FAIL: tensors GREW (142 → 161')).toBe(true);
  });
});
