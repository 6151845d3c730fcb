import { entityLabel, StackResolver } from './entities';
import { isRecord, SynthesizedStack, TerraformResource } from './synthesized';

/** The action Terraform would take on one resource, as far as the synthesized JSON shows. */
export interface ResourceChange {
  readonly action: 'create' | 'delete' | 'update' | 'replace';
  readonly type: string;
  /** Address in HEAD; in BASE for `delete`. */
  readonly address: string;
  /** Address in BASE when it differs from HEAD. */
  readonly previousAddress?: string;
  /** Readable name, such as `role my-app1-execution`. */
  readonly label: string;
  /** Changed attributes, and for a replacement what forces it. */
  readonly reasons: readonly string[];
  /** A role, KMS key, repository or secret is replaced or deleted: a new ARN or unique id, lost data or broken references elsewhere. */
  readonly critical: boolean;
}

/** Types whose replacement or deletion a report calls out. */
export const CRITICAL_TYPES: ReadonlySet<string> = new Set(['aws_iam_role', 'aws_kms_key', 'aws_ecr_repository', 'aws_secretsmanager_secret']);

/**
 * Arguments that force a new resource in hashicorp/aws 5.x (`ForceNew` in the provider schema),
 * for the types this project synthesizes. Types not listed are assumed to update in place.
 */
const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role: ['name', 'name_prefix', 'path'],
  aws_iam_role_policy: ['name', 'name_prefix', 'role'],
  aws_iam_policy: ['name', 'name_prefix', 'path', 'description'],
  aws_iam_role_policy_attachment: ['role', 'policy_arn'],
  aws_ecr_repository: ['name', 'encryption_configuration'],
  aws_ecr_repository_policy: ['repository'],
  aws_ecr_lifecycle_policy: ['repository'],
  aws_kms_key: ['customer_master_key_spec', 'key_usage', 'multi_region', 'custom_key_store_id', 'xks_key_id'],
  aws_kms_alias: ['name', 'name_prefix'],
  aws_secretsmanager_secret: ['name', 'name_prefix'],
  aws_secretsmanager_secret_policy: ['secret_arn'],
  aws_cloudwatch_log_group: ['name', 'name_prefix'],
  aws_ecs_cluster: ['name'],
};

// Every argument of a task definition except these creates a new revision.
const TASK_DEFINITION_IN_PLACE = new Set(['tags', 'tags_all', 'skip_destroy', 'track_latest']);

function forcesReplacement(type: string, attribute: string): boolean {
  if (type === 'aws_ecs_task_definition') return !TASK_DEFINITION_IN_PLACE.has(attribute);
  return FORCE_NEW[type]?.includes(attribute) ?? false;
}

/**
 * Compares the resources of one stack. A resource is replaced when a force-new argument changes
 * at the same address. It is also replaced when it reappears at another address without a
 * `moved` block, either with the same `name` or in the same place of the construct tree (one path
 * segment renamed, as renaming a service does). Terraform destroys and creates it in both cases.
 */
export function compareResources(base: SynthesizedStack | undefined, head: SynthesizedStack | undefined): ResourceChange[] {
  const baseResources = base?.resources ?? new Map<string, TerraformResource>();
  const headResources = head?.resources ?? new Map<string, TerraformResource>();
  const baseLabels = base ? new StackResolver(base) : undefined;
  const headLabels = head ? new StackResolver(head) : undefined;
  const changes: ResourceChange[] = [];

  const removed = [...baseResources.values()].filter((resource) => !headResources.has(resource.address));
  const added = [...headResources.values()].filter((resource) => !baseResources.has(resource.address));
  const pairs = pairMovedResources(removed, added, head?.moved ?? new Map());
  const paired = new Set<string>();

  for (const after of headResources.values()) {
    const pair = pairs.get(after.address);
    const before = baseResources.get(after.address) ?? pair?.before;
    if (!before) continue;
    paired.add(before.address);
    const label = labelOf(after, headLabels);
    const changed = changedAttributes(before, after);
    const forcing = changed.filter((attribute) => forcesReplacement(after.type, attribute));
    const addressChanged = before.address !== after.address;
    if (!addressChanged && changed.length === 0) continue;

    const reasons = changed.map((attribute) => describeAttribute(attribute, before, after, forcing.includes(attribute)));
    if (addressChanged) {
      reasons.unshift(pair?.moved ? `moved from ${before.address}` : `address changed from ${before.address} (no moved block)`);
    }
    const replace = forcing.length > 0 || (addressChanged && !pair?.moved);
    changes.push({
      action: replace ? 'replace' : 'update',
      type: after.type,
      address: after.address,
      previousAddress: addressChanged ? before.address : undefined,
      label: replace && labelOf(before, baseLabels) !== label ? `${labelOf(before, baseLabels)} → ${label}` : label,
      reasons,
      critical: replace && CRITICAL_TYPES.has(after.type),
    });
  }

  for (const resource of added) {
    if (pairs.has(resource.address)) continue;
    changes.push({ action: 'create', type: resource.type, address: resource.address, label: labelOf(resource, headLabels), reasons: [], critical: false });
  }
  for (const resource of removed) {
    if (paired.has(resource.address)) continue;
    changes.push({ action: 'delete', type: resource.type, address: resource.address, label: labelOf(resource, baseLabels), reasons: [], critical: CRITICAL_TYPES.has(resource.type) });
  }
  return changes.sort((a, b) => ACTION_ORDER.indexOf(a.action) - ACTION_ORDER.indexOf(b.action) || a.address.localeCompare(b.address));
}

