import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Resources = Record<string, Record<string, any>>;
type PolicyDocument = { Statement: any[] };

/** Copies a synthesized output folder, applies `edit` to one stack's resources and returns the copy. */
export function mutatedOutput(dir: string, stack: string, edit: (resources: Resources) => void): string {
  const copy = join(mkdtempSync(join(tmpdir(), 'explain-mutated-')), 'cdktf.out');
  cpSync(dir, copy, { recursive: true });
  const file = join(copy, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json.resource);
  writeFileSync(file, JSON.stringify(json, null, 2));
  return copy;
}

export function removeOutput(dir: string): void {
  rmSync(join(dir, '..'), { recursive: true, force: true });
}

/** Edits the policy JSON string of the one resource of `type` whose block matches. */
export function editPolicy(resources: Resources, type: string, matches: (block: any) => boolean, field: string, edit: (policy: PolicyDocument) => void): void {
  const blocks = Object.values(resources[type] ?? {}).filter(matches);
  if (blocks.length !== 1) throw new Error(`expected one ${type}, found ${blocks.length}`);
  const policy = JSON.parse(blocks[0][field]) as PolicyDocument;
  edit(policy);
  blocks[0][field] = JSON.stringify(policy);
}

export function withoutSid(sid: string): (policy: PolicyDocument) => void {
  return (policy) => {
    const before = policy.Statement.length;
    policy.Statement = policy.Statement.filter((statement) => statement.Sid !== sid);
    if (policy.Statement.length === before) throw new Error(`no statement ${sid}`);
  };
}
