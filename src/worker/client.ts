/** The UI's side of the worker: typed send, typed listeners, one-shot awaited replies. */
import { type EventOf, PROTOCOL_VERSION, type WorkerEvent, type WorkerRequest } from './protocol';

type Listener = (e: WorkerEvent) => void;

export class WorkerClient {
  private readonly worker: Worker;
  private readonly listeners = new Set<Listener>();

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerEvent>) => {
      for (const l of this.listeners) l(ev.data);
    };
    this.worker.onerror = (ev: ErrorEvent) => {
      const e: WorkerEvent = {
        type: 'error',
        message: `the worker crashed: ${ev.message || 'unknown error'}`,
        requestType: 'unknown',
      };
      for (const l of this.listeners) l(e);
    };
  }

  init(): void {
    this.send({ type: 'init', version: PROTOCOL_VERSION });
  }

  send(req: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(req, transfer);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a request and resolves with the first event of `type` (rejects on an error). */
  request<T extends WorkerEvent['type']>(req: WorkerRequest, type: T): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      const off = this.on((e) => {
        if (e.type === type) {
          off();
          resolve(e as EventOf<T>);
        } else if (
          e.type === 'error' &&
          (e.requestType === req.type || e.requestType === 'unknown')
        ) {
          off();
          reject(new Error(e.message));
        }
      });
      this.send(req);
    });
  }

  terminate(): void {
    this.worker.terminate();
  }
}
