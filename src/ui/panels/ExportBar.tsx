import { metricsToCsv, metricsToJson, samplesToJsonl } from '../../data/export';
import type { MetricPoint, SampleView } from '../../pipeline/views';
import type { ExportKind } from '../../worker/protocol';
import { download } from '../download';

interface Props {
  points: MetricPoint[];
  samples: SampleView[];
  canExportModel: boolean;
  onExport: (what: ExportKind) => void;
}

/** Take it elsewhere: metrics, samples, the model (this app's or Hugging Face GPT-2), TRL data. */
export function ExportBar({ points, samples, canExportModel, onExport }: Props) {
  return (
    <div className="buttons export-bar" data-testid="export-bar">
      <span className="muted">Export:</span>
      <button
        type="button"
        className="secondary"
        disabled={!points.length}
        onClick={() => download('metrics.csv', metricsToCsv(points), 'text/csv')}
      >
        metrics CSV
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!points.length}
        onClick={() => download('metrics.json', metricsToJson(points), 'application/json')}
      >
        metrics JSON
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!samples.length}
        onClick={() =>
          download(
            'samples.jsonl',
            samplesToJsonl(
              samples.map((s) => ({
                prompt: s.prompt,
                completion: s.text,
                tokens: s.tokens,
                logpPolicy: s.policyLogps,
                logpRef: s.refLogps,
                reward: s.reward,
              })),
            ),
            'application/jsonl',
          )
        }
      >
        samples JSONL
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!canExportModel}
        onClick={() => onExport('checkpoint')}
      >
        π_θ checkpoint
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="export-hf"
        disabled={!canExportModel}
        onClick={() => onExport('hf-gpt2')}
      >
        π_θ as Hugging Face GPT-2 (.zip)
      </button>
      <button
        type="button"
        className="secondary"
        disabled={!canExportModel}
        onClick={() => onExport('dataset-trl')}
      >
        pairs as TRL JSONL
      </button>
      <button
        type="button"
        className="secondary"
        data-testid="export-trl-trained"
        disabled={!canExportModel}
        title="the text of exactly the token ids trained on, after fitting the model's context"
        onClick={() => onExport('dataset-trl-trained')}
      >
        pairs as trained (TRL JSONL)
      </button>
    </div>
  );
}
