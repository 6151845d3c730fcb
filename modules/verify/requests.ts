/**
 * Derives the requests to evaluate from the synthesized output: what each task's start-up must be
 * allowed to do, and probes that must be denied.
 */
import { ECR_AUTH_ACTIONS, ECR_PULL_ACTIONS, KMS_DECRYPT_ACTIONS, LOGS_WRITE_ACTIONS, PARAMETER_READ_ACTIONS, SECRET_READ_ACTIONS } from '../core/actions';
import { Partition, ResourceEnv, SECRET_SUFFIX, formatArn, parseArn, parseImageUri, parseSecretArn, roleArn, secretArn, serviceEndpoint, ssmParameterArn } from '../core/arn';
import { KeyReference, VerifyFacts } from './facts';
import { Finding } from './findings';
import { KeyModel, OutputPolicy, RoleModel, SYMBOLIC_SECRET_SUFFIX, StatementJson, SynthesizedOutput, TaskDefinitionModel } from './output';

/** The policy side that must deny a probe on its own, so one policy's mistake is caught even when the other side still denies. */
export type PolicySide = 'identity' | 'resource';

export interface AccessRequest {
  readonly expected: 'allow' | 'deny';
  /** Why the request is made or probed, for the matrix: `my-app1 app pulls its image`. */
  readonly purpose: string;
  readonly principal: string;
  /** Identity policies of the principal; synthetic ones for probe principals. */
  readonly identityPolicies: readonly IdentityPolicyInput[];
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /** The resource policy, or undefined when the resource has none or is not in the output. */
  readonly resourcePolicy?: OutputPolicy;
  /** True when the resource is not created in the output, so its resource policy is unknown and only the identity side is evaluated. */
  readonly resourceOutside: boolean;
  readonly context: Readonly<Record<string, string | string[]>>;
  /** For a probe: the sides that must deny on their own. Empty for requests that must be allowed. */
  readonly guards: readonly PolicySide[];
  /** Family of the task definition the request was derived from, which is the ECS service name. */
  readonly task?: string;
}

export interface IdentityPolicyInput {
  readonly label: string;
  readonly document: unknown;
}

