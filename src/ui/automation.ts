/** A small read-only automation API on window, for e2e tests, scripts and notebooks. */
import type { AdapterInfo, BackendName, SmokeResult } from '../worker/protocol';

export type Phase = 'loading' | 'idle' | 'busy' | 'error';

export interface PlaygroundStatus {
  phase: Phase;
  step: number;
  backend: BackendName | null;
  adapter: AdapterInfo | null;
  fallbackReason: string | null;
}

export interface DpoPlaygroundApi {
  status(): PlaygroundStatus;
  /** Runs one forward pass of a nano model in the worker. */
  smokeForward(): Promise<SmokeResult>;
}

declare global {
  interface Window {
    dpoPlayground?: DpoPlaygroundApi;
  }
}

export function installAutomation(api: DpoPlaygroundApi): () => void {
  window.dpoPlayground = Object.freeze({ ...api });
  return () => {
    delete window.dpoPlayground;
  };
}
