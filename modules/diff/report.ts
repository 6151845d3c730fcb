import { AccessChange, compareGrants } from './compare-grants';
import { compareResources, ResourceChange } from './compare-resources';
import { AccessGraph, buildAccessGraph } from './graph';
import { Grant, stackGrants } from './grants';
import { loadSynthesizedOutput, SynthesizedStack } from './synthesized';

export interface StackDiff {
  readonly name: string;
  readonly account?: string;
  readonly region?: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly resources: readonly ResourceChange[];
  readonly access: readonly AccessChange[];
}

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  readonly stacks: readonly StackDiff[];
  /** Access changes that allow something BASE did not. */
  readonly broadening: number;
  readonly narrowing: number;
  readonly broadens: boolean;
  /** Replacements and deletions of roles, keys, repositories and secrets. */
  readonly critical: readonly ResourceChange[];
  /** One line, such as `Broadens access: 3 grants added or widened in 2 accounts`. */
  readonly verdict: string;
  readonly graph: AccessGraph;
  /** Policies the diff could not read, such as a document that is a reference to a data source. */
  readonly warnings: readonly string[];
}

/** Compares two synthesized output folders (each with `stacks/<stack>/cdk.tf.json`) stack by stack. */
export function diffSynthesizedOutputs(baseDir: string, headDir: string): DiffReport {
  return diffStacks(loadSynthesizedOutput(baseDir), loadSynthesizedOutput(headDir), { base: baseDir, head: headDir });
}

/** Compares two sets of stacks already loaded; `names` label BASE and HEAD in the report. */
export function diffStacks(base: ReadonlyMap<string, SynthesizedStack>, head: ReadonlyMap<string, SynthesizedStack>, names: { base: string; head: string }): DiffReport {
  const stacks: StackDiff[] = [];
  const warnings: string[] = [];
  const baseGrants: Grant[] = [];
  const headGrants: Grant[] = [];

  for (const name of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const before = base.get(name);
    const after = head.get(name);
    const beforeGrants = before ? stackGrants(before) : { grants: new Map<string, Grant>(), warnings: [] };
    const afterGrants = after ? stackGrants(after) : { grants: new Map<string, Grant>(), warnings: [] };
    warnings.push(...afterGrants.warnings, ...beforeGrants.warnings.filter((warning) => !afterGrants.warnings.includes(warning)));
    baseGrants.push(...beforeGrants.grants.values());
    headGrants.push(...afterGrants.grants.values());

    const resources = compareResources(before, after);
    const access = compareGrants(beforeGrants.grants, afterGrants.grants);
    const stack = after ?? before;
    stacks.push({ name, account: stack?.account, region: stack?.region, status: stackStatus(before, after, resources.length + access.length), resources, access });
  }

  const accounts = new Map<string, string[]>();
  for (const stack of [...head.values(), ...base.values()]) {
    if (!stack.account) continue;
    const list = accounts.get(stack.account) ?? [];
    if (!list.includes(stack.name)) list.push(stack.name);
    accounts.set(stack.account, list);
  }

  const changes = stacks.flatMap((stack) => stack.access.map((change) => ({ stack, change })));
  const broadening = changes.filter(({ change }) => change.direction === 'broadening');
  const narrowing = changes.filter(({ change }) => change.direction === 'narrowing');
  const critical = stacks.flatMap((stack) => stack.resources.filter((change) => change.critical));
  return {
    base: names.base,
    head: names.head,
    stacks,
    broadening: broadening.length,
    narrowing: narrowing.length,
    broadens: broadening.length > 0,
    critical,
    verdict: verdict(stacks, broadening, narrowing),
    graph: buildAccessGraph(baseGrants, headGrants, accounts),
    warnings,
  };
}

function stackStatus(before: SynthesizedStack | undefined, after: SynthesizedStack | undefined, changeCount: number): StackDiff['status'] {
  if (!before) return 'added';
  if (!after) return 'removed';
  return changeCount > 0 ? 'changed' : 'unchanged';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function accountCount(changes: readonly { stack: StackDiff }[]): number {
  return new Set(changes.map(({ stack }) => stack.account ?? stack.name)).size;
}

function verdict(stacks: readonly StackDiff[], broadening: readonly { stack: StackDiff }[], narrowing: readonly { stack: StackDiff }[]): string {
  if (broadening.length > 0) {
    const also = narrowing.length > 0 ? `; ${plural(narrowing.length, 'grant')} removed or narrowed` : '';
    return `Broadens access: ${plural(broadening.length, 'grant')} added or widened in ${plural(accountCount(broadening), 'account')}${also}`;
  }
  if (narrowing.length > 0) {
    return `Narrows access: ${plural(narrowing.length, 'grant')} removed or narrowed in ${plural(accountCount(narrowing), 'account')}`;
  }
  const resources = stacks.flatMap((stack) => stack.resources);
  if (resources.length > 0) {
    const counts = (['create', 'delete', 'replace', 'update'] as const)
      .map((action) => ({ action, count: resources.filter((change) => change.action === action).length }))
      .filter(({ count }) => count > 0)
      .map(({ action, count }) => `${count} to ${action}`);
    return `No access change: resources ${counts.join(', ')}`;
  }
  return `No change: ${plural(stacks.length, 'stack')} identical`;
}
