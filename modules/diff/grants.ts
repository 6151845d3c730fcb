import { parseArn } from '../core/arn';
import { Entity, entityKey, entityLabel, StackResolver, Subject } from './entities';
import { isRecord, SynthesizedStack, TerraformResource } from './synthesized';

/**
 * Where a policy is attached. Identity policies are on a role and resource policies on a
 * repository, key or secret. Trust policies name who may assume a role, and endpoint policies
 * limit the requests that pass a VPC endpoint.
 */
export type PolicyKind = 'identity' | 'resource' | 'trust' | 'endpoint';

/** One policy document found in a stack, with what it is attached to. */
export interface PolicySource {
  readonly kind: PolicyKind;
  readonly attachedTo: Subject;
  /** Address of the resource whose attribute contains the document, such as `aws_iam_role_policy.X`. */
  readonly address: string;
  readonly document: string;
}

/**
 * One condition test. Operators whose values are alternatives (`StringEquals`, `ArnLike`,
 * `ForAnyValue:*` ...) are split into one clause per value. Negated operators and
 * `ForAllValues:*` keep their whole value list, because for them more values do not mean more access.
 */
export interface ConditionClause {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** The smallest unit of access: one effect, principal, action and resource under one set of condition clauses. */
export interface Grant {
  /** Equality key: everything but Sids, statement grouping, ordering and the policy's attachment. */
  readonly key: string;
  readonly stack: string;
  readonly account?: string;
  readonly policy: PolicyKind;
  readonly attachedTo: Subject;
  readonly effect: 'Allow' | 'Deny';
  readonly principal: Subject;
  /** An action or pattern such as `ecr:BatchGetImage`, or `NotAction:a,b` for a NotAction statement. */
  readonly action: string;
  readonly resource: Subject;
  readonly conditions: readonly ConditionClause[];
}

/** Grants of one stack and the documents the diff could not read. */
export interface StackGrants {
  readonly grants: Map<string, Grant>;
  readonly warnings: string[];
}

// Past this many condition combinations per statement, multi-valued clauses stay whole.
const MAX_CONDITION_COMBINATIONS = 256;

// AWS attaches this policy to a VPC endpoint created without one, so removing a policy opens the endpoint.
const DEFAULT_ENDPOINT_POLICY = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] });

const PRINCIPAL_ARN_OPERATORS = new Set(['ArnEquals', 'ArnLike', 'StringEquals', 'StringLike']);

