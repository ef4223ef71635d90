/** The tfjs backends the worker can run on, in the automatic order where the GPU is real. */
export const BACKEND_NAMES = ['webgpu', 'wasm', 'webgl', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** What the page asks for (`?backend=`): 'auto' chooses by what the machine is. */
export type BackendChoice = 'auto' | BackendName;
