import { defineConfig } from 'vitest/config';

// Two projects: 'cpu' (the tfjs CPU backend) runs every test file but *.webgpu-only.test.ts;
// 'webgpu' (Dawn in Node: SwiftShader here, a real GPU where the machine has one) runs every
// file but *.cpu-only.test.ts, so a plain *.test.ts runs on both. See src/test/backend-*.ts and
// docs/testing.md.
export default defineConfig({
  test: {
    pool: 'forks',
    // In CI a skipped or todo test fails the run (src/test/noSkips.ts).
    reporters: process.env.CI ? ['default', './src/test/noSkips.ts'] : ['default'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'cpu',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.webgpu-only.test.ts'],
          setupFiles: ['src/test/backend-cpu.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'webgpu',
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.cpu-only.test.ts'],
          setupFiles: ['src/test/backend-webgpu.ts'],
        },
      },
    ],
  },
});