/** A synthetic identity policy for probe principals: everything is allowed, so only the resource policy can stop them. */
export const ALLOW_EVERYTHING: IdentityPolicyInput = {
  label: 'probe:allow-everything',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/** Account and organization of the outside principal; neither belongs to any landing zone. */
export const OUTSIDE_ACCOUNT = '999999999999';
export const OUTSIDE_ORGANIZATION = 'o-outside0000';
const TASK_ID = '0123456789abcdef0123456789abcdef';

/** The service principal that assumes both roles when a task starts. */
const ECS_TASKS_PRINCIPAL = 'ecs-tasks.amazonaws.com';

/** Returns the account of a principal or resource ARN, or undefined when the ARN has none (such as S3). */
function accountOf(arn: string): string | undefined {
  const account = parseArn(arn)?.account;
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

function principalContext(principal: string, organizationId: string | undefined): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': accountOf(principal) ?? '' };
  if (organizationId) context['aws:PrincipalOrgID'] = organizationId;
  return context;
}

function identityPolicies(role: RoleModel): IdentityPolicyInput[] {
  return role.policies.filter((policy) => policy.document).map((policy) => ({ label: policy.label, document: policy.document }));
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A resource reached by a start-up request, with the resource policy that guards it. */
interface Target {
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly resourcePolicy?: OutputPolicy;
  readonly resourceOutside: boolean;
  readonly context: Record<string, string | string[]>;
  readonly purpose: string;
  /** For `kms:Decrypt`: the key and the service endpoint that decrypts. */
  readonly decrypt?: { key: KeyModel; via: string };
  /** For `secretsmanager:GetSecretValue`: name and environment, to probe a secret that shares the name's prefix. */
  readonly secret?: { name: string; region: string; account: string; partition: Partition };
}

/** Everything the requests of one output need to look up. */
class Lookup {
  constructor(
    readonly output: SynthesizedOutput,
    readonly facts: VerifyFacts,
    readonly findings: Finding[],
  ) {}

  role(arn: string | undefined): RoleModel | undefined {
    return arn ? this.output.roles.find((role) => role.arn === arn) : undefined;
  }

  keyByArn(arn: string): KeyModel | undefined {
    return this.output.keys.find((key) => key.arn === arn || key.aliases.some((alias) => formatArn({ ...key.env, service: 'kms', resource: alias }) === arn));
  }

  keyByAlias(env: { account: string; region: string }, alias: string): KeyModel | undefined {
    return this.output.keys.find((key) => key.env.account === env.account && key.env.region === env.region && key.aliases.includes(alias));
  }

  /** Finds a key the manifest names: created in the output and found by alias, or an existing key outside it. */
  keyOf(reference: KeyReference | undefined): KeyModel | undefined {
    if (!reference) return undefined;
    if (reference.existingArn) return this.keyByArn(reference.existingArn) ?? outsideKey(reference.existingArn);
    return this.keyByAlias(reference.env, reference.alias);
  }

  /** Finds the resource policy of a repository, secret or key in the output; `found` is false for any other resource. */
  resourcePolicyOf(arn: string): { policy?: OutputPolicy; found: boolean } {
    const repository = this.output.repositories.find((candidate) => candidate.arn === arn);
    if (repository) return { policy: repository.policy, found: true };
    const secret = this.output.secrets.find((candidate) => candidate.arn === arn);
    if (secret) return { policy: secret.policy, found: true };
    const key = this.keyByArn(arn);
    if (key) return { policy: key.policy, found: true };
    return { found: false };
  }
}

/** Returns the requests one task definition's start-up makes as its execution role. */
function startUpTargets(task: TaskDefinitionModel, lookup: Lookup): Target[] {
  const env = task.stack.env;
  const targets: Target[] = [];
  const seen = new Set<string>();
  const add = (target: Target) => {
    const id = `${target.action} ${target.resource} ${JSON.stringify(target.context)}`;
    if (seen.has(id)) return;
    seen.add(id);
    targets.push(target);
  };

  const decryptTargets = (key: KeyModel | undefined, service: 'secretsmanager' | 'ssm', region: string, purpose: string) => {
    if (!key) return;
    const via = serviceEndpoint(service, region, key.env.partition);
    for (const action of KMS_DECRYPT_ACTIONS) {
      add({
        action,
        resource: key.arn,
        resourceAccount: key.env.account,
        resourcePolicy: key.policy,
        // A key the output does not create has a key policy verify cannot see.
        resourceOutside: key.outside === true,
        context: { 'kms:ViaService': via, 'kms:CallerAccount': env.account, 'kms:ResourceAliases': [...key.aliases] },
        purpose,
        decrypt: { key, via },
      });
    }
  };

  const secretTargets = (valueFrom: string, purpose: string) => {
    const createdHere = lookup.output.secrets.find((secret) => {
      const parsed = parseSecretArn(valueFrom, false);
      if ('error' in parsed) return false;
      // An existing secret is named by its complete ARN, so its name in valueFrom carries the suffix.
      if (secret.existing) return secretArn(parsed) === secret.arn;
      return parsed.env.account === secret.env.account && parsed.env.region === secret.env.region && parsed.name === secret.name;
    });
    let arn: string;
    let keyModel: KeyModel | undefined;
    let name: string;
    let secretEnv: ResourceEnv;
    if (createdHere) {
      arn = createdHere.arn;
      name = createdHere.name;
      secretEnv = createdHere.env;
      keyModel = createdHere.kmsKeyArn ? (lookup.keyByArn(createdHere.kmsKeyArn) ?? outsideKey(createdHere.kmsKeyArn)) : undefined;
      if (createdHere.existing) {
        const keyReference = lookup.facts.externalSecretKeys.get(`${createdHere.env.account}:${createdHere.name}`);
        keyModel = lookup.keyOf(keyReference);
      } else if (!createdHere.kmsKeyArn && createdHere.env.account !== env.account) {
        lookup.findings.push({
          id: 'secret-key-aws-managed',
          severity: 'error',
          source: createdHere.label,
          message: `${task.family} in account ${env.account} reads this secret, but it is encrypted with the AWS managed key aws/secretsmanager, whose key policy admits no other account; set kms_key_id to a customer-managed key`,
        });
      }
    } else {
      // Outside the output, a name ending in six characters after a hyphen is taken as a complete ARN.
      const base = valueFrom.split(':').slice(0, 7).join(':');
      const complete = SECRET_SUFFIX.test(base);
      const parsed = parseSecretArn(valueFrom, complete);
      if ('error' in parsed) {
        lookup.findings.push({ id: 'secret-reference-invalid', severity: 'error', source: task.label, message: `valueFrom "${valueFrom}": ${parsed.error}` });
        return;
      }
      arn = secretArn({ ...parsed, suffix: parsed.suffix ?? SYMBOLIC_SECRET_SUFFIX });
      name = parsed.name;
      secretEnv = parsed.env;
      const keyReference = lookup.facts.externalSecretKeys.get(`${parsed.env.account}:${parsed.name}`);
      keyModel = lookup.keyOf(keyReference);
    }
    for (const action of SECRET_READ_ACTIONS) {
      add({
        action,
        resource: arn,
        resourceAccount: secretEnv.account,
        resourcePolicy: createdHere?.policy,
        resourceOutside: !createdHere,
        context: {},
        purpose,
        secret: { name, ...secretEnv },
      });
    }
    decryptTargets(keyModel, 'secretsmanager', secretEnv.region, `${purpose}, decrypted by Secrets Manager`);
  };

  for (const container of task.containers) {
    const containerLabel = `${task.family} ${container.name}`;
    const image = parseImageUri(container.image ?? '');
    if ('error' in image) {
      lookup.findings.push({ id: 'image-invalid', severity: 'error', source: task.label, message: `container "${container.name}" image "${container.image}": ${image.error}` });
    } else if (image.kind === 'ecr') {
      for (const action of ECR_AUTH_ACTIONS) {
        add({ action, resource: '*', resourceAccount: env.account, resourceOutside: false, context: {}, purpose: `${task.family} logs in to ECR` });
      }
      const repositoryArn = formatArn({ partition: image.partition, service: 'ecr', region: image.region, account: image.account, resource: `repository/${image.repository}` });
      const repository = lookup.output.repositories.find((candidate) => candidate.arn === repositoryArn);
      for (const action of ECR_PULL_ACTIONS) {
        add({
          action,
          resource: repositoryArn,
          resourceAccount: image.account,
          resourcePolicy: repository?.policy,
          resourceOutside: !repository,
          context: {},
          purpose: `${containerLabel} pulls ${image.repository}`,
        });
      }
    }

    const log = container.logConfiguration;
    if (log?.logDriver === 'awslogs' && log.options?.['awslogs-group']) {
      const region = log.options['awslogs-region'] ?? env.region;
      const prefix = log.options['awslogs-stream-prefix'];
      const stream = prefix ? `${prefix}/${container.name}/${TASK_ID}` : TASK_ID;
      const resource = formatArn({ ...env, region, service: 'logs', resource: `log-group:${log.options['awslogs-group']}:log-stream:${stream}` });
      for (const action of LOGS_WRITE_ACTIONS) {
        add({ action, resource, resourceAccount: env.account, resourceOutside: false, context: {}, purpose: `${containerLabel} writes its log stream` });
      }
    }

    for (const secret of container.secrets ?? []) {
      const purpose = `${containerLabel} reads ${secret.name}`;
      const parsed = parseArn(secret.valueFrom);
      if (parsed?.service === 'secretsmanager') {
        secretTargets(secret.valueFrom, purpose);
        continue;
      }
      const arn = parsed ? secret.valueFrom : ssmParameterArn(env, secret.valueFrom);
      for (const action of PARAMETER_READ_ACTIONS) {
        add({ action, resource: arn, resourceAccount: accountOf(arn) ?? env.account, resourceOutside: false, context: {}, purpose });
      }
      const keyReference = lookup.facts.parameterKeys.get(arn);
      const key = lookup.keyOf(keyReference);
      if (keyReference && !key) {
        lookup.findings.push({ id: 'parameter-key-not-found', severity: 'error', source: task.label, message: `the key ${keyReference.alias} of parameter ${arn} is not created in the output` });
      }
      decryptTargets(key, 'ssm', parseArn(arn)?.region ?? env.region, `${purpose}, decrypted by SSM`);
    }
    if (container.repositoryCredentials) secretTargets(container.repositoryCredentials.credentialsParameter, `${containerLabel} reads its registry credentials`);
  }
  return targets;
}

/** Picks a concrete value for a policy pattern: every `*` becomes `example` and every `?` becomes `x`. */
function concreteResource(pattern: string): string {
  return pattern.replace(/\*/g, 'example').replace(/\?/g, 'x');
}

/** Takes the first value of each positive condition, so a declared statement is probed under the conditions it states. */
function contextFromConditions(conditions: StatementJson['Condition']): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const [operator, block] of Object.entries(conditions ?? {})) {
    if (/^(ForAnyValue:|ForAllValues:)?(StringEquals|StringLike|ArnEquals|ArnLike|Bool|NumericEquals|IpAddress)(IfExists)?$/.test(operator)) {
      for (const [key, value] of Object.entries(block)) {
        const first = asList(value as string | string[] | boolean)[0];
        if (first !== undefined) context[key] = operator.startsWith('For') ? [concreteResource(String(first))] : concreteResource(String(first));
      }
    }
  }
  return context;
}

