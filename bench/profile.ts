/**
 * Summarizes a V8 CPU profile (`node --cpu-prof`) by self time: the functions that used the
 * most, and the packages or project folders they belong to.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  readonly name: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly ProfileEntry[];
  readonly owners: readonly ProfileEntry[];
}

/** Returns the package (`cdktf`, `@cdktf/provider-aws`), project folder (`modules/core`) or V8 category that a script URL belongs to. */
export function ownerOf(url: string, functionName: string, root: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return '(node built-ins)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1];
  const local = relative(root, path);
  if (local.startsWith('..')) return path;
  const parts = local.replace(/^bench\/results\/build\//, '').split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : parts[0];
}

export function summarizeProfile(file: string, root: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByNode = new Map<number, number>();
  profile.samples.forEach((id, index) => selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));

  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  let totalMs = 0;
  for (const [id, ms] of selfByNode) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const owner = ownerOf(url, functionName, root);
    const name = `${functionName || '(anonymous)'} ${url ? `${owner}:${relative(root, url.replace(/^file:\/\//, '')).split('/').pop()}:${lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + ms);
    owners.set(owner, (owners.get(owner) ?? 0) + ms);
    totalMs += ms;
  }
  const rank = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs), percent: Math.round((selfMs / totalMs) * 1000) / 10 }));
  return { totalMs: Math.round(totalMs), functions: rank(functions), owners: rank(owners) };
}
