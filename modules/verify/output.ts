/**
 * Reads synthesized Terraform JSON (`<dir>/stacks/<stack>/cdk.tf.json`) into the roles, policies,
 * shared resources and task definitions that verify evaluates. Terraform references such as
 * `${aws_iam_role.X.arn}` are resolved symbolically, because the real values exist only after
 * apply: a role's ARN comes from its name, path and the stack's account; a created key gets the
 * id `<alias name>-symbolic`; a created secret gets the fixed suffix `-AbCdEf`, so its complete
 * ARN is concrete.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  PARTITIONS,
  Partition,
  ResourceEnv,
  ecrRegistryHost,
  ecrRepositoryArn,
  formatArn,
  kmsKeyArn,
  logGroupArn,
  parseSecretArn,
  regionBelongsToPartition,
  roleArn,
} from '../core/arn';
import { Finding } from './findings';

/** The suffix given to every secret created in the output, in place of the one AWS picks at apply. */
export const SYMBOLIC_SECRET_SUFFIX = 'AbCdEf';

/** Which rules and quota a policy document follows. */
export type PolicyPurpose = 'inline' | 'managed' | 'trust' | 'ecr-repository' | 'kms-key' | 'secret';

export interface OutputPolicy {
  /** `<stack>/<resource type>.<name>`, used in messages and in the matrix. */
  readonly label: string;
  readonly purpose: PolicyPurpose;
  /** The policy JSON text after references were resolved. */
  readonly text: string;
  /** The parsed document, or undefined when the text is not valid JSON (reported as a finding). */
  readonly document?: PolicyJson;
  /** For a key policy: the key's account, so lint can accept `kms:*` for that account's root. */
  readonly ownerAccount?: string;
  /** For an inline policy: the role it belongs to, so lint can add up the per-role quota. */
  readonly roleLabel?: string;
}

/** A policy document as JSON holds it; single values may appear where AWS also accepts lists. */
export interface PolicyJson {
  Version?: string;
  Id?: string;
  Statement: StatementJson | StatementJson[];
}

export interface StatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface StackInfo {
  readonly name: string;
  readonly env: ResourceEnv;
}

export interface RoleModel {
  readonly label: string;
  readonly stack: string;
  readonly name: string;
  readonly arn: string;
  readonly account: string;
  readonly trustPolicy?: OutputPolicy;
  readonly policies: OutputPolicy[];
  /** Managed policies attached by ARN that the output does not define, such as AWS managed policies. */
  readonly externalPolicyArns: string[];
}

export interface RepositoryModel {
  readonly label: string;
  readonly name: string;
  readonly arn: string;
  readonly env: ResourceEnv;
  policy?: OutputPolicy;
}

export interface KeyModel {
  readonly label: string;
  readonly arn: string;
  readonly keyId: string;
  readonly env: ResourceEnv;
  /** `alias/<name>` for every `aws_kms_alias` that targets the key. */
  readonly aliases: string[];
  readonly policy?: OutputPolicy;
  /** True for a key named by ARN that the output does not create, so its key policy is unknown. */
  readonly outside?: boolean;
}

export interface SecretModel {
  readonly label: string;
  readonly name: string;
  /** Complete ARN, with the symbolic suffix. */
  readonly arn: string;
  readonly env: ResourceEnv;
  /** ARN of the customer-managed key; undefined when the secret uses the AWS managed key. */
  readonly kmsKeyArn?: string;
  /** True for a secret the output only names by its complete ARN (`existingArn`); its key comes from the manifest facts. */
  readonly existing?: boolean;
  policy?: OutputPolicy;
}

/** The parts of an ECS container definition that start-up access depends on. */
export interface ContainerDefinitionJson {
  name: string;
  image: string;
  secrets?: { name: string; valueFrom: string }[];
  repositoryCredentials?: { credentialsParameter: string };
  logConfiguration?: { logDriver: string; options?: Record<string, string> };
}

export interface TaskDefinitionModel {
  readonly label: string;
  readonly stack: StackInfo;
  readonly family: string;
  readonly executionRoleArn?: string;
  readonly taskRoleArn?: string;
  readonly containers: ContainerDefinitionJson[];
}