/** Turns the task role's declared Allow statements into one request per action and resource. */
function declaredTargets(role: RoleModel, account: string, lookup: Lookup, family: string): Target[] {
  const targets: Target[] = [];
  for (const policy of role.policies) {
    const statements = asList((policy.document?.Statement ?? []) as StatementJson | StatementJson[]);
    for (const statement of statements) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asList(statement.Action)) {
        // A wildcard action names no single request, and lint reports it where it is not allowed.
        if (action.includes('*') || action.includes('?')) continue;
        for (const pattern of asList(statement.Resource)) {
          const resource = pattern === '*' ? '*' : concreteResource(pattern);
          const found = resource === '*' ? { found: false } : lookup.resourcePolicyOf(resource);
          // A resource ARN without an account, such as an S3 object, is taken to be in the role's account.
          const resourceAccount = resource === '*' ? account : accountOf(resource) ?? account;
          targets.push({
            action,
            resource,
            resourceAccount,
            resourcePolicy: found.policy,
            resourceOutside: !found.found && resourceAccount !== account,
            context: contextFromConditions(statement.Condition),
            purpose: `${family} task role: ${statement.Sid ?? action}`,
          });
        }
      }
    }
  }
  return targets;
}

/** True when the resource policy admits a whole organization, so same-organization probes are allowed by design. */
function admitsOrganization(policy: OutputPolicy | undefined): boolean {
  return policy?.text.includes('aws:PrincipalOrgID') ?? false;
}

