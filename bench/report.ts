/** The benchmark's result shape, the goals it checks and the table it prints. */
import { ProfileSummary } from './profile';
import { StackTiming } from './terraform';

export interface Measured {
  /** Median wall time over the runs, in seconds. */
  readonly seconds: number;
  /** Shortest wall time over the runs, in seconds: the figure least disturbed by other load. */
  readonly minSeconds: number;
  /** Largest peak RSS over the runs, in MiB. */
  readonly maxRssMb?: number;
  /** Wall time of each run, in seconds. */
  readonly runs: readonly number[];
  readonly failed?: boolean;
  readonly stderr?: string;
}

export interface VerifyResult extends Measured {
  /** Whether `npm run verify` exited 0: every request as expected and no lint error. */
  readonly passed: boolean;
}

export interface SizeResult {
  readonly size: string;
  readonly services: number;
  readonly accounts: number;
  readonly manifestBytes: number;
  readonly stacks: number;
  readonly resources: number;
  readonly largestStackResources: number;
  readonly synth: Measured;
  readonly baseline: Measured;
  /** Synth time over baseline time. */
  readonly ratio: number;
  readonly baselineResources: number;
  /** Resource types whose count differs between the app and the baseline. */
  readonly baselineDifferences?: readonly string[];
  readonly verify: VerifyResult | 'not available' | 'not run';
  readonly terraform: readonly StackTiming[];
}

/** Load averages as `os.loadavg()` returns them: runnable processes over 1, 5 and 15 minutes. */
export interface LoadAverage {
  readonly oneMinute: number;
  readonly fiveMinutes: number;
  readonly fifteenMinutes: number;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  /** Undefined when the figure could not be measured. */
  readonly met?: boolean;
}

export interface BenchResult {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: Machine & { readonly loadAverageBefore: LoadAverage; readonly loadAverageAfter: LoadAverage };
  readonly method: Readonly<Record<string, string | number>>;
  readonly example: {
    readonly compiled: Measured;
    readonly oneRole: Measured;
    readonly ratio: number;
    /** The one-role app after loading every provider class the real app imports. */
    readonly oneRoleWithProviderImports: Measured & { readonly modules: number };
    readonly tsx: { readonly example: Measured; readonly oneRole: Measured; readonly ratio: number };
  };
  readonly sizes: readonly SizeResult[];
  readonly cdktfCli?: Measured;
  readonly profiles?: readonly (ProfileSummary & { readonly subject: string; readonly file: string })[];
  readonly goals: readonly Goal[];
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const GOAL_MEMORY_MIB = 1.5e9 / 1024 ** 2;

/** Checks the speed and memory goals against the figures of this run. */
export function evaluateGoals(example: BenchResult['example'], sizes: readonly SizeResult[]): Goal[] {
  const medium = sizes.find((size) => size.size === '100x10');
  const large = sizes.find((size) => size.size === '500x10');
  const goals: Goal[] = [
    { goal: 'bundled example synth <= 1.6 x one-role app (node)', measured: `${example.ratio} x`, met: example.ratio <= 1.6 },
    { goal: 'bundled example synth <= 1.6 x one-role app (tsx)', measured: `${example.tsx.ratio} x`, met: example.tsx.ratio <= 1.6 },
  ];
  if (large) {
    goals.push({ goal: '500x10 synth < 20 s', measured: `${large.synth.seconds} s`, met: !large.synth.failed && large.synth.seconds < 20 });
    const rss = large.synth.maxRssMb;
    goals.push({ goal: '500x10 synth peak RSS < 1.5 GB', measured: rss === undefined ? 'not measured' : `${rss} MiB`, met: rss === undefined ? undefined : rss < GOAL_MEMORY_MIB });
    const verify = large.verify;
    goals.push(
      typeof verify === 'object'
        ? { goal: '500x10 verify < 30 s', measured: `${verify.seconds} s${verify.passed ? '' : ' (verify reported failures)'}`, met: verify.seconds < 30 }
        : { goal: '500x10 verify < 30 s', measured: verify },
    );
  }
  if (large && medium) {
    const growth = round(large.synth.seconds / medium.synth.seconds, 2);
    goals.push({ goal: 'synth 500x10 <= 5.5 x synth 100x10', measured: `${growth} x`, met: growth <= 5.5 });
  }
  return goals;
}

function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')).join('\n');
}

const seconds = (value?: number) => (value === undefined ? '-' : value.toFixed(2));
const megabytes = (value?: number) => (value === undefined ? '-' : value.toFixed(0));

