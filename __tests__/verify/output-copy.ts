import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadManifest } from '../../modules/manifest/load';
import { LandingZone } from '../../modules/manifest/model';
import { synthesize } from '../../stacks/app';

export const EXAMPLE_MANIFEST = resolve(__dirname, '../../examples/landing-zone.yaml');

export interface SynthesizedExample {
  readonly zone: LandingZone;
  /** The `cdktf.out` folder. */
  readonly dir: string;
  /** The temporary folder that contains it, removed by `remove`. */
  readonly root: string;
}

/** Synthesizes the bundled example into a fresh temporary folder. */
export function synthesizeExample(): SynthesizedExample {
  const zone = loadManifest(EXAMPLE_MANIFEST);
  const root = mkdtempSync(join(tmpdir(), 'verify-test-'));
  const dir = join(root, 'cdktf.out');
  synthesize(zone, dir);
  return { zone, dir, root };
}

export function remove(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}

export type StackJson = { resource: Record<string, Record<string, any>> };

/** Copies an output folder and applies `change` to one stack's JSON in the copy; returns the copy's folder. */
export function mutatedCopy(source: string, stack: string, change: (json: StackJson) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'verify-mutant-'));
  const dir = join(root, 'cdktf.out');
  cpSync(source, dir, { recursive: true });
  const file = join(dir, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
  change(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
  return dir;
}

/** Finds the one resource of a type whose logical id contains `idPart`, and throws unless there is exactly one. */
export function resourceNamed(json: StackJson, type: string, idPart: string): { id: string; block: any } {
  const matches = Object.entries(json.resource[type] ?? {}).filter(([id]) => id.includes(idPart));
  if (matches.length !== 1) throw new Error(`expected one ${type} with "${idPart}" in its id, found ${matches.length}`);
  return { id: matches[0][0], block: matches[0][1] };
}

/** Parses the JSON policy in `block[field]`, lets `change` edit it, and writes it back. */
export function editPolicy(block: any, field: string, change: (policy: any) => void): void {
  const policy = JSON.parse(block[field]);
  change(policy);
  block[field] = JSON.stringify(policy);
}

/** Finds the statement with a given Sid, and throws when there is none. */
export function statementWithSid(policy: any, sid: string): any {
  const statement = policy.Statement.find((candidate: any) => candidate.Sid === sid);
  if (!statement) throw new Error(`no statement with Sid ${sid}`);
  return statement;
}