function sameRequest(a: Target, b: Target): boolean {
  return a.action === b.action && a.resource === b.resource;
}

/** Builds the request a role makes for a target; `context` replaces the target's own request context. */
function roleRequest(role: RoleModel, target: Target, expected: 'allow' | 'deny', purpose: string, guards: PolicySide[], organizationId: string | undefined, context = target.context): AccessRequest {
  return {
    expected,
    purpose,
    principal: role.arn,
    identityPolicies: identityPolicies(role),
    action: target.action,
    resource: target.resource,
    resourceAccount: target.resourceAccount,
    resourcePolicy: target.resourcePolicy,
    resourceOutside: target.resourceOutside,
    context: { ...principalContext(role.arn, organizationId), ...context },
    guards: expected === 'allow' ? [] : guards,
  };
}

/**
 * Probes on the execution role's own grants: `kms:Decrypt` called directly or through another
 * service, and a secret whose name extends a granted one (which `-??????` must not match).
 */
function narrowingProbes(executionRole: RoleModel, target: Target, startUp: Target[], env: ResourceEnv, organizationId: string | undefined): AccessRequest[] {
  const probes: AccessRequest[] = [];
  if (target.decrypt) {
    const { via, key } = target.decrypt;
    const name = key.aliases[0] ?? key.keyId;
    // The key policy guards on its own only where it names the consumer; in the key's account it delegates to IAM.
    const guards: PolicySide[] = target.resourceAccount !== env.account ? ['identity', 'resource'] : ['identity'];
    const direct = { ...target.context };
    delete direct['kms:ViaService'];
    probes.push(roleRequest(executionRole, target, 'deny', `kms:Decrypt with ${name} called directly, not through ${via}`, guards, organizationId, direct));
    const other = serviceEndpoint('s3', key.env.region, key.env.partition);
    probes.push(roleRequest(executionRole, target, 'deny', `kms:Decrypt with ${name} through ${other}`, guards, organizationId, { ...target.context, 'kms:ViaService': other }));
  }
  if (target.secret) {
    const { name, region, account, partition } = target.secret;
    const longer = formatArn({ partition, service: 'secretsmanager', region, account, resource: `secret:${name}-extra-${SYMBOLIC_SECRET_SUFFIX}` });
    if (!startUp.some((other) => other.resource === longer)) {
      // The longer-named secret's resource policy is unknown, so only the identity policy is judged.
      const other = { ...target, resource: longer, resourcePolicy: undefined, resourceOutside: true };
      probes.push(roleRequest(executionRole, other, 'deny', `${name}-extra, a secret whose name starts with a granted one`, ['identity'], organizationId));
    }
  }
  return probes;
}

