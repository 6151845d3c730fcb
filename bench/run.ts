/**
 * `npm run bench [-- options]`: generates landing zones of several sizes and measures, as whole
 * processes, synth time and peak memory against a plain cdktf baseline, verify time, and
 * terraform init, validate and plan time for sample stacks. Prints a table and writes
 * `bench/results/<timestamp>.json`. See docs/benchmarks.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { compileProject } from './compile';
import { LandingZoneSize, writeManifest } from './generate';
import { ProcessRun, RepeatedRun, runMeasured, summarize } from './measure';
import { summarizeProfile } from './profile';
import { BenchResult, LoadAverage, Machine, Measured, SizeResult, VerifyResult, evaluateGoals, formatReport, round } from './report';
import { StackTiming, TerraformTimer, countResources } from './terraform';

const ROOT = resolve(__dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const BUILD = join(RESULTS, 'build');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const EXAMPLE = join(ROOT, 'examples/landing-zone.yaml');

export const DEFAULT_SIZES: readonly LandingZoneSize[] = [
  { services: 1, accounts: 1 },
  { services: 10, accounts: 1 },
  { services: 10, accounts: 3 },
  { services: 100, accounts: 3 },
  { services: 100, accounts: 10 },
  { services: 500, accounts: 10 },
];

const USAGE = `usage: npm run bench -- [--sizes 1x1,10x3,...] [--repeats N] [--quick] [--json] [--no-terraform] [--no-cdktf-cli] [--profile]
  --sizes         landing zones as SERVICESxACCOUNTS (default: ${DEFAULT_SIZES.map(label).join(',')})
  --repeats       runs per synth measurement; the median time is reported (default: 3)
  --quick         sizes 1x1 and 10x3, one run each, no terraform plan and no cdktf-cli run
  --json          write the generated manifests as JSON instead of YAML
  --no-terraform  skip terraform init, validate and plan
  --no-cdktf-cli  skip timing \`npx cdktf synth\`
  --profile       also record CPU profiles of the bundled example's and the largest synth and list their top frames`;

interface Options {
  sizes: LandingZoneSize[];
  repeats: number;
  terraform: boolean;
  plan: boolean;
  cdktfCli: boolean;
  profile: boolean;
  manifestFormat: 'yaml' | 'json';
}

function label(size: LandingZoneSize): string {
  return `${size.services}x${size.accounts}`;
}

function parseSize(text: string): LandingZoneSize {
  const match = /^(\d+)x(\d+)$/.exec(text);
  if (!match) throw new Error(`invalid --sizes entry "${text}": expected SERVICESxACCOUNTS, such as 100x10`);
  return { services: Number(match[1]), accounts: Number(match[2]) };
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { sizes: [...DEFAULT_SIZES], repeats: 3, terraform: true, plan: true, cdktfCli: true, profile: false, manifestFormat: 'yaml' };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === '--sizes') options.sizes = (argv[++index] ?? '').split(',').map(parseSize);
    else if (argument === '--repeats') {
      options.repeats = Number(argv[++index]);
      if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new Error(`invalid --repeats value "${argv[index]}": expected a positive integer`);
    } else if (argument === '--quick') {
      options.sizes = [parseSize('1x1'), parseSize('10x3')];
      options.repeats = 1;
      options.plan = false;
      options.cdktfCli = false;
    } else if (argument === '--no-terraform') options.terraform = false;
    else if (argument === '--no-cdktf-cli') options.cdktfCli = false;
    else if (argument === '--profile') options.profile = true;
    else if (argument === '--json') options.manifestFormat = 'json';
    else throw new Error(`unknown option ${argument}`);
  }
  return options;
}

function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function loadAverage(): LoadAverage {
  const [oneMinute, fiveMinutes, fifteenMinutes] = os.loadavg();
  return { oneMinute, fiveMinutes, fifteenMinutes };
}

function compact(run: RepeatedRun): Measured {
  return {
    seconds: round(run.seconds, 3),
    minSeconds: round(Math.min(...run.runs.map((each) => each.seconds)), 3),
    maxRssMb: run.maxRssMb === undefined ? undefined : round(run.maxRssMb, 1),
    runs: run.runs.map((each) => round(each.seconds, 3)),
    failed: run.failed || undefined,
    stderr: run.runs.find((each) => each.exitCode !== 0)?.stderr,
  };
}

/** Resources per type over all stacks of a synthesized output. */
function resourcesByType(synthDir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const stacksDir = join(synthDir, 'stacks');
  for (const stack of readdirSync(stacksDir)) {
    const json = JSON.parse(readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
    for (const [type, byName] of Object.entries(json.resource ?? {})) counts[type] = (counts[type] ?? 0) + Object.keys(byName).length;
  }
  return counts;
}

function typeDifferences(app: Record<string, number>, baseline: Record<string, number>): string[] {
  const types = [...new Set([...Object.keys(app), ...Object.keys(baseline)])].sort();
  return types.filter((type) => app[type] !== baseline[type]).map((type) => `${type}: app ${app[type] ?? 0}, baseline ${baseline[type] ?? 0}`);
}

/** Lists the provider classes (`@cdktf/provider-aws/lib/...`) that the real app's source imports. */
function providerImports(): string[] {
  const specifiers = new Set<string>();
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (entry.name.endsWith('.ts')) for (const match of readFileSync(child, 'utf8').matchAll(/from '(@cdktf\/provider-aws\/lib\/[^']+)'/g)) specifiers.add(match[1]);
    }
  };
  visit(join(ROOT, 'stacks'));
  visit(join(ROOT, 'modules/constructs'));
  return [...specifiers].sort();
}

