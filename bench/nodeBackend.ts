/**
 * The bench's and the soak's Node backends: the names it accepts and the adapter it reports.
 * Starting them is src/node/backend.ts (shared with the unit tests and the frontier script).
 */
import { installDawn } from '../src/node/backend';

export { installDawn, selectNodeBackend } from '../src/node/backend';

/** The WebGPU adapter's vendor/architecture/description in Node, or null. */
export async function nodeAdapterInfo(): Promise<Record<string, string> | null> {
  try {
    const info = await installDawn();
    if (!info) return null;
    return {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