/**
 * Builds the probes by other principals on a shared resource, which only its resource policy can
 * stop. They are another role in the consumer account, allowed everything by its own identity
 * policy, another role in the owner account without identity policy, and a role outside the
 * organization. The first two are left out where the resource policy admits the whole
 * organization by design.
 */
function otherPrincipalProbes(target: Target, env: ResourceEnv, organizationId: string | undefined): AccessRequest[] {
  const probe = (principal: string, policies: IdentityPolicyInput[], purpose: string, orgId: string | undefined, callerAccount: string): AccessRequest => {
    const context: Record<string, string | string[]> = { ...principalContext(principal, orgId), ...target.context };
    if (target.decrypt) context['kms:CallerAccount'] = callerAccount;
    return {
      expected: 'deny',
      purpose,
      principal,
      identityPolicies: policies,
      action: target.action,
      resource: target.resource,
      resourceAccount: target.resourceAccount,
      resourcePolicy: target.resourcePolicy,
      resourceOutside: false,
      context,
      guards: ['resource'],
    };
  };
  const probes: AccessRequest[] = [];
  const organizationWide = admitsOrganization(target.resourcePolicy);
  if (target.resourceAccount !== env.account && !organizationWide) {
    const intruder = roleArn(env.partition, env.account, 'intruder');
    probes.push(probe(intruder, [ALLOW_EVERYTHING], `another role in the consumer account ${env.account}: ${target.purpose}`, organizationId, env.account));
  }
  if (!organizationWide) {
    const intruder = roleArn(env.partition, target.resourceAccount, 'intruder');
    probes.push(probe(intruder, [], `another role in the owner account ${target.resourceAccount}, without identity policy: ${target.purpose}`, organizationId, target.resourceAccount));
  }
  const outsider = roleArn(env.partition, OUTSIDE_ACCOUNT, 'outsider');
  probes.push(probe(outsider, [ALLOW_EVERYTHING], `a role outside the organization: ${target.purpose}`, OUTSIDE_ORGANIZATION, OUTSIDE_ACCOUNT));
  return probes;
}

/**
 * Requests on a role's trust policy: ECS tasks of the role's own account assume it, and, where
 * the policy binds `aws:SourceAccount` or `aws:SourceArn`, ECS tasks of another account do not.
 */
function trustRequests(role: RoleModel, task: TaskDefinitionModel, findings: Finding[]): AccessRequest[] {
  if (!role.trustPolicy) return [];
  const env = task.stack.env;
  const assume = (account: string, expected: 'allow' | 'deny', purpose: string): AccessRequest => ({
    expected,
    purpose,
    principal: ECS_TASKS_PRINCIPAL,
    identityPolicies: [],
    action: 'sts:AssumeRole',
    resource: role.arn,
    resourceAccount: role.account,
    resourcePolicy: role.trustPolicy,
    resourceOutside: false,
    // NOTE: the task definition does not name its cluster, so the stack name is used in its place.
    context: { 'aws:SourceAccount': account, 'aws:SourceArn': formatArn({ ...env, account, service: 'ecs', resource: `task/${task.stack.name}/${TASK_ID}` }) },
    guards: [],
  });
  const requests = [assume(env.account, 'allow', `ECS tasks of ${env.account} assume ${role.name}`)];
  if (/aws:Source(Account|Arn)/.test(role.trustPolicy.text)) {
    requests.push(assume(OUTSIDE_ACCOUNT, 'deny', `ECS tasks of another account assume ${role.name}`));
  } else {
    findings.push({
      id: 'trust-without-source-conditions',
      severity: 'warning',
      source: role.trustPolicy.label,
      message: 'the trust policy admits ecs-tasks.amazonaws.com without aws:SourceAccount or aws:SourceArn, so ECS tasks of any account could be given this role',
    });
  }
  return requests;
}

