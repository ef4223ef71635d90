/**
 * `npm run bench:walkthrough [-- --only beta-direction,closed-form] [--seconds 300]`: every
 * guided experiment as a learner meets it (bench/walkthrough.ts) in headless Chromium on the
 * built app; prints the seconds from page load to the reading and writes
 * bench/results/<date>-walkthrough.json with the machine and its load. Issue 24's bar: about two
 * minutes on a GPU-less machine. `npm run bench` runs the same (`--walkthrough-seconds`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ChromiumBench } from './chromium';
import { isoDate, machineInfo } from './machine';
import { walkthroughExperiments } from './walkthroughList';

const { values: a } = parseArgs({
  options: {
    only: { type: 'string', default: '' },
    seconds: { type: 'string', default: '300' },
    port: { type: 'string', default: '4180' },
  },
});
const experiments = walkthroughExperiments((a.only ?? '').split(',').filter(Boolean));
const load = loadavg();
const bench = await ChromiumBench.start({ port: Number(a.port), withApp: true });
try {
  const rows = await bench.walkthroughs(experiments, Number(a.seconds));
  const seconds = rows
    .flatMap((r) => (r.seconds === null ? [] : [r.seconds]))
    .sort((x, y) => x - y);
  const result = {
    what: 'each guided experiment from its link (?experiment=ID&model=micro) to its reading, headless Chromium, the backend the app picks',
    date: new Date().toISOString(),
    machine: machineInfo(),
    browser: bench.version,
    loadAverageAtStart: load.map((x) => Number(x.toFixed(2))),
    loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(2))),
    medianSeconds: seconds[Math.floor((seconds.length - 1) / 2)] ?? null,
    maxSeconds: seconds.at(-1) ?? null,
    rows,
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/${isoDate()}-walkthrough.json`,
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  await bench.close();
}
