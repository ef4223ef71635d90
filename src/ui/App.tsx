import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import { DEFAULT_DPO_SETTINGS, type DpoRunSettings } from '../pipeline/settings';
import { WorkerClient } from '../worker/client';
import type { SmokeResult } from '../worker/protocol';
import { installAutomation } from './automation';
import { BackendBadge } from './BackendBadge';
import { TrainingCharts } from './charts/TrainingCharts';
import { EngineCheck } from './EngineCheck';
import { PairsTable } from './panels/PairsTable';
import { SamplesPanel } from './panels/SamplesPanel';
import { StepInspector } from './panels/StepInspector';
import { RunControls } from './RunControls';
import { SftPanel } from './SftPanel';
import { INITIAL_STATE, reduce } from './store';

const CHECKPOINT_URL = `${import.meta.env.BASE_URL}checkpoints/sft-nano.json`;

export function App() {
  const [state, dispatch] = useReducer(reduce, INITIAL_STATE);
  const [settings, setSettings] = useState<DpoRunSettings>(DEFAULT_DPO_SETTINGS);
  const startWhenReady = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const client = useMemo(() => new WorkerClient(), []);
  // Charts re-render in an interruptible background pass, so input never waits on them.
  const points = useDeferredValue(state.points);
  const sftPoints = useDeferredValue(state.sftPoints);

  useEffect(() => {
    const off = client.on((e) => {
      dispatch(e);
      if (e.type === 'ready') client.send({ type: 'load-checkpoint', url: CHECKPOINT_URL });
      if (e.type === 'run-state' && e.state === 'ready' && startWhenReady.current) {
        startWhenReady.current = false;
        client.send({ type: 'start' });
      }
      if (e.type === 'error') startWhenReady.current = false;
    });
    client.init();
    return () => {
      off();
    };
  }, [client]);

  const smokeForward = useCallback(async (): Promise<SmokeResult> => {
    const { type: _type, ...r } = await client.request(
      { type: 'smoke-forward', preset: 'nano', batch: 2, seqLen: 16, seed: 0 },
      'smoke-result',
    );
    return r;
  }, [client]);

  useEffect(
    () =>
      installAutomation({
        status: () => {
          const s = stateRef.current;
          return {
            phase: !s.backend ? 'loading' : s.run === 'empty' ? 'idle' : s.run,
            step: s.step,
            backend: s.backend,
            adapter: s.adapter,
            fallbackReason: s.fallbackReason,
          };
        },
        metrics: () => stateRef.current.points.map((p) => ({ ...p })),
        sftMetrics: () => stateRef.current.sftPoints.map((p) => ({ ...p })),
        checkpoint: () => {
          const c = stateRef.current.checkpoint;
          return c
            ? { url: c.url, preset: c.preset, parameters: c.parameters, vocabSize: c.vocabSize }
            : null;
        },
        samples: () => stateRef.current.samples.map((s) => ({ ...s })),
        smokeForward,
      }),
    [smokeForward],
  );

  const prepare = (thenStart: boolean) => {
    dispatch({ type: 'clear-run' });
    startWhenReady.current = thenStart;
    client.send({ type: 'prepare', settings });
  };
  const onStart = () => {
    if (state.run === 'empty') prepare(true);
    else client.send({ type: 'start' });
  };
  const onStep = () => {
    if (state.run === 'empty') prepare(false);
    else client.send({ type: 'step' });
  };

  return (
    <div className="app">
      <header className="topbar">
        <div>
          <h1>DPO Playground</h1>
          <p className="tagline">
            Direct Preference Optimization, live: a small GPT, fine-tuned on movie reviews, learns
            from preference pairs to write positive reviews. Runs on your GPU via WebGPU; nothing
            leaves this machine.
          </p>
        </div>
        <BackendBadge
          status={{
            phase: state.backend ? 'idle' : 'loading',
            step: state.step,
            backend: state.backend,
            adapter: state.adapter,
            fallbackReason: state.fallbackReason,
          }}
        />
      </header>
      {state.fallbackReason && (
        <p className="notice" role="status">
          Running on {state.backend}: {state.fallbackReason}.
        </p>
      )}
      {state.error && (
        <div className="error-banner" role="alert" data-testid="error-banner">
          <span>{state.error}</span>
          <button
            type="button"
            className="secondary"
            onClick={() => dispatch({ type: 'dismiss-error' })}
          >
            Dismiss
          </button>
        </div>
      )}
      <SftPanel
        checkpoint={state.checkpoint}
        run={state.run}
        progress={state.progress}
        points={sftPoints}
        onTrain={(sft) => {
          dispatch({ type: 'clear-run' });
          dispatch({ type: 'clear-sft' });
          client.send({ type: 'sft', settings: sft });
        }}
        onStop={() => client.send({ type: 'sft-stop' })}
        onRestore={() => client.send({ type: 'load-checkpoint', url: CHECKPOINT_URL })}
      />
      <RunControls
        settings={settings}
        onSettings={setSettings}
        run={state.run}
        step={state.step}
        steps={state.steps}
        progress={state.progress}
        canRun={!!state.checkpoint}
        onStart={onStart}
        onPause={() => client.send({ type: 'pause' })}
        onStep={onStep}
        onReset={() => {
          client.send({ type: 'reset' });
          dispatch({ type: 'clear-run' });
        }}
        onLive={(patch) => client.send({ type: 'update', ...patch })}
      />
      <TrainingCharts points={points} />
      <div className="grid two">
        <SamplesPanel samples={state.samples} beta={settings.loss.beta} />
        <StepInspector pairs={state.inspector} lossType={settings.loss.type} />
      </div>
      <PairsTable pairs={state.pairs} total={state.pairsTotal} />
      <details className="card engine">
        <summary>Engine check</summary>
        <EngineCheck run={smokeForward} disabled={!state.backend} />
      </details>
    </div>
  );
}
