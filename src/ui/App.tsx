import {
  useCallback,
  useDeferredValue,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import type { PanelId, PlaygroundConfig } from '../share/playgroundConfig';
import { toDpoRunSettings, withSetting } from '../share/playgroundConfig';
import { decodeConfig, encodeConfig } from '../share/url';
import type { WorkerClient } from '../worker/client';
import type { SmokeResult, WorkerEvent } from '../worker/protocol';
import { isBusy } from '../worker/runState';
import { BackendBadge } from './BackendBadge';
import { RunsOverlay } from './charts/RunsOverlay';
import { TrainingCharts } from './charts/TrainingCharts';
import { download, readFiles } from './download';
import { EngineCheck } from './EngineCheck';
import { ExperimentsPanel } from './experiments/ExperimentsPanel';
import { FaultBanner } from './FaultBanner';
import { LabellingMode } from './labelling/LabellingMode';
import { checkpointUrl, modelInLink, probeChoice, softwareGpuChoice } from './modelChoice';
import { PrivacyNote } from './PrivacyNote';
import { DataPanel } from './panels/DataPanel';
import { ExportBar } from './panels/ExportBar';
import { FrontierPanel } from './panels/FrontierPanel';
import { PairsTable } from './panels/PairsTable';
import { RunsPanel } from './panels/RunsPanel';
import { lastFluency, SamplesPanel } from './panels/SamplesPanel';
import { StepInspector } from './panels/StepInspector';
import { TrlRunPanel } from './panels/TrlRunPanel';
import { RunControls } from './RunControls';
import { type SettingPath, settingAt } from './SettingField';
import { SftPanel } from './SftPanel';
import { INITIAL_STATE, reduce } from './store';
import { useAutomation } from './useAutomation';
import { useRestartableWorker } from './workerRestart';

const BASE = import.meta.env.BASE_URL;

/** The configuration in the page's URL, with what was wrong in it. */
function initialConfig(): { config: PlaygroundConfig; warnings: string[] } {
  const { config, warnings } = decodeConfig(window.location.search);
  return { config, warnings: warnings.map((w) => `Link: ${w.message}`) };
}

export function App() {
  const [first] = useState(initialConfig);
  const [state, dispatch] = useReducer(reduce, { ...INITIAL_STATE, warnings: first.warnings });
  const [config, setConfig] = useState<PlaygroundConfig>(first.config);
  // The shipped SFT checkpoint in use: the link's `model=`, else the speed probe's choice.
  const linkModel = useRef(modelInLink(window.location.search, first.config.model));
  const modelUrl = useRef(checkpointUrl(BASE, linkModel.current ?? 'nano'));
  const demoSteps = useRef(0);
  demoSteps.current = first.config.steps;
  const settings = useMemo(() => toDpoRunSettings(config), [config]);
  const startWhenReady = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  // Charts re-render in an interruptible background pass, so input never waits on them.
  const points = useDeferredValue(state.points);
  const sftPoints = useDeferredValue(state.sftPoints);
  const fluency = useMemo(() => lastFluency(points), [points]);

  const loadModel = (client: WorkerClient, url: string) => {
    modelUrl.current = url;
    client.send({ type: 'load-checkpoint', url });
  };
  /** The page's start-up (the model choice) and the replies it waits for. */
  const onEvent = (client: WorkerClient, e: WorkerEvent) => {
    if (e.type === 'ready') {
      if (linkModel.current) {
        const preset = linkModel.current;
        dispatch({
          type: 'model-choice',
          choice: { preset, how: 'link', reason: `model=${preset} in the link` },
        });
        loadModel(client, modelUrl.current);
      } else {
        const untimed = softwareGpuChoice(e.backend, e.adapter);
        if (untimed) {
          dispatch({ type: 'model-choice', choice: untimed });
          loadModel(client, checkpointUrl(BASE, untimed.preset));
        } else client.send({ type: 'probe-models', demoSteps: demoSteps.current });
      }
      client.send({ type: 'runs-list' });
    }
    if (e.type === 'probe-result' || (e.type === 'error' && e.requestType === 'probe-models')) {
      // A failed probe falls back to the smallest model, and says so.
      const choice = probeChoice(
        e.type === 'probe-result' ? e.timings : [],
        e.type === 'probe-result' ? e.backend : '?',
        demoSteps.current,
      );
      dispatch({ type: 'model-choice', choice });
      loadModel(client, checkpointUrl(BASE, choice.preset));
    }
    if (e.type === 'run-state' && e.state === 'ready' && startWhenReady.current) {
      startWhenReady.current = false;
      client.send({ type: 'start' });
    }
    if (e.type === 'export-file') download(e.name, e.bytes, e.mime);
    if (e.type === 'error') startWhenReady.current = false;
  };
  // Replaced by a new worker when the old one stops answering (workerRestart.ts).
  const { client, restartWorker } = useRestartableWorker({
    backend: first.config.ui.backend,
    dispatch,
    state: () => stateRef.current,
    onEvent,
    reload: (c) => loadModel(c, modelUrl.current),
  });

  // The whole configuration lives in the URL: a link reproduces the run's settings.
  useEffect(() => {
    const query = encodeConfig(config);
    const url = `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`;
    window.history.replaceState(null, '', url);
  }, [config]);

  const smokeForward = useCallback(async (): Promise<SmokeResult> => {
    const { type: _type, ...r } = await client.request(
      { type: 'smoke-forward', preset: 'nano', batch: 2, seqLen: 16, seed: 0 },
      'smoke-result',
    );
    return r;
  }, [client]);

  useAutomation(state, client, smokeForward, restartWorker);

  /** One setting changed: the link follows; a live one (β, lr) also reaches a prepared run. */
  const onSetting = (path: SettingPath, value: unknown) => {
    const next = withSetting(config, path, value);
    setConfig(next);
    if (state.run !== 'empty' && settingAt(path).meta.live) {
      client.send({ type: 'update', settings: toDpoRunSettings(next) });
    }
  };

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
  const sendFile = async (type: 'import-preferences' | 'import-corpus', file: File) => {
    const [f] = await readFiles([file]);
    if (f) client.send({ type, name: f.name, bytes: f.bytes }, [f.bytes]);
  };
  const busy = isBusy(state.run);
  const sweeping = state.sweep.state === 'running';
  // Presenter view: large type, charts and samples only (labelling.css).
  const presenter = config.ui.view === 'presenter';
  const hidden = (id: PanelId) =>
    (config.ui.embed && config.ui.hide.includes(id)) ||
    (presenter && !['charts', 'samples', 'labels', 'experiments'].includes(id));
  // Saved runs ticked for the side-by-side charts; their histories come from the worker.
  const [compared, setCompared] = useState<string[]>([]);
  const onCompare = (ids: string[]) => {
    setCompared(ids);
    client.send({ type: 'run-metrics', ids });
  };
  const clearRun = useCallback(() => dispatch({ type: 'clear-run' }), []);

  return (
    <div className={`app${config.ui.embed ? ' embed' : ''}${presenter ? ' presenter' : ''}`}>
      <header className="topbar">
        <h1>DPO Playground</h1>
        <BackendBadge
          status={{
            phase: state.backend ? 'idle' : 'loading',
            step: state.step,
            backend: state.backend,
            adapter: state.adapter,
            fallbackReason: state.fallbackReason,
            engine: state.engine,
            runId: state.runId,
          }}
        />
        {!config.ui.embed && (
          <div className="intro">
            <p className="tagline">
              Direct Preference Optimization, live: a small GPT, fine-tuned on movie reviews, learns
              from preference pairs to write positive reviews, on your GPU via WebGPU or else on the
              CPU via WebAssembly.
            </p>
            <PrivacyNote />
          </div>
        )}
      </header>
      <main>
        {state.fallbackReason && (
          <p className="notice" role="status">
            Running on {state.backend}: {state.fallbackReason}.
          </p>
        )}
        {state.fault && (
          <FaultBanner
            fault={state.fault}
            onRestart={state.workerStopped ? restartWorker : null}
            onDismiss={() => dispatch({ type: 'dismiss-fault' })}
          />
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
        {state.warnings.length > 0 && (
          <div className="warning-banner" role="status" data-testid="warning-banner">
            <ul>
              {state.warnings.map((w, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: warnings repeat; order is identity.
                <li key={i}>{w}</li>
              ))}
            </ul>
            <button
              type="button"
              className="secondary"
              onClick={() => dispatch({ type: 'dismiss-warnings' })}
            >
              Dismiss
            </button>
          </div>
        )}
        {!hidden('experiments') && (
          <ExperimentsPanel
            client={client}
            selected={config.ui.experiment}
            onSelect={(experiment) => setConfig((c) => ({ ...c, ui: { ...c.ui, experiment } }))}
            seed={settings.seed}
            canRun={!!state.checkpoint && !busy && !sweeping}
            model={state.model?.preset ?? null}
            onRunStart={clearRun}
          />
        )}
        {!config.ui.embed && !presenter && (
          <SftPanel
            checkpoint={state.checkpoint}
            run={state.run}
            progress={state.progress}
            points={sftPoints}
            corpus={state.corpus}
            onTrain={(sft) => {
              dispatch({ type: 'clear-run' });
              dispatch({ type: 'clear-sft' });
              client.send({ type: 'sft', settings: sft });
            }}
            onStop={() => client.send({ type: 'sft-stop' })}
            onRestore={() => client.send({ type: 'load-checkpoint', url: modelUrl.current })}
            model={state.model}
            onModel={(preset) => {
              dispatch({
                type: 'model-choice',
                choice: { preset, how: 'user', reason: 'picked here' },
              });
              modelUrl.current = checkpointUrl(BASE, preset);
              dispatch({ type: 'clear-run' });
              setConfig((c) => ({ ...c, model: preset }));
              client.send({ type: 'load-checkpoint', url: modelUrl.current });
            }}
            onImportModel={async (files) => {
              const read = await readFiles(files);
              client.send(
                { type: 'import-model', files: read },
                read.map((f) => f.bytes),
              );
            }}
            onImportCorpus={(f) => void sendFile('import-corpus', f)}
          />
        )}
        {!hidden('data') && (
          <DataPanel
            dataset={state.dataset}
            disabled={busy}
            onFile={(f) => void sendFile('import-preferences', f)}
            onBuiltin={() => client.send({ type: 'use-builtin-data' })}
          />
        )}
        {!hidden('labels') && (
          <LabellingMode
            client={client}
            settings={settings}
            hasModel={!!state.checkpoint && !sweeping}
            run={state.run}
            onRun={(a) =>
              a === 'train' ? onStart() : a === 'step' ? onStep() : client.send({ type: 'pause' })
            }
            onNewRun={() => dispatch({ type: 'clear-run' })}
          />
        )}
        {!hidden('controls') && (
          <RunControls
            config={config}
            onSetting={onSetting}
            onPreset={(c) => setConfig({ ...c, ui: config.ui })}
            imported={!!state.dataset}
            run={state.run}
            step={state.step}
            steps={state.steps}
            progress={state.progress}
            canRun={!!state.checkpoint && !sweeping}
            onStart={onStart}
            onPause={() => client.send({ type: 'pause' })}
            onStep={onStep}
            onReset={() => {
              client.send({ type: 'reset' });
              dispatch({ type: 'clear-run' });
            }}
          />
        )}
        {!hidden('charts') && <TrainingCharts points={points} imported={!!state.dataset} />}
        {!hidden('charts') && !config.ui.embed && !presenter && <TrlRunPanel />}
        <div className="grid two">
          {!hidden('samples') && (
            <SamplesPanel
              samples={state.samples}
              beta={state.facts?.beta ?? settings.loss.beta}
              fluency={fluency}
            />
          )}
          {!hidden('inspector') && (
            <StepInspector
              pairs={state.inspector}
              lossType={state.facts?.lossType ?? settings.loss.type}
            />
          )}
        </div>
        {!hidden('pairs') && (
          <PairsTable pairs={state.pairs} total={state.pairsTotal} imported={!!state.dataset} />
        )}
        {!hidden('frontier') && (
          <FrontierPanel
            sweep={state.sweep}
            disabled={busy || !state.checkpoint}
            onStart={(sweep) => client.send({ type: 'sweep-start', sweep })}
            // Answered by an 'export-file', which the event handler above downloads.
            onExport={(sweep) => client.request({ type: 'export-trl-job', sweep }, 'export-file')}
            onStop={() => client.send({ type: 'sweep-stop' })}
            onRemove={(runIds) => dispatch({ type: 'remove-sweep-runs', runIds })}
          />
        )}
        {!hidden('runs') && (
          <>
            <ExportBar
              points={state.points}
              samples={state.samples}
              canExportModel={!!state.checkpoint && !busy && !sweeping}
              onExport={(what) => client.send({ type: 'export', what })}
            />
            <RunsPanel
              runs={state.runs}
              storage={state.storage}
              currentId={state.runId}
              busy={busy || sweeping}
              onResume={(id) => {
                dispatch({ type: 'clear-run' });
                client.send({ type: 'run-resume', id });
              }}
              onRename={(id, name) => client.send({ type: 'run-rename', id, name })}
              onDelete={(id) => client.send({ type: 'run-delete', id })}
              onPrune={(id) => client.send({ type: 'run-prune', id })}
              compared={compared}
              onCompare={onCompare}
            />
            <RunsOverlay runs={compared.length > 0 ? state.overlay : []} />
          </>
        )}
        {!config.ui.embed && !presenter && (
          <details className="card engine">
            <summary>Engine check</summary>
            <EngineCheck run={smokeForward} disabled={!state.backend} />
          </details>
        )}
      </main>
    </div>
  );
}
