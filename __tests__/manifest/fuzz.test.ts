import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '../../modules/core/errors';
import { LandingZone } from '../../modules/manifest/model';
import { validateManifest } from '../../modules/manifest/validate';
import { synthesize } from '../../stacks/app';
import { parseManifestText } from '../../modules/manifest/load';
import { Json, JsonObject, exampleText, loadExample } from '../fixtures/manifests/example';

/**
 * Mutates the bundled example thousands of times and checks that each result either synthesizes
 * or fails with a ManifestError, never another exception, and that a failed synthesis leaves the
 * output folder as it was. Reproduce a failure with the printed seed:
 * `FUZZ_SEED=<seed> FUZZ_RUNS=<runs> npx jest __tests__/manifest/fuzz.test.ts`.
 * `FUZZ_SYNTH_EVERY=1` synthesizes every valid case instead of a sample.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SYNTH_EVERY = Number(process.env.FUZZ_SYNTH_EVERY ?? 25);
const TEXT_RUNS = Number(process.env.FUZZ_TEXT_RUNS ?? 300);

/** mulberry32: a small seeded generator, so every run with one seed makes the same mutations. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];

const REPLACEMENTS: readonly Json[] = [
  '',
  ' ',
  'x',
  'X-Y',
  '*',
  's3:*',
  '/',
  'a/b',
  'arn:aws:iam::111111111111:role/x',
  'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x-AbCdEf',
  'arn:aws:ssm:eu-west-1:222222222222:parameter/x',
  '111111111111',
  '1111111111111',
  'eu-west-1',
  'cn-north-1',
  'us-gov-west-1',
  'nginx',
  'nginx:1.27',
  `nginx@sha256:${'b'.repeat(64)}`,
  'AKIAIOSFODNN7EXAMPLE',
  'x'.repeat(300),
  0,
  -1,
  1,
  7,
  1.5,
  512,
  65536,
  1e12,
  true,
  false,
  null,
  [],
  {},
  ['x'],
  [''],
  { x: 'y' },
];

const STRING_EDITS: readonly ((value: string) => string)[] = [
  (value) => `${value}-abc123`,
  (value) => value.toUpperCase(),
  (value) => `/${value}`,
  (value) => `${value}*`,
  (value) => value.slice(0, Math.floor(value.length / 2)),
  (value) => `${value}:extra`,
  (value) => ` ${value}`,
  (value) => value.replace(/1/g, '9'),
  (value) => value.replace('eu-west-1', 'eu-central-1'),
  (value) => value.replace('amazonaws.com', 'amazonaws.com.cn'),
];

/** Keys that differ from `key` in the ways AWS names and derived identifiers are compared: case, punctuation, `/`. */
function keyVariants(key: string): string[] {
  return [key.toUpperCase(), `${key}-copy`, key.replace(/-/g, '_'), key.replace(/-/g, ''), key.replace(/\//g, '--'), key.replace(/-/g, '/'), `${key}2`, `${key}-abc123`];
}

function allPaths(value: Json, path: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    const entries: [string | number, Json][] = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (const [key, child] of entries) {
      out.push([...path, key]);
      allPaths(child, [...path, key], out);
    }
  }
  return out;
}

function parentOf(root: Json, path: Path): { parent: Record<string | number, Json> | Json[]; key: string | number } | undefined {
  let current: Json = root;
  for (const key of path.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, Json>)[key];
  }
  if (current === null || typeof current !== 'object') return undefined;
  return { parent: current as Record<string | number, Json>, key: path.at(-1)! };
}

function read(root: Json, path: Path): Json | undefined {
  const found = parentOf(root, path);
  return found ? (found.parent as Record<string | number, Json>)[found.key] : undefined;
}

function write(root: Json, path: Path, value: Json): void {
  const found = parentOf(root, path);
  if (found) (found.parent as Record<string | number, Json>)[found.key] = value;
}

function clone<T extends Json>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Number of copies an inflated list gets: enough to overflow every policy quota. */
const INFLATED_LENGTH = 3000;

/**
 * Applies one random mutation and returns a description of it for the failure message. One in
 * fifty inflates a list of strings, which passes validation but overflows a policy at synthesis,
 * so the fuzzing also exercises failures inside `synthesize`.
 */
function mutate(manifest: JsonObject, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const paths = allPaths(manifest);
  if (random() < 0.02) {
    const lists = paths.filter((candidate) => {
      const value = read(manifest, candidate);
      return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
    });
    const list = pick(lists);
    const items = read(manifest, list) as string[];
    write(manifest, list, Array.from({ length: INFLATED_LENGTH }, (_, index) => `${items[index % items.length]}-${index}`));
    return `inflate ${list.join('.')} to ${INFLATED_LENGTH} items`;
  }
  const path = pick(paths);
  const where = path.join('.');
  const current = read(manifest, path) as Json;
  const kind = pick(['drop', 'retype', 'duplicate', 'rename', 'swap', 'edit-string'] as const);

  switch (kind) {
    case 'drop': {
      const found = parentOf(manifest, path)!;
      if (Array.isArray(found.parent)) found.parent.splice(Number(found.key), 1);
      else delete (found.parent as Record<string, Json>)[found.key];
      return `drop ${where}`;
    }
    case 'retype': {
      const value = pick(REPLACEMENTS);
      write(manifest, path, clone(value));
      return `set ${where} = ${JSON.stringify(value).slice(0, 60)}`;
    }
    case 'duplicate': {
      const found = parentOf(manifest, path)!;
      if (Array.isArray(found.parent)) {
        found.parent.push(clone(current));
        return `duplicate ${where} at the end of its list`;
      }
      const key = String(found.key);
      const copyKey = pick(keyVariants(key));
      const copy = clone(current);
      // Without its alias a copied account or key gets a fresh one, so the copy reaches the rules on derived names.
      if (copy !== null && typeof copy === 'object' && !Array.isArray(copy) && pick([true, false])) delete copy.alias;
      (found.parent as Record<string, Json>)[copyKey] = copy;
      return `duplicate ${where} as ${copyKey}`;
    }
    case 'rename': {
      const found = parentOf(manifest, path)!;
      if (Array.isArray(found.parent)) return `rename ${where} (a list item, no change)`;
      const newKey = pick(keyVariants(String(found.key)));
      delete (found.parent as Record<string, Json>)[found.key];
      (found.parent as Record<string, Json>)[newKey] = current;
      return `rename ${where} to ${newKey}`;
    }
    case 'swap': {
      const other = pick(paths);
      const otherValue = read(manifest, other) as Json;
      if (other.join('.').startsWith(where) || where.startsWith(other.join('.'))) return `swap ${where} with itself (no change)`;
      write(manifest, path, clone(otherValue));
      write(manifest, other, clone(current));
      return `swap ${where} with ${other.join('.')}`;
    }
    case 'edit-string': {
      if (typeof current !== 'string') return `edit ${where} (not a string, no change)`;
      const edited = pick(STRING_EDITS)(current);
      write(manifest, path, edited);
      return `set ${where} = ${JSON.stringify(edited).slice(0, 60)}`;
    }
  }
}