function sizeRow(size: SizeResult): string[] {
  const validate = size.terraform.flatMap((stack) => (stack.validateSeconds === undefined ? [] : [stack.validateSeconds]));
  const plans = size.terraform.flatMap((stack) => (stack.planSeconds === undefined ? [] : [stack.planSeconds]));
  let verify: string = typeof size.verify === 'string' ? size.verify : seconds(size.verify.seconds);
  if (typeof size.verify === 'object' && !size.verify.passed) verify += ' (findings)';
  return [
    size.size,
    String(size.stacks),
    String(size.resources),
    seconds(size.synth.seconds) + (size.synth.failed ? ' FAILED' : ''),
    seconds(size.baseline.seconds) + (size.baseline.failed ? ' FAILED' : ''),
    String(size.ratio),
    megabytes(size.synth.maxRssMb),
    megabytes(size.baseline.maxRssMb),
    verify,
    validate.length > 0 ? seconds(Math.max(...validate)) : '-',
    plans.length > 0 ? seconds(Math.max(...plans)) : '-',
  ];
}

function stackLine(size: string, stack: StackTiming): string {
  const steps = stack.ok
    ? `init ${seconds(stack.initSeconds)} s, validate ${seconds(stack.validateSeconds)} s${stack.planSeconds === undefined ? '' : `, plan ${seconds(stack.planSeconds)} s`}`
    : `FAILED at ${stack.failure?.step}: ${stack.failure?.output.split('\n').slice(-5).join(' ')}`;
  return `${size} ${stack.stack} (${stack.resources} resources): ${steps}`;
}

/** Formats the result as the tables and lines `npm run bench` prints. */
export function formatReport(result: BenchResult): string {
  const { machine, example } = result;
  const lines: string[] = [];
  lines.push(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}`);
  lines.push(`load average (1 min) ${machine.loadAverageBefore.oneMinute.toFixed(2)} before, ${machine.loadAverageAfter.oneMinute.toFixed(2)} after`, '');
  lines.push(
    table([
      ['app', 'node s', 'tsx s', 'peak MiB'],
      ['bundled example', seconds(example.compiled.seconds), seconds(example.tsx.example.seconds), megabytes(example.compiled.maxRssMb)],
      ['one-role app', seconds(example.oneRole.seconds), seconds(example.tsx.oneRole.seconds), megabytes(example.oneRole.maxRssMb)],
      [
        `one-role app + ${example.oneRoleWithProviderImports.modules} provider classes`,
        seconds(example.oneRoleWithProviderImports.seconds),
        '-',
        megabytes(example.oneRoleWithProviderImports.maxRssMb),
      ],
      ['example / one-role', `${example.ratio}`, `${example.tsx.ratio}`, ''],
    ]),
    '',
  );
  const header = ['size', 'stacks', 'resources', 'synth s', 'baseline s', 'ratio', 'synth MiB', 'baseline MiB', 'verify s', 'validate s', 'plan s'];
  lines.push(table([header, ...result.sizes.map(sizeRow)]));
  lines.push('(validate s and plan s: the slowest of the sampled stacks; every stack is listed below)', '');

  for (const size of result.sizes) {
    if (size.baselineDifferences && size.baselineDifferences.length > 0) lines.push(`${size.size}: the baseline differs from the app: ${size.baselineDifferences.join('; ')}`);
    for (const stack of size.terraform) lines.push(stackLine(size.size, stack));
    if (size.synth.failed) lines.push(`${size.size} synth failed: ${size.synth.stderr}`);
    if (size.baseline.failed) lines.push(`${size.size} baseline failed: ${size.baseline.stderr}`);
  }
  if (result.cdktfCli) lines.push('', `npx cdktf synth (bundled example): ${seconds(result.cdktfCli.seconds)} s${result.cdktfCli.failed ? ` FAILED: ${result.cdktfCli.stderr}` : ''}`);

  for (const profile of result.profiles ?? []) {
    lines.push('', `CPU profile of the ${profile.subject} synth (${profile.totalMs} ms sampled), self time by package or folder:`);
    for (const owner of profile.owners) lines.push(`  ${owner.percent.toFixed(1).padStart(5)} %  ${owner.name}`);
    lines.push('top functions by self time:');
    for (const entry of profile.functions) lines.push(`  ${entry.percent.toFixed(1).padStart(5)} %  ${entry.name}`);
  }

  lines.push('', 'goals:');
  for (const goal of result.goals) lines.push(`  ${goal.met === undefined ? '?   ' : goal.met ? 'met ' : 'MISS'}  ${goal.goal}: ${goal.measured}`);
  return lines.join('\n');
}
