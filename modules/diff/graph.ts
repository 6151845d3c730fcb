import { Entity, entityKey, entityLabel } from './entities';
import { Grant } from './grants';

export type EdgeStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/** One arrow of the access graph: a role reaching a repository, key, secret or another role. */
export interface AccessEdge {
  readonly from: Entity;
  readonly to: Entity;
  /** Short verbs for the actions, such as `pull`, `read`, `decrypt`. */
  readonly verbs: readonly string[];
  readonly status: EdgeStatus;
  /**
   * For an edge between two accounts, the policy side that is missing: cross-account access
   * needs both the role's identity policy and the resource policy, so such an edge grants nothing.
   */
  readonly missing?: 'identity policy' | 'resource policy';
}

export interface AccessGraph {
  /** Account id to the stacks synthesized for it, for subgraph titles. */
  readonly accounts: ReadonlyMap<string, readonly string[]>;
  readonly edges: readonly AccessEdge[];
}

const TARGET_KINDS = new Set(['repository', 'key', 'secret', 'role']);

const PULL_ACTIONS = new Set(['ecr:batchgetimage', 'ecr:getdownloadurlforlayer', 'ecr:batchchecklayeravailability']);

/** Returns a short verb for an edge label, or the action itself when it has none. */
function verbOf(action: string): string {
  const lower = action.toLowerCase();
  if (PULL_ACTIONS.has(lower)) return 'pull';
  if (lower === 'secretsmanager:getsecretvalue') return 'read';
  if (lower === 'kms:decrypt') return 'decrypt';
  if (lower === 'sts:assumerole') return 'assume';
  if (lower.startsWith('kms:') && lower !== 'kms:*') return 'administer';
  return action;
}

interface EdgeDraft {
  readonly from: Entity;
  readonly to: Entity;
  readonly verbs: Set<string>;
  readonly grants: Set<string>;
  readonly policies: Set<Grant['policy']>;
}

/**
 * Finds the node a grant reaches. A grant on every key of an account narrowed by a single
 * `kms:ResourceAliases` value is drawn to that key, because execution roles here reach keys
 * through aliases: key ids exist only after apply.
 */