export interface SynthesizedOutput {
  readonly dir: string;
  readonly stacks: StackInfo[];
  readonly roles: RoleModel[];
  readonly repositories: RepositoryModel[];
  readonly keys: KeyModel[];
  readonly secrets: SecretModel[];
  readonly taskDefinitions: TaskDefinitionModel[];
  /** Problems met while reading, such as a reference that cannot be resolved. */
  readonly findings: Finding[];
}

type ResourceBlock = Record<string, unknown>;
type ResourceTable = Record<string, Record<string, ResourceBlock>>;

interface StackJson {
  provider?: { aws?: { allowed_account_ids?: string[]; region?: string; assume_role?: { role_arn?: string }[] }[] };
  resource?: ResourceTable;
}

const REFERENCE = /\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}/g;

function partitionOf(region: string): Partition {
  return PARTITIONS.find((partition) => regionBelongsToPartition(region, partition)) ?? 'aws';
}

function stringField(block: ResourceBlock, field: string): string | undefined {
  const value = block[field];
  return typeof value === 'string' ? value : undefined;
}

/** Returns the `type.name` a whole-string reference such as `${aws_kms_key.x.key_id}` points to. */
function referencedAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_]+\}$/.exec(value);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

function loadStack(dir: string, name: string): StackJson {
  return JSON.parse(readFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as StackJson;
}

/** Lists the stack folders that hold a `cdk.tf.json`, sorted by name. */
export function listStacks(dir: string): string[] {
  const stacksDir = join(dir, 'stacks');
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, 'cdk.tf.json')))
    .sort();
}

/**
 * Symbolic attribute values of every resource in one stack, keyed by `type.name`. Only the
 * attributes that policies and task definitions refer to are known; any other reference is
 * reported as unresolved.
 */
