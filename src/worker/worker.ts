/// <reference lib="webworker" />
/** The worker that owns tfjs: a thin, exhaustive switch over typed requests. */
import { adapterInfo, selectBackend } from './backend';
import { PROTOCOL_VERSION, type WorkerEvent, type WorkerRequest } from './protocol';
import { smokeForward } from './smoke';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(e: WorkerEvent, transfer: Transferable[] = []): void {
  scope.postMessage(e, transfer);
}

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.type) {
    case 'init': {
      if (req.version !== PROTOCOL_VERSION) {
        throw new Error(`protocol version ${req.version} ≠ worker's ${PROTOCOL_VERSION}`);
      }
      const { backend, fallbackReason } = await selectBackend(req.preferBackends);
      const adapter = backend === 'webgpu' ? await adapterInfo() : null;
      post({ type: 'ready', version: PROTOCOL_VERSION, backend, adapter, fallbackReason });
      return;
    }
    case 'smoke-forward': {
      const r = await smokeForward(req.preset, req.batch, req.seqLen, req.seed);
      post({ type: 'smoke-result', ...r });
      return;
    }
    default: {
      const never: never = req;
      throw new Error(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

scope.onmessage = (ev: MessageEvent<WorkerRequest>) => {
  const req = ev.data;
  handle(req).catch((e: unknown) => {
    post({
      type: 'error',
      message: e instanceof Error ? e.message : String(e),
      requestType: typeof req?.type === 'string' ? req.type : 'unknown',
    });
  });
};