function stacksOf(synthDir: string): string[] {
  return readdirSync(join(synthDir, 'stacks')).sort();
}

async function repeat(times: number, measure: () => Promise<ProcessRun>): Promise<RepeatedRun> {
  const runs: ProcessRun[] = [];
  for (let index = 0; index < times; index++) runs.push(await measure());
  return summarize(runs);
}

/** Alternates two measurements so that a change in machine load affects both alike. */
async function interleave(times: number, first: () => Promise<ProcessRun>, second: () => Promise<ProcessRun>): Promise<[RepeatedRun, RepeatedRun]> {
  const firstRuns: ProcessRun[] = [];
  const secondRuns: ProcessRun[] = [];
  for (let index = 0; index < times; index++) {
    firstRuns.push(await first());
    secondRuns.push(await second());
  }
  return [summarize(firstRuns), summarize(secondRuns)];
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const startedAt = new Date();
  const host = machine();
  const loadBefore = loadAverage();
  log(`machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, node ${host.node}; load average ${loadBefore.oneMinute.toFixed(2)}`);

  const files = compileProject(ROOT, BUILD);
  log(`transpiled ${files} files into ${BUILD}`);
  const scratch = mkdtempSync(join(os.tmpdir(), 'ecs-access-bench-'));
  const node = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => () => runMeasured(process.execPath, [join(BUILD, script), ...args], { cwd: ROOT, env });
  const synthApp = (manifest: string, outdir: string) => node('main.js', [], { ECS_ACCESS_MANIFEST: manifest, CDKTF_OUTDIR: outdir });

  // The bundled example against a one-role app, compiled and through tsx as `npm run synth` runs it.
  log('bundled example against a one-role app');
  const exampleRepeats = Math.max(10, options.repeats);
  const exampleOut = join(scratch, 'example');
  const [example, oneRole] = await interleave(exampleRepeats, synthApp(EXAMPLE, exampleOut), node('bench/apps/one-role.js', [], { CDKTF_OUTDIR: join(scratch, 'one-role') }));
  const imports = providerImports();
  log(`one-role app loading the ${imports.length} provider classes the app imports`);
  const oneRoleWithImports = await repeat(exampleRepeats, node('bench/apps/one-role.js', [], { CDKTF_OUTDIR: join(scratch, 'one-role-imports'), BENCH_PRELOAD_MODULES: imports.join(',') }));
  const [exampleTsx, oneRoleTsx] = await interleave(
    exampleRepeats,
    () => runMeasured(TSX, ['main.ts'], { cwd: ROOT, env: { ECS_ACCESS_MANIFEST: EXAMPLE, CDKTF_OUTDIR: join(scratch, 'example-tsx') } }),
    () => runMeasured(TSX, ['bench/apps/one-role.ts'], { cwd: ROOT, env: { CDKTF_OUTDIR: join(scratch, 'one-role-tsx') } }),
  );

  const verifyScript = join(BUILD, 'scripts/verify.js');
  const verifyAvailable = existsSync(verifyScript);
  const timer = options.terraform ? new TerraformTimer(join(scratch, 'terraform')) : undefined;
  const largest = options.sizes.reduce((a, b) => (b.services * 100 + b.accounts > a.services * 100 + a.accounts ? b : a));

  const sizes: SizeResult[] = [];
  for (const size of options.sizes) {
    const name = label(size);
    const dir = join(scratch, name);
    const manifest = writeManifest(size, dir, options.manifestFormat);
    const appOut = join(dir, 'app');
    const baselineOut = join(dir, 'baseline');
    log(`${name}: synth and baseline, ${options.repeats} runs each`);
    const [synth, baseline] = await interleave(options.repeats, synthApp(manifest, appOut), node('bench/apps/baseline.js', [String(size.services), String(size.accounts)], { CDKTF_OUTDIR: baselineOut }));
    const synthOk = !synth.failed && existsSync(join(appOut, 'stacks'));
    const baselineOk = !baseline.failed && existsSync(join(baselineOut, 'stacks'));
    const appTypes = synthOk ? resourcesByType(appOut) : {};
    const baselineTypes = baselineOk ? resourcesByType(baselineOut) : {};
    const stacks = synthOk ? stacksOf(appOut) : [];
    const resourceCounts = synthOk ? Object.fromEntries(stacks.map((stack) => [stack, countResources(appOut, stack)])) : {};

    let verify: VerifyResult | 'not available' | 'not run' = verifyAvailable ? 'not run' : 'not available';
    if (verifyAvailable && synthOk) {
      log(`${name}: verify`);
      // Exit code 1 means verify ran and found problems, which the result records. Only 2 and above mean it failed to run.
      const run = await runMeasured(process.execPath, [verifyScript, appOut, '--manifest', manifest], { cwd: ROOT });
      verify = { ...compact(summarize([run])), passed: run.exitCode === 0, failed: run.exitCode > 1 || undefined, stderr: run.exitCode > 1 ? run.stderr : undefined };
    }

    const terraform: StackTiming[] = [];
    if (timer && synthOk) {
      // A sample: the shared stack and the workload stack with the most resources.
      const shared = stacks.find((stack) => stack.startsWith('shared-services'));
      const workloads = stacks.filter((stack) => stack !== shared).sort((a, b) => resourceCounts[b] - resourceCounts[a]);
      const sample = [...new Set([shared, workloads[0]].filter((stack): stack is string => stack !== undefined))];
      const plan = options.plan && size === largest;
      for (const stack of sample) {
        log(`${name}: terraform init, validate${plan ? ', plan' : ''} of ${stack} (${resourceCounts[stack]} resources)`);
        terraform.push(await timer.time(appOut, stack, { plan, label: name }));
      }
    }

    sizes.push({
      size: name,
      services: size.services,
      accounts: size.accounts,
      manifestBytes: readFileSync(manifest).length,
      stacks: stacks.length,
      resources: Object.values(appTypes).reduce((sum, count) => sum + count, 0),
      largestStackResources: Math.max(0, ...Object.values(resourceCounts)),
      synth: compact(synth),
      baseline: compact(baseline),
      ratio: round(synth.seconds / baseline.seconds, 2),
      baselineResources: Object.values(baselineTypes).reduce((sum, count) => sum + count, 0),
      baselineDifferences: synthOk && baselineOk ? typeDifferences(appTypes, baselineTypes) : undefined,
      verify,
      terraform,
    });
  }

  let cdktfCli: Measured | undefined;
  if (options.cdktfCli) {
    log('npx cdktf synth of the bundled example');
    cdktfCli = compact(summarize([await runMeasured('npx', ['cdktf', 'synth', '--output', join(scratch, 'cdktf-cli')], { cwd: ROOT, env: { CHECKPOINT_DISABLE: '1', CI: '1' } })]));
  }

  const profiles: NonNullable<BenchResult['profiles']>[number][] = [];
  if (options.profile) {
    const profileDir = join(RESULTS, 'profiles');
    mkdirSync(profileDir, { recursive: true });
    const targets = [
      { subject: 'bundled example', manifest: EXAMPLE },
      { subject: label(largest), manifest: join(scratch, label(largest), `landing-zone-${label(largest)}.${options.manifestFormat}`) },
    ];
    for (const { subject, manifest } of targets) {
      log(`${subject}: CPU profile of the synth`);
      const existing = new Set(readdirSync(profileDir));
      await runMeasured(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profileDir, join(BUILD, 'main.js')], {
        cwd: ROOT,
        env: { ECS_ACCESS_MANIFEST: manifest, CDKTF_OUTDIR: join(scratch, 'profiled') },
      });
      const file = readdirSync(profileDir).find((entry) => entry.endsWith('.cpuprofile') && !existing.has(entry));
      if (file) profiles.push({ subject, file: join(profileDir, file), ...summarizeProfile(join(profileDir, file), ROOT) });
    }
  }

  const exampleResult: BenchResult['example'] = {
    compiled: compact(example),
    oneRole: compact(oneRole),
    ratio: round(example.seconds / oneRole.seconds, 2),
    oneRoleWithProviderImports: { ...compact(oneRoleWithImports), modules: imports.length },
    tsx: { example: compact(exampleTsx), oneRole: compact(oneRoleTsx), ratio: round(exampleTsx.seconds / oneRoleTsx.seconds, 2) },
  };
  const result: BenchResult = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...host, loadAverageBefore: loadBefore, loadAverageAfter: loadAverage() },
    method: {
      runner: 'node on JavaScript transpiled per file by TypeScript transpileModule (no type-check); the example and one-role app are also timed through tsx',
      repeats: options.repeats,
      manifestFormat: options.manifestFormat,
      exampleRepeats,
      memory: 'peak RSS from process.resourceUsage().maxRSS of each Node process, the largest over runs',
      time: 'wall time of the whole process, median over runs',
    },
    example: exampleResult,
    sizes,
    cdktfCli,
    profiles,
    goals: evaluateGoals(exampleResult, sizes),
  };

  mkdirSync(RESULTS, { recursive: true });
  const output = join(RESULTS, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${formatReport(result)}\n\nresults: ${output}`);
  rmSync(scratch, { recursive: true, force: true });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