const ACTION_ORDER: readonly ResourceChange['action'][] = ['replace', 'delete', 'create', 'update'];

function labelOf(resource: TerraformResource, resolver: StackResolver | undefined): string {
  const entity = resolver?.entityOf(resource);
  if (entity) return entityLabel(entity);
  const name = resource.attributes.name ?? resource.attributes.family;
  if (typeof name === 'string') return `${resource.type} ${name}`;
  // The construct path below the stack, such as `secret-new-token/policy`, reads better than the address.
  const path = resource.constructPath?.split('/').slice(1).join('/');
  return path ? `${resource.type} ${path}` : resource.address;
}

interface Pair {
  readonly before: TerraformResource;
  readonly moved: boolean;
}

/** Pairs resources that left one address and appeared at another, keyed by the HEAD address. */
function pairMovedResources(removed: TerraformResource[], added: TerraformResource[], moved: ReadonlyMap<string, string>): Map<string, Pair> {
  const pairs = new Map<string, Pair>();
  const taken = new Set<string>();
  const take = (before: TerraformResource, after: TerraformResource, isMoved: boolean): void => {
    pairs.set(after.address, { before, moved: isMoved });
    taken.add(before.address);
  };

  for (const before of removed) {
    const target = moved.get(before.address);
    const after = added.find((resource) => resource.address === target);
    if (after) take(before, after, true);
  }
  for (const before of removed) {
    if (taken.has(before.address) || typeof before.attributes.name !== 'string') continue;
    const matches = added.filter((after) => !pairs.has(after.address) && after.type === before.type && after.attributes.name === before.attributes.name);
    if (matches.length === 1) take(before, matches[0], false);
  }
  for (const before of removed) {
    if (taken.has(before.address)) continue;
    const matches = added.filter((after) => !pairs.has(after.address) && after.type === before.type && oneSegmentRenamed(before.constructPath, after.constructPath));
    const rivals = removed.filter((other) => !taken.has(other.address) && other.type === before.type && matches.length === 1 && oneSegmentRenamed(other.constructPath, matches[0].constructPath));
    if (matches.length === 1 && rivals.length === 1) take(before, matches[0], false);
  }
  return pairs;
}

/** True when two construct paths have the same depth and differ in exactly one segment other than the last. */
function oneSegmentRenamed(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const left = a.split('/');
  const right = b.split('/');
  if (left.length !== right.length) return false;
  const differing = left.map((segment, index) => segment !== right[index]).map((differs, index) => (differs ? index : -1)).filter((index) => index >= 0);
  return differing.length === 1 && differing[0] < left.length - 1;
}

function changedAttributes(before: TerraformResource, after: TerraformResource): string[] {
  const names = new Set([...Object.keys(before.attributes), ...Object.keys(after.attributes)]);
  return [...names].filter((name) => canonical(before.attributes[name]) !== canonical(after.attributes[name])).sort();
}

function describeAttribute(attribute: string, before: TerraformResource, after: TerraformResource, forcing: boolean): string {
  const from = before.attributes[attribute];
  const to = after.attributes[attribute];
  const short = (value: unknown): string => {
    const text = value === undefined ? 'unset' : JSON.stringify(value);
    return text.length > 60 ? 'changed' : text;
  };
  const shown = typeof from === 'string' && typeof to === 'string' && from.length <= 60 && to.length <= 60 ? `${short(from)} → ${short(to)}` : 'changed';
  if (before.type === 'aws_ecs_task_definition' && forcing) return `${attribute} ${shown} (new task definition revision)`;
  return `${attribute} ${shown}${forcing ? ' (forces replacement)' : ''}`;
}

/**
 * Stable text of an attribute value: object keys sorted, and JSON strings parsed. Inside IAM
 * policy documents Sids are dropped, single values become lists and lists are sorted, so
 * reordered statements or keys compare equal, as the AWS provider treats equivalent policies.
 */
export function canonical(value: unknown): string {
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    try {
      const parsed: unknown = JSON.parse(value);
      return `json:${stableStringify(isPolicyDocument(parsed) ? canonicalPolicy(parsed) : parsed)}`;
    } catch {
      return JSON.stringify(value);
    }
  }
  return stableStringify(value);
}

function isPolicyDocument(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && 'Statement' in value;
}

function canonicalPolicy(document: Record<string, unknown>): unknown {
  const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]).map((statement) => {
    if (!isRecord(statement)) return statement;
    const { Sid: _sid, ...rest } = statement;
    return sortLists(rest);
  });
  return { ...document, Statement: statements.sort((a, b) => stableStringify(a).localeCompare(stableStringify(b))) };
}

function sortLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortLists).sort((a, b) => stableStringify(a).localeCompare(stableStringify(b)));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, typeof item === 'string' ? [item] : sortLists(item)]));
  return value;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
