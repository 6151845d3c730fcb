import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManifestError, ManifestProblem } from '../../modules/core/errors';
import { parseManifestText } from '../../modules/manifest/load';
import { LandingZone } from '../../modules/manifest/model';
import { validateManifest } from '../../modules/manifest/validate';
import { synthesize } from '../../stacks/app';

export const EXAMPLE_MANIFEST = resolve(__dirname, '../../examples/landing-zone.yaml');

/** Returns the bundled example as a plain object, fresh on every call so tests can change it. */
export function exampleManifest(): any {
  return parseManifestText(readFileSync(EXAMPLE_MANIFEST, 'utf8'));
}

export type StackJson = { resource: Record<string, Record<string, any>>; provider: any; terraform: any };

export interface Synthesized {
  readonly zone: LandingZone;
  readonly dir: string;
  readonly stacks: Record<string, StackJson>;
}

/** Validates and synthesizes a manifest object into a fresh temporary folder and reads every stack back. */
export function synthManifest(manifest: unknown): Synthesized {
  const zone = validateManifest(manifest);
  const dir = mkdtempSync(join(tmpdir(), 'ecs-access-test-'));
  const out = join(dir, 'cdktf.out');
  synthesize(zone, out);
  const stacks: Record<string, StackJson> = {};
  for (const name of readdirSync(join(out, 'stacks'))) {
    stacks[name] = JSON.parse(readFileSync(join(out, 'stacks', name, 'cdk.tf.json'), 'utf8'));
  }
  return { zone, dir: out, stacks };
}

export function removeSynthesized(result: Synthesized): void {
  rmSync(resolve(result.dir, '..'), { recursive: true, force: true });
}

/** Returns all resources of one type in a stack, by logical id. */
export function resources(stack: StackJson, type: string): Record<string, any> {
  return stack.resource[type] ?? {};
}

/** Returns the one resource of a type that matches, and throws when there is not exactly one. */
export function findResource(stack: StackJson, type: string, predicate: (resource: any) => boolean): any {
  const matches = Object.values(resources(stack, type)).filter(predicate);
  if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length}`);
  return matches[0];
}

/** Parses a policy attribute, which the stacks hold as a JSON string. */
export function policyOf(resource: any, attribute = 'policy'): { Statement: any[] } {
  return JSON.parse(resource[attribute]);
}

export function statementBySid(policy: { Statement: any[] }, sid: string): any {
  const statement = policy.Statement.find((candidate) => candidate.Sid === sid);
  if (!statement) throw new Error(`no statement ${sid} in ${JSON.stringify(policy)}`);
  return statement;
}

/** Returns every problem `validateManifest` reports for a manifest, or none when it is valid. */
export function manifestProblems(manifest: unknown): readonly ManifestProblem[] {
  try {
    validateManifest(manifest);
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  return [];
}