function targetOf(grant: Grant): Entity | undefined {
  const entity = grant.resource.entity;
  if (!entity || !TARGET_KINDS.has(entity.kind)) return undefined;
  if (entity.kind === 'key' && entity.name === '*') {
    const alias = grant.conditions.find((clause) => clause.key.toLowerCase() === 'kms:resourcealiases' && clause.values.length === 1);
    if (alias) return { ...entity, name: alias.values[0].replace(/^alias\//, '') };
  }
  return entity;
}

function collectEdges(grants: Iterable<Grant>): Map<string, EdgeDraft> {
  const edges = new Map<string, EdgeDraft>();
  for (const grant of grants) {
    if (grant.effect !== 'Allow' || grant.principal.entity?.kind !== 'role') continue;
    const from = grant.principal.entity;
    const to = targetOf(grant);
    if (!to || entityKey(to) === entityKey(from)) continue;
    const key = `${entityKey(from)}->${entityKey(to)}`;
    const edge = edges.get(key) ?? { from, to, verbs: new Set<string>(), grants: new Set<string>(), policies: new Set<Grant['policy']>() };
    edge.policies.add(grant.policy);
    edge.verbs.add(verbOf(grant.action));
    edge.grants.add(`${grant.stack}|${grant.key}`);
    edges.set(key, edge);
  }
  return edges;
}

/** Builds the access graph of HEAD with each edge marked against BASE. */
export function buildAccessGraph(baseGrants: Iterable<Grant>, headGrants: Iterable<Grant>, accounts: ReadonlyMap<string, readonly string[]>): AccessGraph {
  const before = collectEdges(baseGrants);
  const after = collectEdges(headGrants);
  const edges: AccessEdge[] = [];
  for (const [key, edge] of after) {
    const old = before.get(key);
    const status: EdgeStatus = !old ? 'added' : sameSet(old.grants, edge.grants) ? 'unchanged' : 'changed';
    edges.push({ from: edge.from, to: edge.to, verbs: [...edge.verbs].sort(), status, missing: missingSide(edge) });
  }
  for (const [key, edge] of before) {
    if (!after.has(key)) edges.push({ from: edge.from, to: edge.to, verbs: [...edge.verbs].sort(), status: 'removed', missing: missingSide(edge) });
  }
  edges.sort((a, b) => `${entityKey(a.from)}>${entityKey(a.to)}`.localeCompare(`${entityKey(b.from)}>${entityKey(b.to)}`));
  return { accounts, edges };
}

function missingSide(edge: EdgeDraft): AccessEdge['missing'] {
  const { from, to } = edge;
  if (!from.account || !to.account || from.account === to.account) return undefined;
  if (!edge.policies.has('identity')) return 'identity policy';
  if (!edge.policies.has('resource')) return 'resource policy';
  return undefined;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

// ---------------------------------------------------------------------------------------------
// Mermaid

const EDGE_STYLES: Readonly<Record<EdgeStatus, string | undefined>> = {
  added: 'stroke:#1a7f37,stroke-width:3px',
  removed: 'stroke:#cf222e,stroke-width:2px,stroke-dasharray:6 4',
  changed: 'stroke:#bf8700,stroke-width:3px',
  unchanged: undefined,
};

/** Mermaid node ids allow letters, digits and underscores; anything else becomes `_`. */
export function sanitizeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Quotes a label for Mermaid: `"` has no escape inside quotes, so it becomes the `#quot;` entity. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/**
 * Renders the graph as a Mermaid `flowchart LR`: one subgraph per account, nodes for roles,
 * repositories, keys and secrets, and edges styled by status (added green, removed red and
 * dashed, changed amber).
 */
export function renderMermaid(graph: AccessGraph): string {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  const nodes = new Map<string, Entity>();
  const idOf = (entity: Entity): string => {
    const key = entityKey(entity);
    let id = ids.get(key);
    if (!id) {
      const stem = `${entity.kind}_${sanitizeId(entity.name)}_${entity.account ?? 'any'}`;
      id = stem;
      for (let suffix = 2; used.has(id); suffix++) id = `${stem}_${suffix}`;
      ids.set(key, id);
      used.add(id);
      nodes.set(key, entity);
    }
    return id;
  };
  for (const edge of graph.edges) {
    idOf(edge.from);
    idOf(edge.to);
  }

  const lines = ['flowchart LR'];
  const byAccount = new Map<string, Entity[]>();
  for (const entity of nodes.values()) {
    const account = entity.account ?? '';
    byAccount.set(account, [...(byAccount.get(account) ?? []), entity]);
  }
  for (const account of [...byAccount.keys()].sort()) {
    const members = byAccount.get(account) ?? [];
    const indent = account ? '    ' : '  ';
    if (account) {
      const stacks = graph.accounts.get(account) ?? [];
      lines.push(`  subgraph account_${sanitizeId(account)}[${quote(`account ${account}${stacks.length > 0 ? ` · ${stacks.join(', ')}` : ''}`)}]`);
    }
    for (const entity of members.sort((a, b) => entityLabel(a).localeCompare(entityLabel(b)))) {
      const label = entity.kind === 'key' && entity.name === '*' ? 'any key' : `${entity.kind} ${entity.name}`;
      lines.push(`${indent}${idOf(entity)}[${quote(label)}]`);
    }
    if (account) lines.push('  end');
  }

  const styles: string[] = [];
  graph.edges.forEach((edge, index) => {
    const notes = [edge.status === 'unchanged' ? '' : edge.status, edge.missing ? `no ${edge.missing}` : ''].filter(Boolean);
    const label = notes.length > 0 ? `${edge.verbs.join(', ')} (${notes.join(', ')})` : edge.verbs.join(', ');
    const arrow = edge.status === 'removed' ? '-.->' : '-->';
    lines.push(`  ${idOf(edge.from)} ${arrow}|${quote(label)}| ${idOf(edge.to)}`);
    const style = EDGE_STYLES[edge.status];
    if (style) styles.push(`  linkStyle ${index} ${style}`);
  });
  return [...lines, ...styles].join('\n');
}
