/**
 * Runs a command as a child process and records its wall time and peak resident set size. The
 * peak comes from `process.resourceUsage().maxRSS`, written on exit by `max-rss.cjs`, which
 * NODE_OPTIONS preloads into every Node process the command starts; with tsx that is the
 * launcher and the process it spawns, and the larger of the two counts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const PRELOAD = resolve(__dirname, 'max-rss.cjs');

export interface ProcessRun {
  readonly seconds: number;
  /** Peak resident set size in MiB, or undefined when no Node process reported one. */
  readonly maxRssMb?: number;
  readonly exitCode: number;
  /** The end of stderr, kept when the process failed. */
  readonly stderr?: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

const TAIL = 4000;

/** Runs `command args` once, discarding stdout, and measures it. */
export function runMeasured(command: string, args: readonly string[], options: RunOptions): Promise<ProcessRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  const rssFile = join(scratch, 'max-rss');
  const env = {
    ...process.env,
    ...options.env,
    BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${PRELOAD}`].filter(Boolean).join(' '),
  };
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-TAIL);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      let maxRssMb: number | undefined;
      try {
        const peaks = readFileSync(rssFile, 'utf8').split('\n').filter(Boolean).map(Number);
        maxRssMb = Math.max(...peaks) / 1024;
      } catch {
        maxRssMb = undefined;
      }
      rmSync(scratch, { recursive: true, force: true });
      const exitCode = code ?? (signal ? 128 : 1);
      resolvePromise({ seconds, maxRssMb, exitCode, stderr: exitCode === 0 ? undefined : stderr.trim() });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface RepeatedRun {
  readonly runs: readonly ProcessRun[];
  /** Median wall time of the runs, in seconds. */
  readonly seconds: number;
  /** Largest peak RSS over the runs, in MiB. */
  readonly maxRssMb?: number;
  readonly failed: boolean;
}

export function summarize(runs: readonly ProcessRun[]): RepeatedRun {
  const peaks = runs.map((run) => run.maxRssMb).filter((value): value is number => value !== undefined);
  return {
    runs,
    seconds: median(runs.map((run) => run.seconds)),
    maxRssMb: peaks.length > 0 ? Math.max(...peaks) : undefined,
    failed: runs.some((run) => run.exitCode !== 0),
  };
}