/** Hashes every file under a folder, so a failed synthesis can be shown to leave it untouched. */
function fingerprint(folder: string): string {
  const hash = createHash('sha256');
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const full = join(current, entry);
      hash.update(full);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(readFileSync(full));
    }
  };
  if (existsSync(folder)) walk(folder);
  return hash.digest('hex');
}

describe('manifest fuzzing', () => {
  let workdir: string;

  beforeAll(() => {
    workdir = mkdtempSync(join(tmpdir(), 'manifest-fuzz-'));
  });

  afterAll(() => {
    rmSync(workdir, { recursive: true, force: true });
  });

  test('mutations never escape ManifestError', () => {
    const random = generator(SEED);
    const example = loadExample();
    const outdir = join(workdir, 'cdktf.out');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'marker.txt'), 'output from an earlier synthesis');

    const counts = { rejected: 0, valid: 0, synthesized: 0, rejectedAtSynth: 0 };
    const started = Date.now();
    for (let run = 0; run < RUNS; run += 1) {
      const manifest = clone(example);
      const mutations: string[] = [];
      const count = 1 + Math.floor(random() * 3);
      for (let index = 0; index < count; index += 1) mutations.push(mutate(manifest, random));
      const context = () => `seed ${SEED}, run ${run}: ${mutations.join('; ')}`;

      let zone: LandingZone;
      try {
        zone = validateManifest(manifest);
      } catch (error) {
        if (!(error instanceof ManifestError)) throw new Error(`validation threw ${String(error)} (${context()})\n${(error as Error).stack}`);
        counts.rejected += 1;
        continue;
      }
      counts.valid += 1;
      const inflated = mutations.some((mutation) => mutation.startsWith('inflate'));
      if (counts.valid % SYNTH_EVERY !== 0 && !inflated) continue;

      const before = fingerprint(outdir);
      try {
        synthesize(zone, outdir);
        counts.synthesized += 1;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw new Error(`synthesis threw ${String(error)} (${context()})\n${(error as Error).stack}`);
        counts.rejectedAtSynth += 1;
        if (fingerprint(outdir) !== before) throw new Error(`a failed synthesis changed ${outdir} (${context()})`);
      }
      const leftovers = readdirSync(workdir).filter((entry) => entry !== 'cdktf.out');
      if (leftovers.length > 0) throw new Error(`synthesis left ${leftovers.join(', ')} beside the output (${context()})`);
    }

    // Printed so each run reports its runtime and how many cases ended each way.
    process.stdout.write(`fuzz seed ${SEED}: ${RUNS} runs in ${Date.now() - started} ms, ${JSON.stringify(counts)}\n`);
    expect(counts.rejected + counts.valid).toBe(RUNS);
    expect(counts.rejected).toBeGreaterThan(0);
    expect(counts.synthesized).toBeGreaterThan(0);
    expect(counts.rejectedAtSynth).toBeGreaterThan(0);
  });

  test('text edits never escape ManifestError', async () => {
    // The YAML library reports some oddities with process.emitWarning, which would reach the user's console.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const random = generator(SEED);
    const text = exampleText();
    const snippets = ['', ':', '- ', '  ', '\n', '"', "'", '{', '[', '&a ', '*a', '!!binary ', '? ', '#', '\t', '|', '%YAML 1.1\n'];
    let rejected = 0;
    for (let run = 0; run < TEXT_RUNS; run += 1) {
      let edited = text;
      const edits: string[] = [];
      for (let index = 0; index < 1 + Math.floor(random() * 3); index += 1) {
        const at = Math.floor(random() * edited.length);
        const length = Math.floor(random() * 4);
        const insert = snippets[Math.floor(random() * snippets.length)];
        edits.push(`replace ${length} characters at ${at} with ${JSON.stringify(insert)}`);
        edited = edited.slice(0, at) + insert + edited.slice(at + length);
      }
      try {
        validateManifest(parseManifestText(edited));
      } catch (error) {
        if (!(error instanceof ManifestError)) throw new Error(`threw ${String(error)} (seed ${SEED}, run ${run}: ${edits.join('; ')})\n${(error as Error).stack}`);
        rejected += 1;
      }
    }
    // Node emits warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
    expect(rejected).toBeGreaterThan(0);
  });
});