/** Expands every policy of a stack into atomic grants. */
export function stackGrants(stack: SynthesizedStack): StackGrants {
  const resolver = new StackResolver(stack);
  const grants = new Map<string, Grant>();
  const warnings: string[] = [];
  for (const source of policySources(resolver)) {
    let document: unknown;
    try {
      document = JSON.parse(source.document);
    } catch {
      warnings.push(`${stack.name}: ${source.address} holds a policy that is not literal JSON (${truncate(source.document)}); its grants are not compared.`);
      continue;
    }
    for (const statement of statementsOf(document)) {
      for (const grant of expandStatement(statement, source, resolver)) grants.set(grant.key, grant);
    }
  }
  return { grants, warnings };
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function statementsOf(document: unknown): Record<string, unknown>[] {
  if (!isRecord(document)) return [];
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statements.filter(isRecord);
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}

// ---------------------------------------------------------------------------------------------
// Where policies live

/** Lists every policy document of a stack with the role or resource it belongs to. */
export function policySources(resolver: StackResolver): PolicySource[] {
  const sources: PolicySource[] = [];
  const { stack } = resolver;
  const push = (kind: PolicyKind, attachedTo: Subject | undefined, resource: TerraformResource, document: unknown): void => {
    if (attachedTo && typeof document === 'string') sources.push({ kind, attachedTo, address: resource.address, document });
  };
  const entitySubject = (entity: Entity | undefined): Subject | undefined => (entity ? { key: entityKey(entity), label: entityLabel(entity), entity } : undefined);

  for (const resource of stack.resources.values()) {
    const { attributes } = resource;
    switch (resource.type) {
      case 'aws_iam_role': {
        const role = entitySubject(resolver.entityOf(resource));
        push('trust', role, resource, attributes.assume_role_policy);
        for (const inline of Array.isArray(attributes.inline_policy) ? attributes.inline_policy : []) {
          if (isRecord(inline)) push('identity', role, resource, inline.policy);
        }
        break;
      }
      case 'aws_iam_role_policy':
        push('identity', entitySubject(resolver.roleByAttribute(attributes.role)), resource, attributes.policy);
        break;
      case 'aws_iam_policy': {
        const roles = attachedRoles(resolver, resource);
        const holders = roles.length > 0 ? roles : [resolver.entityOf(resource)];
        for (const holder of holders) push('identity', entitySubject(holder), resource, attributes.policy);
        break;
      }
      case 'aws_ecr_repository_policy': {
        const target = resolver.referenced(attributes.repository);
        const repository = target
          ? resolver.entityOf(target)
          : typeof attributes.repository === 'string'
            ? { kind: 'repository' as const, name: attributes.repository, account: stack.account, region: stack.region }
            : undefined;
        push('resource', entitySubject(repository), resource, attributes.policy);
        break;
      }
      case 'aws_vpc_endpoint':
        push('endpoint', entitySubject(resolver.entityOf(resource)), resource, attributes.policy ?? DEFAULT_ENDPOINT_POLICY);
        break;
      case 'aws_kms_key':
      case 'aws_secretsmanager_secret':
        push('resource', entitySubject(resolver.entityOf(resource)), resource, attributes.policy);
        break;
      case 'aws_secretsmanager_secret_policy': {
        const secretArn = attributes.secret_arn;
        push('resource', typeof secretArn === 'string' ? resolver.subject(secretArn) : undefined, resource, attributes.policy);
        break;
      }
      default:
        break;
    }
  }
  return sources;
}

/** Roles a managed policy is attached to through `aws_iam_role_policy_attachment` or `aws_iam_policy_attachment`. */
function attachedRoles(resolver: StackResolver, policy: TerraformResource): Entity[] {
  const roles: Entity[] = [];
  for (const resource of resolver.stack.resources.values()) {
    const target = resolver.referenced(resource.attributes.policy_arn);
    if (target?.address !== policy.address) continue;
    if (resource.type === 'aws_iam_role_policy_attachment') {
      const role = resolver.roleByAttribute(resource.attributes.role);
      if (role) roles.push(role);
    }
    if (resource.type === 'aws_iam_policy_attachment') {
      for (const value of asList(resource.attributes.roles)) {
        const role = resolver.roleByAttribute(value);
        if (role) roles.push(role);
      }
    }
  }
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Statement expansion

function expandStatement(statement: Record<string, unknown>, source: PolicySource, resolver: StackResolver): Grant[] {
  const effect = statement.Effect === 'Deny' ? 'Deny' : 'Allow';
  const principals = principalsOf(statement, source, resolver);
  const actions = statement.NotAction !== undefined ? [`NotAction:${asList(statement.NotAction).sort().join(',')}`] : asList(statement.Action);
  const resources = resourcesOf(statement, source, resolver);
  const combinations = conditionCombinations(statement.Condition);

  const grants: Grant[] = [];
  for (const statedPrincipal of principals) {
    for (const stated of combinations) {
      const narrowed = narrowPrincipal(statedPrincipal, stated, resolver);
      if (!narrowed) continue;
      for (const action of actions) {
        for (const resource of resources) {
          const grant = {
            stack: resolver.stack.name,
            account: resolver.stack.account,
            policy: source.kind,
            attachedTo: source.attachedTo,
            effect,
            principal: narrowed.principal,
            action,
            resource,
            conditions: narrowed.clauses,
          } as const;
          grants.push({ ...grant, key: grantKey(grant) });
        }
      }
    }
  }
  return grants;
}

export function grantKey(grant: Omit<Grant, 'key' | 'stack' | 'account' | 'attachedTo'>): string {
  return [grant.policy, grant.effect, grant.principal.key, grant.action.toLowerCase(), grant.resource.key, grant.conditions.map(clauseKey).join('&')].join('|');
}

export function clauseKey(clause: ConditionClause): string {
  return `${clause.operator}:${clause.key.toLowerCase()}=${clause.values.join(',')}`;
}

function principalsOf(statement: Record<string, unknown>, source: PolicySource, resolver: StackResolver): Subject[] {
  // An identity policy applies to the role it is attached to, whatever Principal the statement contains.
  if (source.kind === 'identity') return [source.attachedTo];
  if (statement.NotPrincipal !== undefined) {
    const excluded = principalValues(statement.NotPrincipal, resolver).map((subject) => subject.key).sort();
    return [{ key: `NotPrincipal:${excluded.join(',')}`, label: `anyone except ${excluded.join(', ')}` }];
  }
  return principalValues(statement.Principal, resolver);
}

function principalValues(principal: unknown, resolver: StackResolver): Subject[] {
  if (principal === '*') return [resolver.subject('*')];
  if (!isRecord(principal)) return [];
  return Object.entries(principal).flatMap(([type, values]) => asList(values).map((value) => resolver.principalOfType(type, value)));
}

function resourcesOf(statement: Record<string, unknown>, source: PolicySource, resolver: StackResolver): Subject[] {
  if (statement.NotResource !== undefined) {
    const excluded = asList(statement.NotResource).sort();
    return [{ key: `NotResource:${excluded.join(',')}`, label: `every resource except ${excluded.join(', ')}` }];
  }
  const listed = asList(statement.Resource);
  // In resource and trust policies, a missing Resource or `*` means the resource the policy is attached to.
  if ((source.kind === 'resource' || source.kind === 'trust') && (listed.length === 0 || listed.every((value) => value === '*'))) return [source.attachedTo];
  return listed.map((value) => (value === '*' ? { key: '*', label: 'any resource (*)', value } : resolver.subject(value)));
}

function isDisjunctive(operator: string): boolean {
  return !operator.includes('Not') && !operator.startsWith('ForAllValues:');
}

/** Lists every combination of condition clauses a request may satisfy, or `[[]]` for a statement without conditions. */
function conditionCombinations(condition: unknown): ConditionClause[][] {
  if (!isRecord(condition)) return [[]];
  const groups: ConditionClause[][] = [];
  for (const [operator, tests] of Object.entries(condition)) {
    if (!isRecord(tests)) continue;
    for (const [key, raw] of Object.entries(tests)) {
      const values = [...new Set(asList(raw))].sort();
      groups.push(isDisjunctive(operator) ? values.map((value) => ({ operator, key, values: [value] })) : [{ operator, key, values }]);
    }
  }
  const count = groups.reduce((product, group) => product * Math.max(group.length, 1), 1);
  const alternatives = count > MAX_CONDITION_COMBINATIONS ? groups.map((group) => [mergeClauses(group)]) : groups;

  let combinations: ConditionClause[][] = [[]];
  for (const group of alternatives) {
    combinations = combinations.flatMap((combination) => group.map((clause) => [...combination, clause]));
  }
  return combinations.map((combination) => combination.sort((a, b) => clauseKey(a).localeCompare(clauseKey(b))));
}

function mergeClauses(group: ConditionClause[]): ConditionClause {
  return { operator: group[0].operator, key: group[0].key, values: group.flatMap((clause) => clause.values).sort() };
}

/**
 * Replaces an account principal by the exact role an `aws:PrincipalArn` condition names, and
 * drops combinations no request can satisfy (a role or `kms:CallerAccount` of another account
 * than the principal's). Resource policies here name the account root and pin the role by
 * condition, so this turns `account 222222222222 if aws:PrincipalArn = ...` into `role my-app1-execution`.
 */
function narrowPrincipal(principal: Subject, clauses: ConditionClause[], resolver: StackResolver): { principal: Subject; clauses: ConditionClause[] } | undefined {
  const kind = principal.entity?.kind;
  if (kind !== 'account' && kind !== 'anyone') return { principal, clauses };
  const account = kind === 'account' ? principal.entity?.name : undefined;

  for (const clause of clauses) {
    const key = clause.key.toLowerCase();
    if (account && clause.operator === 'StringEquals' && clause.values.length === 1 && (key === 'kms:calleraccount' || key === 'aws:principalaccount')) {
      if (clause.values[0] !== account) return undefined;
    }
  }

  const pinned = clauses.find((clause) => clause.key.toLowerCase() === 'aws:principalarn' && PRINCIPAL_ARN_OPERATORS.has(clause.operator) && clause.values.length === 1);
  if (!pinned) return { principal, clauses };
  const value = pinned.values[0];
  const arn = parseArn(value);
  if (account && arn && arn.account !== account) return undefined;
  if (value.includes('*') || value.includes('?')) return { principal, clauses };
  return { principal: resolver.subject(value), clauses: clauses.filter((clause) => clause !== pinned) };
}

export function formatClause(clause: ConditionClause): string {
  return `${clause.operator} ${clause.key} = ${clause.values.join(', ')}`;
}
