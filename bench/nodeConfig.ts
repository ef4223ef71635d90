/**
 * One Node configuration in its own process (a fresh tfjs and heap; the peer never shares a
 * process with our tfjs): `node --import tsx bench/nodeConfig.ts <ours|peer> <backend> <json>`.
 * Prints one line `BENCH_OUTCOME <json>` ({ok, result} or {ok: false, error}).
 */
import type { HarnessOptions } from './harness';
import { installDawn, selectNodeBackend } from './nodeBackend';
import { reportOutcome } from './outcome';
import type { PeerOptions } from './peer';

async function main(): Promise<unknown> {
  const [kind, backend = 'cpu', json = '{}'] = process.argv.slice(2);
  const options = JSON.parse(json);
  if (kind === 'peer') {
    if (backend === 'wasm') {
      throw new Error('the peer has no wasm backend (its selectBackend takes cpu, webgl, webgpu)');
    }
    if (backend === 'webgpu' && !(await installDawn())) throw new Error('no WebGPU adapter');
    const { runPeer } = await import('./peer');
    return runPeer({ ...(options as PeerOptions), backend: backend as PeerOptions['backend'] });
  }
  await selectNodeBackend(backend);
  const { runHarness } = await import('./harness');
  return runHarness({
    ...(options as HarnessOptions),
    log: (line) => process.stderr.write(`  [node ${backend}] ${line}\n`),
  });
}

reportOutcome(main());
