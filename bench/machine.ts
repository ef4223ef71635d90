/** The machine a result came from: CPU, cores, RAM, Node, git commit, date. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  gitCommit: string;
  gitDirty: boolean;
  date: string;
}

/** Local date as YYYY-MM-DD (the results file name). */
export function isoDate(d = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    gitCommit: git(['rev-parse', 'HEAD']).trim() || 'unknown',
    gitDirty: git(['status', '--porcelain']).trim() !== '',
    date: new Date().toISOString(),
  };
}