/**
 * Derives every request to evaluate. Must allow: the start-up requests of each task definition as
 * its execution role, the task role's declared statements, and ECS assuming both roles. Must
 * deny: each role doing the other role's work, the narrowing probes on the execution role's
 * grants, other principals on every shared resource, and ECS tasks of another account.
 */
export function deriveRequests(output: SynthesizedOutput, facts: VerifyFacts): { requests: AccessRequest[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const lookup = new Lookup(output, facts, findings);
  const requests: AccessRequest[] = [];
  const organizationId = facts.organizationId;

  for (const task of output.taskDefinitions) {
    const first = requests.length;
    deriveTaskRequests(task, lookup, organizationId, requests, findings);
    for (let index = first; index < requests.length; index++) requests[index] = { ...requests[index], task: task.family };
  }
  return { requests: dedupe(requests), findings };
}

/** Appends the requests one task definition's start-up needs, and the probes around them. */
function deriveTaskRequests(task: TaskDefinitionModel, lookup: Lookup, organizationId: string | undefined, requests: AccessRequest[], findings: Finding[]): void {
  const env = task.stack.env;
  const executionRole = lookup.role(task.executionRoleArn);
  const taskRole = lookup.role(task.taskRoleArn);
  if (!executionRole) {
    findings.push({
      id: 'execution-role-not-found',
      severity: 'error',
      source: task.label,
      message: `the execution role "${task.executionRoleArn ?? '(none)'}" is not a role in the output, so start-up access cannot be verified`,
    });
    return;
  }

  const startUp = startUpTargets(task, lookup);
  const declared = taskRole ? declaredTargets(taskRole, env.account, lookup, task.family) : [];
  for (const target of startUp) requests.push(roleRequest(executionRole, target, 'allow', target.purpose, [], organizationId));
  if (taskRole) for (const target of declared) requests.push(roleRequest(taskRole, target, 'allow', target.purpose, [], organizationId));
  for (const role of taskRole ? [executionRole, taskRole] : [executionRole]) requests.push(...trustRequests(role, task, findings));

  if (taskRole) {
    // A resource shared with the whole organization admits the task role too, by design.
    const probed = startUp.filter((work) => !declared.some((own) => sameRequest(own, work)) && !admitsOrganization(work.resourcePolicy));
    for (const target of probed) {
      requests.push(roleRequest(taskRole, target, 'deny', `task role does execution role work: ${target.purpose}`, ['identity'], organizationId));
    }
    for (const target of declared.filter((work) => !startUp.some((own) => sameRequest(own, work)))) {
      requests.push(roleRequest(executionRole, target, 'deny', `execution role does task role work: ${target.purpose}`, ['identity'], organizationId));
    }
  }

  for (const target of startUp) {
    requests.push(...narrowingProbes(executionRole, target, startUp, env, organizationId));
    if (PROBED_ACTIONS.has(target.action) && isSharedResource(target.resource, lookup)) requests.push(...otherPrincipalProbes(target, env, organizationId));
  }
}

/** Models a key the output does not create, from its literal ARN; references (`${...}`) to unknown keys get none. */
function outsideKey(arn: string): KeyModel | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'kms' || !parsed.resource.startsWith('key/')) return undefined;
  const env: ResourceEnv = { partition: parsed.partition as ResourceEnv['partition'], region: parsed.region, account: parsed.account };
  return { label: `outside the output: ${arn}`, arn, keyId: parsed.resource.slice('key/'.length), env, aliases: [], outside: true };
}

/** One action per shared resource is enough to show that its resource policy stops other principals. */
const PROBED_ACTIONS = new Set(['ecr:BatchGetImage', 'secretsmanager:GetSecretValue', 'kms:Decrypt']);

function isSharedResource(arn: string, lookup: Lookup): boolean {
  const { repositories, secrets } = lookup.output;
  return repositories.some((repository) => repository.arn === arn) || secrets.some((secret) => secret.arn === arn) || lookup.keyByArn(arn) !== undefined;
}

function dedupe(requests: AccessRequest[]): AccessRequest[] {
  const seen = new Set<string>();
  return requests.filter((request) => {
    const id = JSON.stringify([request.expected, request.principal, request.action, request.resource, request.context]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
