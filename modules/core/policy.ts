/**
 * Policy statements and documents as typed objects, rendered once to canonical JSON: keys in a
 * fixed order, actions and resources sorted and de-duplicated, and statements merged where the
 * merge cannot change what the document allows.
 */

export type Effect = 'Allow' | 'Deny';

/** Principals of a resource or trust policy; `'*'` means anyone and must be narrowed by conditions. */
export type Principals = '*' | { readonly AWS?: readonly string[]; readonly Service?: readonly string[]; readonly Federated?: readonly string[] };

/** Condition block: operator, then key, then the values; for example `{ StringEquals: { 'kms:ViaService': [...] } }`. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface Statement {
  /** Short PascalCase purpose, such as `PullAppImages`. */
  readonly sid: string;
  readonly effect?: Effect;
  readonly principals?: Principals;
  readonly actions: readonly string[];
  /** Omitted in ECR repository policies, which apply to the repository they are attached to. */
  readonly resources?: readonly string[];
  readonly conditions?: Conditions;
}

/** Kind of a policy document: identity policies name no principal, and resource and trust policies must. */
export type PolicyKind = 'identity' | 'resource' | 'trust';

export interface RenderedStatement {
  Sid: string;
  Effect: Effect;
  Principal?: '*' | Record<string, string[]>;
  Action: string[];
  Resource?: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

export interface RenderedPolicy {
  Version: '2012-10-17';
  Statement: RenderedStatement[];
}

const SID_PATTERN = /^[A-Za-z0-9]+$/;

/** Turns a manifest name such as `app-secrets` into the PascalCase part of a Sid, `AppSecrets`. */
export function sidFromName(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** Thrown for a statement that no AWS policy engine would accept; a bug in a caller, not in a manifest. */
export class PolicyShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyShapeError';
  }
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function canonicalConditions(conditions: Conditions | undefined): Record<string, Record<string, string[]>> | undefined {
  if (!conditions) return undefined;
  const result: Record<string, Record<string, string[]>> = {};
  for (const operator of Object.keys(conditions).sort()) {
    const keys = conditions[operator];
    const block: Record<string, string[]> = {};
    for (const key of Object.keys(keys).sort()) block[key] = sortedUnique(keys[key]);
    if (Object.keys(block).length > 0) result[operator] = block;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function canonicalPrincipals(principals: Principals | undefined): '*' | Record<string, string[]> | undefined {
  if (principals === undefined) return undefined;
  if (principals === '*') return '*';
  const result: Record<string, string[]> = {};
  for (const type of ['AWS', 'Federated', 'Service'] as const) {
    const values = principals[type];
    if (values && values.length > 0) result[type] = sortedUnique(values);
  }
  return result;
}

function checkStatement(statement: Statement, kind: PolicyKind): void {
  const where = `statement "${statement.sid}"`;
  if (!SID_PATTERN.test(statement.sid)) throw new PolicyShapeError(`${where}: a Sid has only letters and digits`);
  if (statement.actions.length === 0) throw new PolicyShapeError(`${where}: a statement needs at least one action`);
  if (statement.actions.some((action) => action.trim() === '')) throw new PolicyShapeError(`${where}: an action is empty`);
  if (statement.resources?.some((resource) => resource.trim() === '')) throw new PolicyShapeError(`${where}: a resource is empty`);
  if (kind === 'identity') {
    if (statement.principals !== undefined) throw new PolicyShapeError(`${where}: an identity policy names no principal`);
    if (!statement.resources || statement.resources.length === 0) throw new PolicyShapeError(`${where}: an identity policy statement needs a resource`);
  } else if (statement.principals === undefined) {
    throw new PolicyShapeError(`${where}: a ${kind} policy statement needs a principal`);
  }
}

/** Renders one statement in canonical form. */
export function renderStatement(statement: Statement): RenderedStatement {
  const rendered: RenderedStatement = { Sid: statement.sid, Effect: statement.effect ?? 'Allow', Action: sortedUnique(statement.actions) };
  const principal = canonicalPrincipals(statement.principals);
  if (principal !== undefined) rendered.Principal = principal;
  if (statement.resources !== undefined) rendered.Resource = sortedUnique(statement.resources);
  const condition = canonicalConditions(statement.conditions);
  if (condition !== undefined) rendered.Condition = condition;
  // Key order matters for stable JSON: rebuild in the order AWS documents.
  const ordered: RenderedStatement = { Sid: rendered.Sid, Effect: rendered.Effect } as RenderedStatement;
  if (rendered.Principal !== undefined) ordered.Principal = rendered.Principal;
  ordered.Action = rendered.Action;
  if (rendered.Resource !== undefined) ordered.Resource = rendered.Resource;
  if (rendered.Condition !== undefined) ordered.Condition = rendered.Condition;
  return ordered;
}

function scopeKey(statement: RenderedStatement): string {
  return JSON.stringify([statement.Effect, statement.Principal ?? null, statement.Condition ?? null]);
}

/**
 * Merges statements that share effect, principal and condition and also share either their
 * actions or their resources. Merging then only unions one list, so the grant stays the same.
 */
export function mergeStatements(statements: readonly RenderedStatement[]): RenderedStatement[] {
  const merged: RenderedStatement[] = [];
  for (const statement of statements) {
    const target = merged.find((candidate) => {
      if (scopeKey(candidate) !== scopeKey(statement)) return false;
      const sameActions = JSON.stringify(candidate.Action) === JSON.stringify(statement.Action);
      const sameResources = JSON.stringify(candidate.Resource ?? null) === JSON.stringify(statement.Resource ?? null);
      return sameActions || sameResources;
    });
    if (!target) {
      merged.push({ ...statement });
      continue;
    }
    target.Action = sortedUnique([...target.Action, ...statement.Action]);
    if (target.Resource !== undefined && statement.Resource !== undefined) {
      target.Resource = sortedUnique([...target.Resource, ...statement.Resource]);
    }
  }
  return merged;
}

/** A policy document of one kind; render it with `render()` or `toJson()`. */
export class PolicyDocument {
  readonly kind: PolicyKind;
  readonly statements: readonly Statement[];

  constructor(kind: PolicyKind, statements: readonly Statement[]) {
    this.kind = kind;
    this.statements = statements;
    for (const statement of statements) checkStatement(statement, kind);
    const sids = new Set<string>();
    for (const statement of statements) {
      if (sids.has(statement.sid)) throw new PolicyShapeError(`statement "${statement.sid}": Sids must be unique within a document`);
      sids.add(statement.sid);
    }
  }

  get isEmpty(): boolean {
    return this.statements.length === 0;
  }

  render(): RenderedPolicy {
    return { Version: '2012-10-17', Statement: mergeStatements(this.statements.map(renderStatement)) };
  }

  toJson(): string {
    return JSON.stringify(this.render());
  }

  /** Size as IAM counts it against its quotas: characters without white space. */
  get size(): number {
    return policySize(this.toJson());
  }
}

/** Counts characters the way IAM quotas do: white space outside and inside strings does not count. */
export function policySize(json: string): number {
  return json.replace(/\s/g, '').length;
}