function symbolicAttributes(stack: StackInfo, resources: ResourceTable): Map<string, Record<string, string>> {
  const env = stack.env;
  const attributes = new Map<string, Record<string, string>>();
  const each = (type: string, visit: (name: string, block: ResourceBlock) => Record<string, string>) => {
    for (const [name, block] of Object.entries(resources[type] ?? {})) attributes.set(`${type}.${name}`, visit(name, block));
  };

  each('aws_iam_role', (name, block) => {
    const roleName = stringField(block, 'name') ?? name;
    const arn = roleArn(env.partition, env.account, roleName, stringField(block, 'path') ?? '/');
    return { name: roleName, id: roleName, arn };
  });
  each('aws_iam_policy', (name, block) => {
    const policyName = stringField(block, 'name') ?? name;
    const arn = formatArn({ partition: env.partition, service: 'iam', region: '', account: env.account, resource: `policy${stringField(block, 'path') ?? '/'}${policyName}` });
    return { name: policyName, id: arn, arn };
  });
  each('aws_ecr_repository', (name, block) => {
    const repositoryName = stringField(block, 'name') ?? name;
    return {
      name: repositoryName,
      id: repositoryName,
      arn: ecrRepositoryArn(env, repositoryName),
      registry_id: env.account,
      repository_url: `${ecrRegistryHost(env)}/${repositoryName}`,
    };
  });
  each('aws_cloudwatch_log_group', (name, block) => {
    const groupName = stringField(block, 'name') ?? name;
    return { name: groupName, id: groupName, arn: logGroupArn(env, groupName) };
  });
  each('aws_secretsmanager_secret', (name, block) => {
    const secretName = stringField(block, 'name') ?? name;
    const arn = formatArn({ ...env, service: 'secretsmanager', resource: `secret:${secretName}-${SYMBOLIC_SECRET_SUFFIX}` });
    return { name: secretName, id: arn, arn };
  });

  // A key's symbolic id follows its alias, so the alias and the key stay consistent.
  const aliasOfKey = new Map<string, string>();
  for (const block of Object.values(resources.aws_kms_alias ?? {})) {
    const target = referencedAddress(stringField(block, 'target_key_id'));
    const alias = stringField(block, 'name');
    if (target && alias && !aliasOfKey.has(target)) aliasOfKey.set(target, alias.replace(/^alias\//, ''));
  }
  each('aws_kms_key', (name) => {
    const keyId = `${aliasOfKey.get(`aws_kms_key.${name}`) ?? name}-symbolic`;
    const arn = kmsKeyArn(env, keyId);
    return { key_id: keyId, id: keyId, arn };
  });
  each('aws_kms_alias', (name, block) => {
    const alias = stringField(block, 'name') ?? `alias/${name}`;
    return { name: alias, id: alias, arn: formatArn({ ...env, service: 'kms', resource: alias }) };
  });
  return attributes;
}

class StackReader {
  readonly info: StackInfo;
  readonly resources: ResourceTable;
  private readonly attributes: Map<string, Record<string, string>>;
  private readonly findings: Finding[];

  constructor(info: StackInfo, resources: ResourceTable, findings: Finding[]) {
    this.info = info;
    this.resources = resources;
    this.findings = findings;
    this.attributes = symbolicAttributes(info, resources);
  }

  label(type: string, name: string): string {
    return `${this.info.name}/${type}.${name}`;
  }

  /** Replaces every reference in `text` with its symbolic value; unknown ones stay and are reported against `source`. */
  resolve(text: string, source: string): string {
    return text.replace(REFERENCE, (whole, type: string, name: string, attribute: string) => {
      const value = this.attributes.get(`${type}.${name}`)?.[attribute];
      if (value !== undefined) return value;
      this.findings.push({
        id: 'unresolved-reference',
        severity: 'error',
        source,
        message: `the reference ${whole} cannot be resolved from the synthesized output; verify knows the name, ARN and id of roles, policies, repositories, log groups, keys, aliases and secrets in the same stack`,
      });
      return whole;
    });
  }

  policy(type: string, name: string, field: string, purpose: PolicyPurpose, extra: Partial<OutputPolicy> = {}): OutputPolicy | undefined {
    const raw = stringField(this.resources[type]?.[name] ?? {}, field);
    if (raw === undefined) return undefined;
    const label = this.label(type, name);
    return parsePolicy(label, purpose, this.resolve(raw, label), this.findings, extra);
  }
}

function parsePolicy(label: string, purpose: PolicyPurpose, text: string, findings: Finding[], extra: Partial<OutputPolicy>): OutputPolicy {
  try {
    const document = JSON.parse(text) as PolicyJson;
    if (typeof document !== 'object' || document === null || document.Statement === undefined) throw new Error('no Statement element');
    return { label, purpose, text, document, ...extra };
  } catch (error) {
    findings.push({ id: 'policy-not-json', severity: 'error', source: label, message: `the policy is not a valid policy document: ${(error as Error).message}` });
    return { label, purpose, text, ...extra };
  }
}

function stackInfo(name: string, json: StackJson, findings: Finding[]): StackInfo {
  const provider = json.provider?.aws?.[0];
  const region = provider?.region ?? '';
  const account = provider?.allowed_account_ids?.[0] ?? /^arn:[^:]+:iam::(\d{12}):/.exec(provider?.assume_role?.[0]?.role_arn ?? '')?.[1] ?? '';
  if (!region) findings.push({ id: 'stack-region-unknown', severity: 'error', source: name, message: 'the aws provider sets no region, so ARNs in this stack cannot be built; set `region` on the provider' });
  if (!account) {
    findings.push({
      id: 'stack-account-unknown',
      severity: 'error',
      source: name,
      message: 'the aws provider sets neither `allowed_account_ids` nor an `assume_role` role ARN, so the account of the roles in this stack is unknown',
    });
  }
  return { name, env: { partition: partitionOf(region), region, account } };
}

/** Reads every stack of a synthesized output folder. */
export function readSynthesizedOutput(dir: string): SynthesizedOutput {
  const findings: Finding[] = [];
  const stackNames = listStacks(dir);
  if (stackNames.length === 0) {
    findings.push({ id: 'output-empty', severity: 'error', source: dir, message: `no ${join(dir, 'stacks', '<stack>', 'cdk.tf.json')} found; run \`npm run synth\` first or pass the output folder` });
  }
  const output: SynthesizedOutput = { dir, stacks: [], roles: [], repositories: [], keys: [], secrets: [], taskDefinitions: [], findings };
  const readers = stackNames.map((name) => {
    const json = loadStack(dir, name);
    const info = stackInfo(name, json, findings);
    output.stacks.push(info);
    return new StackReader(info, json.resource ?? {}, findings);
  });
  for (const reader of readers) readRolesAndPolicies(reader, output);
  for (const reader of readers) readSharedResources(reader, output);
  for (const reader of readers) readTaskDefinitions(reader, output);
  return output;
}

function readRolesAndPolicies(reader: StackReader, output: SynthesizedOutput): void {
  const { resources, info } = reader;
  const rolesByAddress = new Map<string, RoleModel>();
  for (const [name, block] of Object.entries(resources.aws_iam_role ?? {})) {
    const label = reader.label('aws_iam_role', name);
    const roleName = stringField(block, 'name') ?? name;
    const role: RoleModel = {
      label,
      stack: info.name,
      name: roleName,
      arn: roleArn(info.env.partition, info.env.account, roleName, stringField(block, 'path') ?? '/'),
      account: info.env.account,
      trustPolicy: reader.policy('aws_iam_role', name, 'assume_role_policy', 'trust'),
      policies: [],
      externalPolicyArns: [],
    };
    const inline = Array.isArray(block.inline_policy) ? (block.inline_policy as ResourceBlock[]) : [];
    inline.forEach((entry, index) => {
      const text = stringField(entry, 'policy');
      if (text) role.policies.push(parsePolicy(`${label}.inline_policy[${index}]`, 'inline', reader.resolve(text, label), output.findings, { roleLabel: label }));
    });
    rolesByAddress.set(`aws_iam_role.${name}`, role);
    output.roles.push(role);
  }

  const roleFor = (value: string | undefined, source: string): RoleModel | undefined => {
    const address = referencedAddress(value);
    if (address && rolesByAddress.has(address)) return rolesByAddress.get(address);
    const resolved = value === undefined ? undefined : reader.resolve(value, source);
    return [...rolesByAddress.values()].find((role) => role.name === resolved);
  };

  for (const [name, block] of Object.entries(resources.aws_iam_role_policy ?? {})) {
    const label = reader.label('aws_iam_role_policy', name);
    const role = roleFor(stringField(block, 'role'), label);
    const policy = reader.policy('aws_iam_role_policy', name, 'policy', 'inline', { roleLabel: role?.label });
    if (!role) {
      output.findings.push({ id: 'role-not-found', severity: 'error', source: label, message: `the role "${stringField(block, 'role')}" is not a role of this stack, so the policy cannot be evaluated` });
      continue;
    }
    if (policy) role.policies.push(policy);
  }

  const managed = new Map<string, OutputPolicy>();
  for (const name of Object.keys(resources.aws_iam_policy ?? {})) {
    const policy = reader.policy('aws_iam_policy', name, 'policy', 'managed');
    if (policy) managed.set(`aws_iam_policy.${name}`, policy);
  }
  for (const [name, block] of Object.entries(resources.aws_iam_role_policy_attachment ?? {})) {
    const label = reader.label('aws_iam_role_policy_attachment', name);
    const role = roleFor(stringField(block, 'role'), label);
    const policyArn = stringField(block, 'policy_arn');
    if (!role) {
      output.findings.push({ id: 'role-not-found', severity: 'error', source: label, message: `the role "${stringField(block, 'role')}" is not a role of this stack` });
      continue;
    }
    const address = referencedAddress(policyArn);
    const policy = address ? managed.get(address) : undefined;
    if (policy) role.policies.push(policy);
    else if (policyArn) role.externalPolicyArns.push(reader.resolve(policyArn, label));
  }
}

function readSharedResources(reader: StackReader, output: SynthesizedOutput): void {
  const { resources, info } = reader;
  const env = info.env;

  const keysByAddress = new Map<string, KeyModel>();
  for (const name of Object.keys(resources.aws_kms_key ?? {})) {
    const label = reader.label('aws_kms_key', name);
    const arn = reader.resolve(`\${aws_kms_key.${name}.arn}`, label);
    const key: KeyModel = {
      label,
      arn,
      keyId: arn.slice(arn.lastIndexOf('/') + 1),
      env,
      aliases: [],
      policy: reader.policy('aws_kms_key', name, 'policy', 'kms-key', { ownerAccount: env.account }),
    };
    keysByAddress.set(`aws_kms_key.${name}`, key);
    output.keys.push(key);
  }
  for (const block of Object.values(resources.aws_kms_alias ?? {})) {
    const key = keysByAddress.get(referencedAddress(stringField(block, 'target_key_id')) ?? '');
    const alias = stringField(block, 'name');
    if (key && alias) key.aliases.push(alias);
  }

  const repositoriesByName = new Map<string, RepositoryModel>();
  for (const [name, block] of Object.entries(resources.aws_ecr_repository ?? {})) {
    const repositoryName = stringField(block, 'name') ?? name;
    const repository: RepositoryModel = { label: reader.label('aws_ecr_repository', name), name: repositoryName, arn: ecrRepositoryArn(env, repositoryName), env };
    repositoriesByName.set(repositoryName, repository);
    output.repositories.push(repository);
  }
  for (const [name, block] of Object.entries(resources.aws_ecr_repository_policy ?? {})) {
    const label = reader.label('aws_ecr_repository_policy', name);
    const repositoryName = reader.resolve(stringField(block, 'repository') ?? '', label);
    const repository = repositoriesByName.get(repositoryName);
    if (!repository) {
      output.findings.push({ id: 'repository-not-found', severity: 'error', source: label, message: `the repository "${repositoryName}" is not created in this stack` });
      continue;
    }
    repository.policy = reader.policy('aws_ecr_repository_policy', name, 'policy', 'ecr-repository');
  }

  const secretsByArn = new Map<string, SecretModel>();
  for (const [name, block] of Object.entries(resources.aws_secretsmanager_secret ?? {})) {
    const label = reader.label('aws_secretsmanager_secret', name);
    const kmsKeyId = stringField(block, 'kms_key_id');
    const keyAddress = referencedAddress(kmsKeyId);
    const kmsKeyArn = keyAddress && keysByAddress.has(keyAddress) ? keysByAddress.get(keyAddress)!.arn : kmsKeyId ? reader.resolve(kmsKeyId, label) : undefined;
    const secret: SecretModel = {
      label,
      name: stringField(block, 'name') ?? name,
      arn: reader.resolve(`\${aws_secretsmanager_secret.${name}.arn}`, label),
      env,
      kmsKeyArn,
    };
    secretsByArn.set(secret.arn, secret);
    output.secrets.push(secret);
  }
  for (const [name, block] of Object.entries(resources.aws_secretsmanager_secret_policy ?? {})) {
    const label = reader.label('aws_secretsmanager_secret_policy', name);
    const secretArn = reader.resolve(stringField(block, 'secret_arn') ?? '', label);
    const secret = secretsByArn.get(secretArn) ?? existingSecret(secretArn, env, label);
    if (!secret) {
      output.findings.push({ id: 'secret-not-found', severity: 'error', source: label, message: `the secret "${secretArn}" is not created in this stack` });
      continue;
    }
    if (secret.existing && !secretsByArn.has(secretArn)) {
      secretsByArn.set(secretArn, secret);
      output.secrets.push(secret);
    }
    secret.policy = reader.policy('aws_secretsmanager_secret_policy', name, 'policy', 'secret');
  }
}

/** Models a secret that a policy names by a literal complete ARN in the stack's own account and region. */
function existingSecret(arn: string, env: ResourceEnv, label: string): SecretModel | undefined {
  const parsed = parseSecretArn(arn, true);
  if ('error' in parsed || parsed.env.partition !== env.partition || parsed.env.account !== env.account || parsed.env.region !== env.region) return undefined;
  return { label, name: parsed.name, arn, env, existing: true };
}

function readTaskDefinitions(reader: StackReader, output: SynthesizedOutput): void {
  for (const [name, block] of Object.entries(reader.resources.aws_ecs_task_definition ?? {})) {
    const label = reader.label('aws_ecs_task_definition', name);
    let containers: ContainerDefinitionJson[] = [];
    try {
      containers = JSON.parse(reader.resolve(stringField(block, 'container_definitions') ?? '[]', label)) as ContainerDefinitionJson[];
    } catch (error) {
      output.findings.push({ id: 'container-definitions-not-json', severity: 'error', source: label, message: `container_definitions is not valid JSON: ${(error as Error).message}` });
    }
    const executionRole = stringField(block, 'execution_role_arn');
    const taskRole = stringField(block, 'task_role_arn');
    output.taskDefinitions.push({
      label,
      stack: reader.info,
      family: stringField(block, 'family') ?? name,
      executionRoleArn: executionRole === undefined ? undefined : reader.resolve(executionRole, label),
      taskRoleArn: taskRole === undefined ? undefined : reader.resolve(taskRole, label),
      containers,
    });
  }
}
