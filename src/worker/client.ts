/**
 * The UI's side of the worker: typed send, typed listeners, one-shot awaited replies, and a
 * heartbeat, since a terminated or crashed worker sends nothing at all.
 */
import type { BackendMeasurement } from './backendRace';
import {
  type BackendChoice,
  type EventOf,
  PROTOCOL_VERSION,
  type WorkerEvent,
  type WorkerRequest,
} from './protocol';

type Listener = (e: WorkerEvent) => void;
/** alive false: the worker has not answered for a while (reason says how long). */
type LivenessListener = (alive: boolean, reason: string) => void;

const PING_EVERY_MS = 1000;
/** An unanswered ping this old means the worker stopped (a long synchronous task also would). */
const SILENT_LIMIT_MS = 6000;

export class WorkerClient {
  private readonly worker: Worker;
  private readonly listeners = new Set<Listener>();
  private readonly liveness = new Set<LivenessListener>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private lastHeard = performance.now();
  /** When the unanswered ping was sent; null when none is out. */
  private pingSentAt: number | null = null;
  private pingId = 0;
  private silent = false;

  constructor() {
    this.worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<WorkerEvent>) => {
      this.heard();
      if (ev.data.type === 'pong') return;
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
    this.heartbeat = setInterval(() => this.beat(), PING_EVERY_MS);
  }

  private heard(): void {
    this.lastHeard = performance.now();
    this.pingSentAt = null;
    if (this.silent) {
      this.silent = false;
      for (const l of this.liveness) l(true, '');
    }
  }

  /** One ping out at a time: a throttled background tab still measures from the ping sent. */
  private beat(): void {
    const now = performance.now();
    if (this.pingSentAt === null) {
      this.pingSentAt = now;
      this.send({ type: 'ping', id: ++this.pingId });
      return;
    }
    const waited = now - Math.max(this.pingSentAt, this.lastHeard);
    if (!this.silent && waited > SILENT_LIMIT_MS) {
      this.silent = true;
      for (const l of this.liveness) l(false, `no reply for ${Math.round(waited / 1000)} s`);
    }
  }

  /** Starts the worker's tfjs on `backend` ('auto': chosen by what the machine is). */
  /** Starts the worker's backend; `remembered`: the page's last race verdict, if any. */
  init(backend: BackendChoice = 'auto', remembered: BackendMeasurement | null = null): void {
    this.send({ type: 'init', version: PROTOCOL_VERSION, backend, remembered });
  }

  send(req: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(req, transfer);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told when the worker goes silent (stopped, crashed, killed) and if it speaks again. */
  onLiveness(listener: LivenessListener): () => void {
    this.liveness.add(listener);
    return () => this.liveness.delete(listener);
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
    clearInterval(this.heartbeat);
    this.liveness.clear();
    this.worker.terminate();
  }
}
