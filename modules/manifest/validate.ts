import { z } from 'zod';
import {
  ImageReference,
  Partition,
  ResourceEnv,
  SECRET_SUFFIX,
  SecretReference,
  aliasName,
  ecrRepositoryArn,
  parseArn,
  parseImageUri,
  parseSecretArn,
  regionBelongsToPartition,
  roleArn,
  secretPolicyResource,
  secretValueFrom,
  ssmParameterArn,
  ssmParameterNameProblem,
} from '../core/arn';
import { renderContainerDefinitions } from '../core/container-definitions';
import { ManifestError, ManifestProblem, Warning } from '../core/errors';
import { GATEWAY_CONTAINER_NAME, GatewayContainer, gatewayContainer } from './gateway';
import { resolveDeployment } from './service-network';
import {
  AccountInfo,
  ContainerInfo,
  KeyInfo,
  LandingZone,
  RepositoryInfo,
  SecretInfo,
  SecretUse,
  ServiceInfo,
} from './model';
import { credentialValueKind, isCredentialName } from './rules/credentials';
import { findEmptyFields } from './rules/empty-fields';
import { closestOperator, isConditionOperator } from './rules/conditions';
import { HEALTH_CHECK_TIMEOUT, healthCheckCommandProblem, normalizedMountPath, writablePathProblem } from './rules/containers';
import { bucketNameProblem, clusterNameProblem, logGroupNameProblem, roleNameProblem, rolePathProblem } from './rules/names';
import { broadResourceWildcard, isWildcardAction } from './rules/wildcards';
import { ContainerSpec, Manifest, ManifestSchema, SecretSource, ServiceSpec, StatementSpec } from './schema';

/** Log retention values CloudWatch Logs accepts, in days; 0 (never expire) is rejected on purpose. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Fargate task sizes: CPU units mapped to the memory values, in MiB, that Fargate accepts with them. */
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

const ECS_TASKS_SERVICE = 'ecs-tasks.amazonaws.com';
/** Reduces a name to lowercase letters and digits, the part that survives in Sids built from it (`my-app1` gives `MyApp1`). */
function looseName(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Returns the construct id a name gives, because the constructs library replaces each `/` with `--`. */
function constructId(name: string): string {
  return name.replace(/\//g, '--');
}

/** Account aliases name stacks, state keys and ECS clusters (`<alias>-<region>`). */
const ACCOUNT_ALIAS = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const MAX_ROLE_NAME = 64;
/** ECS quotas: containers per task definition, and the size of a task definition (64 KiB); neither is adjustable. */
const MAX_CONTAINERS = 10;
const MAX_TASK_DEFINITION_BYTES = 65_536;

/** Parses and validates a manifest object, returning the resolved landing zone or throwing a `ManifestError` with every problem. */
export function validateManifest(raw: unknown, source?: string): LandingZone {
  // An empty field is reported once, as `field-empty`, not again by every rule that reads it.
  const emptyFields = findEmptyFields(raw);
  const emptyPaths = emptyFields.map((problem) => problem.path);
  const coveredByEmpty = (problem: ManifestProblem) => emptyPaths.some((path) => problem.path === path || problem.path.startsWith(`${path}.`));
  const throwProblems = (problems: readonly ManifestProblem[]) => {
    const all = [...emptyFields, ...problems.filter((problem) => !coveredByEmpty(problem))];
    if (all.length > 0) throw new ManifestError(all, source);
  };

  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throwProblems(parsed.error.issues.flatMap((issue) => schemaProblems(issue, raw)));
  const resolver = new Resolver(parsed.data as Manifest);
  const zone = resolver.resolve();
  throwProblems(resolver.problems.list);
  return zone;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(manifest)' : path.map(String).join('.');
}

/**
 * Container fields people carry over from hand-written task definitions to ask for a log
 * configuration. Log groups are created by Terraform with a retention, so ECS must never create
 * them (`awslogs-create-group` would also need `logs:CreateLogGroup` on the execution role).
 */
const LOG_CONFIGURATION_FIELDS = new Set(['logConfiguration', 'logOptions', 'logDriver', 'logGroup', 'logGroupName', 'createLogGroup', 'awslogs-create-group', 'awslogs-group']);

/** Maps one zod issue to manifest problems: one per unknown field, so each gets its own path. */
function schemaProblems(issue: z.core.$ZodIssue, raw: unknown): ManifestProblem[] {
  const path = joinPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = joinPath([...issue.path, key]);
      if (LOG_CONFIGURATION_FIELDS.has(key)) {
        return {
          id: 'log-configuration-not-supported',
          path: keyPath,
          rule: 'log groups are created by Terraform as /ecs/<service>/<container> with a retention, so ECS is never asked to create or choose one',
          received: valueAt(raw, [...issue.path, key]),
          fix: `remove \`${key}\`; set \`logRetentionDays\` to change how long logs are kept`,
        };
      }
      return { id: 'field-unknown', path: keyPath, rule: `unknown field \`${key}\``, received: valueAt(raw, [...issue.path, key]), fix: 'remove the field or check its spelling against schema/manifest.schema.json' };
    });
  }
  return [schemaProblem(issue, raw, path)];
}

function schemaProblem(issue: z.core.$ZodIssue, raw: unknown, path: string): ManifestProblem {
  const received = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (received === undefined) {
        return { id: 'field-missing', path, rule: `a value of type ${issue.expected} is required`, received, fix: `add \`${String(issue.path.at(-1) ?? path)}\`` };
      }
      if (issue.path.length === 3 && issue.path[0] === 'accounts' && issue.path[2] === 'id' && typeof received === 'number') {
        return { id: 'account-id-invalid', path, rule: 'an account id is a string of exactly twelve digits; YAML reads an unquoted id as a number and drops leading zeros', received, fix: 'quote the id, such as id: "012345678901"' };
      }
      return { id: 'field-type', path, rule: `expected ${issue.expected}`, received, fix: `give a ${issue.expected}` };
    case 'invalid_key':
      return { id: 'field-name-invalid', path, rule: issue.issues.map((inner) => inner.message).join('; '), received: issue.path.at(-1), fix: 'rename the entry' };
    case 'invalid_value':
      return { id: 'field-value', path, rule: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, received, fix: 'use one of the listed values' };
    case 'invalid_union':
      return {
        id: 'secret-source-invalid',
        path,
        rule: 'a secret source is either `{ secret, jsonKey?, versionStage?, versionId? }` or `{ parameter, kmsKey? }`',
        received,
        fix: 'use `secret:` for Secrets Manager or `parameter:` for SSM Parameter Store',
      };
    case 'too_small':
    case 'too_big':
      return { id: 'field-range', path, rule: issue.message, received, fix: 'change the value to fit the range' };
    default:
      return { id: 'field-format', path, rule: issue.message, received, fix: 'correct the value' };
  }
}

/** Collects problems so a whole manifest is checked before anything is thrown. */
class ProblemList {
  readonly list: ManifestProblem[] = [];

  add(problem: ManifestProblem): void {
    this.list.push(problem);
  }
}

class Resolver {
  readonly problems = new ProblemList();
  private readonly warnings: Warning[] = [];
  private readonly partition: Partition;
  private readonly accounts = new Map<string, AccountInfo>();
  private readonly accountsById = new Map<string, AccountInfo>();
  /** Accounts whose id is not twelve digits; whatever lives in them is skipped, since every ARN would repeat that error. */
  private readonly invalidAccounts = new Set<string>();
  private readonly keys = new Map<string, KeyInfo>();
  private readonly repositories = new Map<string, RepositoryInfo>();
  private readonly secrets = new Map<string, SecretInfo>();
  /** Secrets met through an ARN in a container, keyed by ARN, so each is resolved once. */
  private readonly outsideSecrets = new Map<string, SecretInfo>();

  constructor(private readonly manifest: Manifest) {
    this.partition = manifest.partition;
  }

  private problem(id: string, path: string, rule: string, received: unknown, fix: string): void {
    this.problems.add({ id, path, rule, received, fix });
  }

  resolve(): LandingZone {
    const manifest = this.manifest;
    if (manifest.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(manifest.organizationId)) {
      this.problem('organization-id-invalid', 'organizationId', 'an organization id is `o-` followed by 10 to 32 lowercase letters or digits', manifest.organizationId, 'copy the id from AWS Organizations');
    }
    this.checkRegion('defaults.region', manifest.defaults.region);
    this.checkRetention('defaults.logRetentionDays', manifest.defaults.logRetentionDays);

    for (const [key, account] of Object.entries(manifest.accounts)) this.resolveAccount(key, account);
    for (const [name, key] of Object.entries(manifest.kmsKeys)) this.resolveKey(name, key);
    this.checkKeyAliases();
    this.checkDerivedNames('kmsKeys', Object.keys(manifest.kmsKeys), looseName, 'kms-key-name-duplicate', 'Sids such as DecryptAppConfigViaSsm');
    this.checkDerivedNames('secrets', Object.keys(manifest.secrets), constructId, 'secret-name-duplicate', 'Terraform resource names');
    this.checkDerivedNames('services', Object.keys(manifest.services), looseName, 'service-name-duplicate', 'Sids of VPC endpoint policies');
    for (const [name, repository] of Object.entries(manifest.repositories)) this.resolveRepository(name, repository);
    for (const [name, secret] of Object.entries(manifest.secrets)) this.resolveSecret(name, secret);

    const services: ServiceInfo[] = [];
    const roleNames = new Map<string, string>();
    for (const [name, spec] of Object.entries(manifest.services)) {
      const service = this.resolveService(name, spec);
      if (!service) continue;
      for (const role of [service.executionRole, service.taskRole]) {
        // IAM role names are unique per account regardless of case and path.
        const roleKey = `${service.account.id}:${role.name.toLowerCase()}`;
        const previous = roleNames.get(roleKey);
        if (previous) {
          this.problem('role-name-duplicate', `services.${name}`, `role name \`${role.name}\` is already used by services.${previous} in the same account (IAM compares role names without case)`, role.name, 'rename one of the services');
        }
        roleNames.set(roleKey, name);
      }
      this.checkServiceLimits(service);
      services.push(service);
    }
    this.checkLogGroups(services);
    this.checkStackNames(services);
    this.checkCrossAccountEncryption(services);
    this.checkOrganizationConsumers(services);

    return {
      partition: this.partition,
      organizationId: manifest.organizationId,
      defaultRegion: manifest.defaults.region,
      accounts: this.accounts,
      keys: this.keys,
      repositories: this.repositories,
      secrets: new Map([...this.secrets, ...this.outsideSecrets]),
      services,
      warnings: this.warnings,
    };
  }

  private checkRegion(path: string, region: string): boolean {
    if (regionBelongsToPartition(region, this.partition)) return true;
    this.problem('region-not-in-partition', path, `the region must exist in partition \`${this.partition}\``, region, this.partition === 'aws' ? 'use a commercial region such as eu-west-1, or set `partition`' : `use a region of ${this.partition}, or change \`partition\``);
    return false;
  }

  private checkRetention(path: string, days: number): void {
    if (days === 0) {
      this.problem('log-retention-never-expires', path, 'logs must expire; 0 means never', days, `choose one of ${LOG_RETENTION_DAYS.join(', ')}`);
    } else if (!LOG_RETENTION_DAYS.includes(days)) {
      this.problem('log-retention-invalid', path, 'CloudWatch Logs accepts only fixed retention periods', days, `choose one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }
  }

  private env(accountKey: string, region: string | undefined, path: string): ResourceEnv | undefined {
    const account = this.accounts.get(accountKey);
    if (!account) {
      this.problem('account-unknown', `${path}.account`, 'the account must be a key of `accounts`', accountKey, `use one of: ${[...this.accounts.keys()].join(', ') || '(none declared)'}`);
      return undefined;
    }
    if (this.invalidAccounts.has(accountKey)) return undefined;
    const resolvedRegion = region ?? this.manifest.defaults.region;
    if (region !== undefined && !this.checkRegion(`${path}.region`, region)) return undefined;
    return { partition: this.partition, region: resolvedRegion, account: account.id };
  }

  private resolveAccount(key: string, account: Manifest['accounts'][string]): void {
    const path = `accounts.${key}`;
    let valid = true;
    if (!/^\d{12}$/.test(account.id)) {
      this.problem('account-id-invalid', `${path}.id`, 'an account id is exactly twelve digits', account.id, 'quote the id in YAML so leading zeros stay, and check its length');
      this.invalidAccounts.add(key);
      valid = false;
    } else if (this.accountsById.has(account.id)) {
      this.problem('account-id-duplicate', `${path}.id`, `the id is already used by accounts.${this.accountsById.get(account.id)!.key}`, account.id, 'declare each account once and refer to it by its key');
      valid = false;
    }
    // With a bad or duplicate id, a mismatch with the role ARN would only repeat that problem.
    if (account.deploymentRoleArn !== undefined && valid) {
      const arn = parseArn(account.deploymentRoleArn);
      if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/') || arn.partition !== this.partition || arn.account !== account.id) {
        this.problem('deployment-role-invalid', `${path}.deploymentRoleArn`, `a deployment role is an IAM role ARN in this account: arn:${this.partition}:iam::${account.id}:role/<name>`, account.deploymentRoleArn, 'give the ARN of the role Terraform assumes in this account');
      }
    }
    if (account.stateRegion !== undefined) {
      this.checkRegion(`${path}.stateRegion`, account.stateRegion);
      if (account.stateBucket === undefined) {
        this.problem('state-region-without-bucket', `${path}.stateRegion`, 'the state region applies only to a state bucket, and this account has none', account.stateRegion, 'remove `stateRegion`, or set `stateBucket`');
      }
    }
    if (account.stateBucket !== undefined) {
      const bucketProblem = bucketNameProblem(account.stateBucket);
      if (bucketProblem) this.problem('state-bucket-invalid', `${path}.stateBucket`, bucketProblem, account.stateBucket, 'give the name of the existing S3 bucket, without `s3://` or an ARN');
    }
    const alias = account.alias ?? key;
    if (!ACCOUNT_ALIAS.test(alias)) {
      this.problem('account-alias-invalid', `${path}.alias`, 'an account alias names stacks and ECS clusters, so it has letters, digits, `-` and `_` and starts with a letter or digit', alias, account.alias === undefined ? 'set `alias`, because the account key is not a valid alias' : 'choose another alias');
    } else {
      const clash = [...this.accounts.values()].find((other) => other.alias.toLowerCase() === alias.toLowerCase());
      if (clash) {
        this.problem('account-alias-duplicate', `${path}.alias`, `the alias is already used by accounts.${clash.key}, and stacks are named after it (compared without case)`, alias, 'give each account its own alias');
      }
    }
    const info: AccountInfo = {
      key,
      id: account.id,
      alias: account.alias ?? key,
      deploymentRoleArn: account.deploymentRoleArn,
      stateBucket: account.stateBucket,
      stateRegion: account.stateRegion,
      outsideOrganization: account.outsideOrganization,
    };
    this.accounts.set(key, info);
    if (valid) this.accountsById.set(account.id, info);
  }

  private resolveKey(name: string, key: Manifest['kmsKeys'][string]): void {
    const path = `kmsKeys.${name}`;
    const env = this.env(key.account, key.region, path);
    const alias = aliasName(key.alias ?? name);
    if (!/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(alias) || alias.startsWith('alias/aws/')) {
      // Without `alias` the key name is the alias, so the fix is to set one.
      const aliasPath = key.alias === undefined ? path : `${path}.alias`;
      this.problem('kms-alias-invalid', aliasPath, 'an alias has 1 to 250 letters, digits, `/`, `_` and `-` after `alias/`, and does not start with `aws/`', alias, key.alias === undefined ? 'set `alias`, because the key name is not a valid alias' : 'choose another alias');
    }
    this.checkDescription(key.description, `${path}.description`, 8192);
    key.administrators.forEach((administrator, index) => {
      const arn = parseArn(administrator);
      if (!arn || arn.service !== 'iam' || arn.partition !== this.partition || !/^\d{12}$/.test(arn.account)) {
        this.problem('principal-arn-invalid', `${path}.administrators.${index}`, `an administrator is an IAM principal ARN in partition ${this.partition}`, administrator, `give a role ARN such as arn:${this.partition}:iam::<account>:role/<name>`);
      }
    });
    if (!env) return;
    this.keys.set(name, {
      name,
      env,
      accountKey: key.account,
      alias,
      description: key.description ?? `Customer-managed key ${name}`,
      administrators: key.administrators,
      deletionWindowDays: key.deletionWindowDays,
    });
  }

  /** Looks up a key and checks it lives where the resource using it lives. */
  private keyFor(keyName: string | undefined, path: string, where: ResourceEnv | undefined, sameAccount: boolean): KeyInfo | undefined {
    if (keyName === undefined) return undefined;
    const key = this.keys.get(keyName);
    if (!key) {
      if (!Object.prototype.hasOwnProperty.call(this.manifest.kmsKeys, keyName)) {
        this.problem('kms-key-unknown', path, 'the key must be a key of `kmsKeys`', keyName, `use one of: ${Object.keys(this.manifest.kmsKeys).join(', ') || '(none declared)'}`);
      }
      return undefined;
    }
    if (where && (key.env.region !== where.region || (sameAccount && key.env.account !== where.account))) {
      this.problem(
        'kms-key-location',
        path,
        sameAccount ? 'the key must be in the same account and region as the resource it encrypts' : 'the key must be in the same region as the resource it encrypts',
        keyName,
        `use a key in ${sameAccount ? `account ${where.account}, ` : ''}region ${where.region}`,
      );
    }
    return key;
  }

  private resolveRepository(name: string, repository: Manifest['repositories'][string]): void {
    const path = `repositories.${name}`;
    if (name.length < 2 || name.length > 256 || !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)) {
      this.problem('repository-name-invalid', path, 'an ECR repository name has 2 to 256 lowercase letters, digits and single `.`, `_`, `-` or `/` separators', name, 'rename the repository');
    }
    const env = this.env(repository.account, repository.region, path);
    const kmsKey = this.keyFor(repository.kmsKey, `${path}.kmsKey`, env, true);
    this.checkOrganizationAccess(repository.access, `${path}.access`);
    if (!env) return;
    this.repositories.set(name, {
      name,
      env,
      accountKey: repository.account,
      arn: ecrRepositoryArn(env, name),
      kmsKey,
      access: repository.access,
      keepTaggedImages: repository.keepTaggedImages,
      untaggedExpiryDays: repository.untaggedExpiryDays,
    });
  }

  private checkOrganizationAccess(access: string, path: string): void {
    if (access === 'organization' && this.manifest.organizationId === undefined) {
      this.problem('organization-id-missing', path, 'organization-wide access needs `organizationId`', access, 'set `organizationId`, or use `access: roles`');
    }
  }

  private resolveSecret(name: string, secret: Manifest['secrets'][string]): void {
    const path = `secrets.${name}`;
    if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
      this.problem('secret-name-invalid', path, 'a secret name has 1 to 512 letters, digits and `/_+=.@-`', name, 'rename the secret');
      return;
    }
    this.checkDescription(secret.description, `${path}.description`, 2048);
    if (secret.existingArn === undefined && SECRET_SUFFIX.test(name)) {
      this.problem(
        'secret-name-suffix-ambiguous',
        path,
        'a secret name must not end with a hyphen and six characters, because a partial ARN of it looks like a complete ARN and Secrets Manager may resolve it to another secret',
        name,
        'rename the secret, for example by dropping or lengthening the last hyphenated part',
      );
    }
    const env = this.env(secret.account, secret.region, path);
    const kmsKey = this.keyFor(secret.kmsKey, `${path}.kmsKey`, env, true);
    this.checkOrganizationAccess(secret.access, `${path}.access`);
    if (!env) return;

    let ref: SecretReference = { env, name };
    if (secret.existingArn !== undefined) {
      const parsed = parseSecretArn(secret.existingArn, true);
      if ('error' in parsed) {
        this.problem('secret-arn-invalid', `${path}.existingArn`, parsed.error, secret.existingArn, 'give the complete ARN, with the six-character suffix, as the Secrets Manager console shows it');
        return;
      }
      if (parsed.env.account !== env.account || parsed.env.region !== env.region || parsed.name !== name || parsed.jsonKey || parsed.versionStage || parsed.versionId) {
        this.problem('secret-arn-mismatch', `${path}.existingArn`, `the ARN must name secret \`${name}\` in account ${env.account} and region ${env.region}, with no JSON key or version`, secret.existingArn, 'correct the ARN, the secret name or its account and region');
        return;
      }
      ref = parsed;
    }
    this.secrets.set(name, {
      name,
      env,
      accountKey: secret.account,
      ref,
      kmsKey,
      created: secret.existingArn === undefined,
      managed: true,
      access: secret.access,
      description: secret.description ?? `Secret ${name}`,
    });
  }

  private resolveService(name: string, spec: ServiceSpec): ServiceInfo | undefined {
    const path = `services.${name}`;
    const env = this.env(spec.account, spec.region, path);
    if (!env) return undefined;
    const account = this.accounts.get(spec.account)!;

    const memoryOptions = FARGATE_SIZES[spec.cpu];
    if (!memoryOptions) {
      this.problem('fargate-size-invalid', `${path}.cpu`, 'Fargate accepts 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units', spec.cpu, 'choose one of those values');
    } else if (!memoryOptions.includes(spec.memory)) {
      this.problem('fargate-size-invalid', `${path}.memory`, `with ${spec.cpu} CPU units Fargate accepts ${memoryOptions[0]} to ${memoryOptions.at(-1)} MiB in its steps`, spec.memory, `choose one of ${memoryOptions.join(', ')}`);
    }

    const executionRoleName = `${name}-execution`;
    const taskRoleName = `${name}-task`;
    if (taskRoleName.length > MAX_ROLE_NAME || executionRoleName.length > MAX_ROLE_NAME) {
      this.problem('role-name-too-long', path, `IAM role names have at most ${MAX_ROLE_NAME} characters, and this service's execution role would be \`${executionRoleName}\` (${executionRoleName.length})`, name, `shorten the service name to at most ${MAX_ROLE_NAME - '-execution'.length} characters`);
    }

    for (const [roleKey, options] of [['executionRole', spec.executionRole], ['taskRole', spec.taskRole]] as const) {
      const services = options.trustedServices;
      if (services !== undefined && (services.length !== 1 || services[0] !== ECS_TASKS_SERVICE)) {
        this.problem('trust-principal-invalid', `${path}.${roleKey}.trustedServices`, `ECS task roles trust only \`${ECS_TASKS_SERVICE}\``, services, `remove the field or set it to [${ECS_TASKS_SERVICE}]`);
      }
      if (options.permissionsBoundaryArn !== undefined) {
        const arn = parseArn(options.permissionsBoundaryArn);
        if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('policy/') || arn.partition !== this.partition) {
          this.problem('permissions-boundary-invalid', `${path}.${roleKey}.permissionsBoundaryArn`, 'a permissions boundary is a managed policy ARN', options.permissionsBoundaryArn, `give an ARN such as arn:${this.partition}:iam::${account.id}:policy/<name>`);
        }
      }
    }
    if (spec.executionRole.statements !== undefined && spec.executionRole.statements.length > 0) {
      this.problem(
        'execution-role-app-permissions',
        `${path}.executionRole.statements`,
        'the execution role carries only what ECS needs to start the task (image pull, logs, secrets); application permissions belong on the task role',
        spec.executionRole.statements.map((statement) => statement.sid),
        `move these statements to \`${path}.taskRole.statements\``,
      );
    }
    spec.taskRole.statements.forEach((statement, index) => this.checkStatement(statement, `${path}.taskRole.statements.${index}`));

    const containerSpecs: [string, ContainerSpec, boolean][] = Object.entries(spec.containers).map(([containerName, container]) => [containerName, container, false]);
    let gateway: GatewayContainer | undefined;
    if (spec.gateway) {
      gateway = gatewayContainer(spec.gateway, `${path}.gateway`, spec.containers, (problem) => this.problems.add(problem));
      if (gateway) {
        if (spec.containers[gateway.name] !== undefined) {
          this.problem('container-name-duplicate', `${path}.containers.${gateway.name}`, `the name \`${gateway.name}\` is taken by the gateway container`, gateway.name, 'rename the container');
        } else {
          containerSpecs.push([gateway.name, gateway.spec, true]);
        }
      }
    }
    if (Object.keys(spec.containers).length === 0) {
      this.problem('containers-missing', `${path}.containers`, 'a service needs at least one application container', spec.containers, 'add a container under `containers`');
    }

    const containers: ContainerInfo[] = [];
    for (const [containerName, container, isGateway] of containerSpecs) {
      const containerPath = isGateway ? `${path}.gateway` : `${path}.containers.${containerName}`;
      const info = this.resolveContainer(name, containerName, container, containerPath, env, isGateway);
      if (info) containers.push(info);
    }
    const deployment = resolveDeployment({ spec, path, env, gateway, containers }, (problem) => this.problems.add(problem), (warning) => this.warnings.push(warning));

    const rolePath = (options: { path: string }) => options.path;
    return {
      name,
      path,
      spec,
      env,
      account,
      containers,
      gateway: spec.gateway,
      ...deployment,
      executionRole: {
        name: executionRoleName,
        path: rolePath(spec.executionRole),
        arn: roleArn(this.partition, account.id, executionRoleName, spec.executionRole.path),
        permissionsBoundaryArn: spec.executionRole.permissionsBoundaryArn,
        trustConditions: spec.executionRole.trustConditions,
        attachManagedPolicy: spec.executionRole.attachManagedPolicy,
      },
      taskRole: {
        name: taskRoleName,
        path: rolePath(spec.taskRole),
        arn: roleArn(this.partition, account.id, taskRoleName, spec.taskRole.path),
        permissionsBoundaryArn: spec.taskRole.permissionsBoundaryArn,
        trustConditions: spec.taskRole.trustConditions,
        statements: spec.taskRole.statements,
        ecsExec: spec.taskRole.ecsExec,
      },
    };
  }

  private checkStatement(statement: StatementSpec, path: string): void {
    statement.actions.forEach((action, index) => {
      if (isWildcardAction(action) && !statement.allowWildcard) {
        this.problem('wildcard-without-opt-in', `${path}.actions.${index}`, 'an action with `*` or `?` matches more actions than it names and needs an explicit opt-in', action, 'name the exact actions, or set `allowWildcard: true` on this statement');
      }
      if (action !== '*' && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
        this.problem('action-invalid', `${path}.actions.${index}`, 'an action has the form `service:Action`', action, 'write the action as the service authorization reference lists it, such as s3:GetObject');
      }
    });
    statement.resources.forEach((resource, index) => {
      const resourcePath = `${path}.resources.${index}`;
      if (resource.trim() === '') {
        this.problem('resource-empty', resourcePath, 'a resource must not be empty', resource, 'give the resource ARN, or remove the entry');
        return;
      }
      if (resource !== '*') {
        const arn = parseArn(resource);
        if (!arn || arn.partition !== this.partition || arn.service === '' || arn.resource === '') {
          this.problem('resource-arn-invalid', resourcePath, `a resource is an ARN in partition ${this.partition}: arn:${this.partition}:<service>:<region>:<account>:<resource>`, resource, `write the full ARN, starting with arn:${this.partition}:`);
          return;
        }
      }
      const broad = broadResourceWildcard(resource);
      if (broad && !statement.allowWildcard) {
        this.problem('wildcard-without-opt-in', resourcePath, `${broad}; such a wildcard needs an explicit opt-in`, resource, 'name the resource, keeping a wildcard only below it (such as arn:<partition>:s3:::<bucket>/*), or set `allowWildcard: true` on this statement');
      }
    });
    for (const [operator, entries] of Object.entries(statement.conditions ?? {})) {
      if (!isConditionOperator(operator)) {
        const closest = closestOperator(operator);
        this.problem('condition-operator-invalid', `${path}.conditions.${operator}`, 'IAM knows no such condition operator and would reject the whole policy', operator, closest ? `use \`${closest}\`` : 'use an operator from the IAM JSON policy reference, such as StringEquals or ArnLike');
      }
      for (const [key, values] of Object.entries(entries)) {
        const conditionPath = `${path}.conditions.${operator}.${key}`;
        if (values.length === 0 || values.some((value) => value.trim() === '')) {
          this.problem('condition-value-empty', conditionPath, 'a condition compares with one or more non-empty values; an empty one matches nothing or everything depending on the operator', values, 'give the values, or remove the condition key');
        }
      }
    }
  }

  private resolveContainer(serviceName: string, name: string, spec: ContainerSpec, path: string, serviceEnv: ResourceEnv, isGateway: boolean): ContainerInfo | undefined {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) {
      this.problem('container-name-invalid', path, 'a container name has 1 to 255 letters, digits, `_` and `-`', name, 'rename the container');
    }
    this.checkContainerSettings(spec, path, isGateway);
    const image = this.resolveImage(spec.image, `${path}.image`);
    const logRetentionDays = spec.logRetentionDays ?? this.manifest.defaults.logRetentionDays;
    if (spec.logRetentionDays !== undefined) this.checkRetention(`${path}.logRetentionDays`, spec.logRetentionDays);
    const logGroupName = `/ecs/${serviceName}/${name}`;

    for (const [variable, value] of Object.entries(spec.environment)) {
      const variablePath = `${path}.environment.${variable}`;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        this.problem('variable-name-invalid', variablePath, 'an environment variable name has letters, digits and `_`, and does not start with a digit', variable, 'rename the variable');
      }
      const valueKind = credentialValueKind(value);
      if (valueKind || isCredentialName(variable)) {
        this.problem(
          'environment-plaintext-secret',
          variablePath,
          `${valueKind ? `the value looks like ${valueKind}` : 'the name says it contains a credential'}, and plain environment variables can be read by anyone allowed to describe the task definition`,
          // The value itself is never echoed, so the error output does not leak it.
          `(${value.length} characters, not shown)`,
          valueKind
            ? `store the value in Secrets Manager, reference it as \`${path}.secrets.${variable}: { secret: <name from secrets> }\`, and rotate it, because it has been in the manifest`
            : `store the value in Secrets Manager and reference it as \`${path}.secrets.${variable}: { secret: <name from secrets> }\`, or, if it contains no credential, rename the variable`,
        );
      }
      if (spec.secrets[variable] !== undefined) {
        this.problem('variable-defined-twice', variablePath, 'a variable is set either in `environment` or in `secrets`, not both', variable, 'remove one of the two');
      }
    }

    const secrets: SecretUse[] = [];
    for (const [variable, source] of Object.entries(spec.secrets)) {
      const use = this.resolveSecretSource(variable, source, `${path}.secrets.${variable}`, serviceEnv);
      if (use) secrets.push(use);
    }

    let repositoryCredentials: SecretInfo | undefined;
    if (spec.repositoryCredentialsSecret !== undefined) {
      const credentialsPath = `${path}.repositoryCredentialsSecret`;
      repositoryCredentials = this.lookUpSecret(spec.repositoryCredentialsSecret, credentialsPath);
      if (repositoryCredentials && repositoryCredentials.env.account !== serviceEnv.account) {
        this.problem('registry-credentials-cross-account', credentialsPath, 'ECS reads private registry credentials only from a secret in the task account', spec.repositoryCredentialsSecret, `create the credentials secret in account ${serviceEnv.account}`);
      }
      if (image && image.kind === 'ecr') {
        this.problem('registry-credentials-for-ecr', credentialsPath, 'ECR images are pulled with the execution role, not with registry credentials', spec.repositoryCredentialsSecret, 'remove `repositoryCredentialsSecret`');
      }
    }

    if (!image) return undefined;
    let repository: RepositoryInfo | undefined;
    if (image.kind === 'ecr') {
      repository = this.repositories.get(image.repository);
      if (repository && (repository.env.account !== image.account || repository.env.region !== image.region)) {
        this.problem('image-repository-mismatch', `${path}.image`, `repository \`${image.repository}\` is declared in account ${repository.env.account} and region ${repository.env.region}, but the image host names account ${image.account} and region ${image.region}`, spec.image, `use the host ${repository.env.account}.dkr.ecr.${repository.env.region}.amazonaws.com`);
      }
      if (!repository) {
        this.warnings.push({
          id: 'repository-not-managed',
          path: `${path}.image`,
          message: `repository ${image.repository} in account ${image.account} is not declared under \`repositories\`, so only the execution role's side of the pull is written; its owner must allow the pull in the repository policy`,
        });
      }
    }

    return {
      name,
      path,
      spec,
      image,
      repository,
      secrets,
      logGroupName,
      logRetentionDays,
      isGateway,
      repositoryCredentials,
    };
  }

  private resolveImage(uri: string, path: string): ImageReference | undefined {
    const image = parseImageUri(uri);
    if ('error' in image) {
      this.problem('image-uri-invalid', path, image.error, uri, 'write the image as <registry>/<repository>:<tag> or <registry>/<repository>@sha256:<digest>');
      return undefined;
    }
    if (image.tag && image.digest) {
      this.problem('image-tag-and-digest', path, 'an image names either a tag or a digest, not both', uri, 'keep the digest for a pinned image, or the tag alone');
      return undefined;
    }
    if (!image.tag && !image.digest) {
      this.problem('image-not-pinned', path, 'an image names a tag or a digest; without one ECS pulls `latest`, which changes under a running service', uri, 'add `:<tag>` or `@sha256:<digest>`');
      return undefined;
    }
    if (image.kind === 'ecr') {
      if (image.partition !== this.partition) {
        this.problem('image-partition-mismatch', path, `the ECR host belongs to partition ${image.partition}, the manifest to ${this.partition}`, uri, 'use an image of the same partition');
        return undefined;
      }
      if (!this.accountsById.has(image.account)) {
        this.problem('image-account-unknown', path, 'the ECR registry account must be declared under `accounts`', image.account, 'add the registry account to `accounts`, or copy the image into a registry of the landing zone');
        return undefined;
      }
      if (!regionBelongsToPartition(image.region, this.partition)) {
        this.problem('region-not-in-partition', path, `the ECR host region must exist in partition ${this.partition}`, image.region, 'correct the region in the image host');
        return undefined;
      }
    }
    return image;
  }

  /** Resolves `secret:` values: a name from `secrets`, or a secret ARN. */
  private lookUpSecret(value: string, path: string): SecretInfo | undefined {
    const declared = this.secrets.get(value);
    if (declared) return declared;
    if (Object.prototype.hasOwnProperty.call(this.manifest.secrets, value)) return undefined;
    if (!value.startsWith('arn:')) {
      this.problem(
        'secret-bare-name',
        path,
        'a Secrets Manager source must be a name declared under `secrets` or a secret ARN; ECS treats any other bare name as an SSM parameter',
        value,
        `declare \`${value}\` under \`secrets\` with its account, or give its ARN`,
      );
      return undefined;
    }

    const complete = SECRET_SUFFIX.test(value.split(':').slice(6, 7)[0] ?? '');
    const parsed = parseSecretArn(value, complete);
    if ('error' in parsed) {
      this.problem('secret-arn-invalid', path, parsed.error, value, 'give the complete secret ARN');
      return undefined;
    }
    if (parsed.env.partition !== this.partition) {
      this.problem('secret-arn-invalid', path, `the secret ARN must be in partition ${this.partition}`, value, 'use a secret of the same partition');
      return undefined;
    }
    if (!regionBelongsToPartition(parsed.env.region, this.partition)) {
      this.problem('region-not-in-partition', path, `the secret's region must exist in partition ${this.partition}`, parsed.env.region, 'correct the region in the ARN');
      return undefined;
    }
    if (parsed.jsonKey || parsed.versionStage || parsed.versionId) {
      this.problem('secret-arn-suffix', path, 'give the JSON key and version in `jsonKey`, `versionStage` and `versionId`, not inside the ARN', value, 'move the suffix fields into their own keys');
      return undefined;
    }

    const declaredMatch = [...this.secrets.values()].find(
      (secret) => secret.env.account === parsed.env.account && secret.env.region === parsed.env.region && secret.name === parsed.name && (parsed.suffix === undefined || secret.ref.suffix === undefined || secret.ref.suffix === parsed.suffix),
    );
    if (declaredMatch) return declaredMatch;
    if (!this.accountsById.has(parsed.env.account)) {
      this.problem('secret-account-unknown', path, 'the secret account must be declared under `accounts`', parsed.env.account, 'add the account to `accounts`, or declare the secret under `secrets` with `existingArn`');
      return undefined;
    }

    const key = `${parsed.env.account}:${parsed.env.region}:${parsed.name}`;
    const known = this.outsideSecrets.get(key);
    if (known) return known;
    const info: SecretInfo = {
      name: parsed.name,
      env: parsed.env,
      ref: { ...parsed, jsonKey: undefined, versionStage: undefined, versionId: undefined },
      created: false,
      managed: false,
      access: 'roles',
      description: '',
    };
    this.outsideSecrets.set(key, info);
    this.warnings.push({
      id: 'secret-not-managed',
      path,
      message: `secret ${parsed.name} in account ${parsed.env.account} is not declared under \`secrets\`, so only the execution role's side is written; its owner must allow the read in the secret's resource policy and key policy`,
    });
    return info;
  }

  private resolveSecretSource(variable: string, source: SecretSource, path: string, serviceEnv: ResourceEnv): SecretUse | undefined {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      this.problem('variable-name-invalid', path, 'an environment variable name has letters, digits and `_`, and does not start with a digit', variable, 'rename the variable');
    }
    if ('secret' in source) {
      const secret = this.lookUpSecret(source.secret, `${path}.secret`);
      if (!secret) return undefined;
      if (source.versionStage && source.versionId) {
        this.problem('secret-version-conflict', path, 'give either `versionStage` or `versionId`, not both', source, 'remove one of them');
        return undefined;
      }
      // ECS splits valueFrom at colons, so a colon inside one of these fields would shift the others.
      if (source.jsonKey !== undefined && source.jsonKey.includes(':')) {
        this.problem('secret-json-key-invalid', `${path}.jsonKey`, 'a JSON key must not contain `:`, which separates the fields of valueFrom', source.jsonKey, 'rename the key in the secret, or read the whole secret');
        return undefined;
      }
      if (source.versionStage !== undefined && (source.versionStage.length > 256 || source.versionStage.includes(':'))) {
        this.problem('secret-version-invalid', `${path}.versionStage`, 'a version stage has 1 to 256 characters and no `:`', source.versionStage, 'use a staging label such as AWSCURRENT or AWSPREVIOUS');
        return undefined;
      }
      if (source.versionId !== undefined && !/^[A-Za-z0-9-]{32,64}$/.test(source.versionId)) {
        this.problem('secret-version-invalid', `${path}.versionId`, 'a version id has 32 to 64 letters, digits and hyphens', source.versionId, 'copy the version id (a UUID) from Secrets Manager');
        return undefined;
      }
      const ref: SecretReference = { ...secret.ref, jsonKey: source.jsonKey, versionStage: source.versionStage, versionId: source.versionId };
      return { kind: 'secret', variable, path, secret, valueFrom: secretValueFrom(ref), policyResource: secretPolicyResource(secret.ref) };
    }

    const value = source.parameter;
    let env: ResourceEnv = serviceEnv;
    let name = value;
    if (value.startsWith('arn:')) {
      const arn = parseArn(value);
      if (!arn || arn.service !== 'ssm' || !arn.resource.startsWith('parameter/')) {
        this.problem('parameter-arn-invalid', `${path}.parameter`, 'a parameter ARN has the form arn:<partition>:ssm:<region>:<account>:parameter/<name>', value, 'correct the ARN, or give the parameter name');
        return undefined;
      }
      if (arn.account !== serviceEnv.account) {
        this.problem(
          'parameter-cross-account',
          `${path}.parameter`,
          `ECS resolves parameters only in the task account (${serviceEnv.account}); this one is in account ${arn.account}`,
          value,
          'share the value through Secrets Manager with a resource policy (declare it under `secrets`), or copy the parameter into the task account',
        );
        return undefined;
      }
      if (!regionBelongsToPartition(arn.region, this.partition) || arn.partition !== this.partition) {
        this.problem('region-not-in-partition', `${path}.parameter`, `the parameter must be in partition ${this.partition}`, value, 'correct the ARN');
        return undefined;
      }
      env = { partition: this.partition, region: arn.region, account: arn.account };
      name = `/${arn.resource.slice('parameter/'.length)}`;
      if (!arn.resource.slice('parameter/'.length).includes('/')) name = arn.resource.slice('parameter/'.length);
    }
    if (/^\/aws\/reference\/secretsmanager\//i.test(name)) {
      this.problem(
        'parameter-secret-reference',
        `${path}.parameter`,
        'a Secrets Manager secret read through Parameter Store also needs secretsmanager:GetSecretValue and its key policy, which only a `secret:` source derives',
        value,
        `use \`{ secret: ${name.slice('/aws/reference/secretsmanager/'.length)} }\``,
      );
      return undefined;
    }
    const nameProblem = ssmParameterNameProblem(name);
    if (nameProblem) {
      this.problem('parameter-name-invalid', `${path}.parameter`, nameProblem, value, name.includes('/') && !name.startsWith('/') ? `write it as /${name}` : 'correct the parameter name');
      return undefined;
    }
    const kmsKey = this.keyFor(source.kmsKey, `${path}.kmsKey`, env, false);
    const arn = ssmParameterArn(env, name);
    return { kind: 'parameter', variable, path, name, arn, valueFrom: arn, kmsKey };
  }

  /**
   * Reports names that map to one Sid or construct id. Those drop punctuation or turn `/` into
   * `--`, and a duplicate identifier would make synthesis fail.
   */
  private checkDerivedNames(mapPath: string, names: readonly string[], derive: (name: string) => string, id: string, usedIn: string): void {
    const seen = new Map<string, string>();
    for (const name of names) {
      const derived = derive(name);
      const previous = seen.get(derived);
      if (previous !== undefined) {
        this.problem(id, `${mapPath}.${name}`, `the name differs from \`${previous}\` only in ${derive === constructId ? '`/` against `--`' : 'punctuation or case'}, and both would give one identifier in ${usedIn}`, name, 'rename one of them');
      }
      seen.set(derived, name);
    }
  }

  /** KMS accepts descriptions of up to 8,192 characters and Secrets Manager of up to 2,048. */
  private checkDescription(description: string | undefined, path: string, limit: number): void {
    if (description !== undefined && description.length > limit) {
      this.problem('description-too-long', path, `the description has ${description.length} characters, and AWS accepts at most ${limit}`, `${description.slice(0, 40)}…`, `shorten it to ${limit} characters`);
    }
  }

  /** Two keys with one alias in the same account and region would fail at apply: KMS aliases are unique there. */
  private checkKeyAliases(): void {
    const seen = new Map<string, string>();
    for (const key of this.keys.values()) {
      const slot = `${key.env.account}:${key.env.region}:${key.alias}`;
      const previous = seen.get(slot);
      if (previous) {
        this.problem('kms-alias-duplicate', `kmsKeys.${key.name}.alias`, `alias \`${key.alias}\` is already used by kmsKeys.${previous} in account ${key.env.account} and region ${key.env.region}`, key.alias, 'give each key its own alias');
      }
      seen.set(slot, key.name);
    }
  }

  /** Checks container settings that ECS accepts at registration but that fail when the task starts. */
  private checkContainerSettings(spec: ContainerSpec, path: string, isGateway: boolean): void {
    const mounts = new Map<string, number>();
    spec.writablePaths.forEach((writablePath, index) => {
      const problem = writablePathProblem(writablePath);
      if (problem) {
        this.problem('writable-path-invalid', `${path}.writablePaths.${index}`, problem, writablePath, 'give an absolute path such as /tmp');
        return;
      }
      const normalized = normalizedMountPath(writablePath);
      const previous = mounts.get(normalized);
      if (previous !== undefined) {
        this.problem('writable-path-invalid', `${path}.writablePaths.${index}`, `the path is already listed as entry ${previous}, and one path cannot be mounted twice`, writablePath, 'remove the duplicate');
      }
      mounts.set(normalized, index);
    });

    if (!spec.healthCheck) return;
    // The gateway's check comes from its preset or from `healthCheckCommand`.
    const healthCheckPath = isGateway ? `${path}.healthCheckCommand` : `${path}.healthCheck`;
    const commandProblem = healthCheckCommandProblem(spec.healthCheck.command);
    if (commandProblem) {
      this.problem('health-check-invalid', isGateway ? healthCheckPath : `${healthCheckPath}.command`, commandProblem, spec.healthCheck.command, 'write it like [CMD-SHELL, "curl -f http://localhost:8080/health || exit 1"] or [CMD, /bin/healthcheck]');
    }
    const { timeoutSeconds } = spec.healthCheck;
    if (timeoutSeconds < HEALTH_CHECK_TIMEOUT.min || timeoutSeconds > HEALTH_CHECK_TIMEOUT.max) {
      this.problem('health-check-invalid', `${healthCheckPath}.timeoutSeconds`, `ECS accepts a health check timeout of ${HEALTH_CHECK_TIMEOUT.min} to ${HEALTH_CHECK_TIMEOUT.max} seconds`, timeoutSeconds, `choose ${HEALTH_CHECK_TIMEOUT.max} seconds or less`);
    }
  }

  /** Checks the names derived from a service against IAM and ECS rules, and its containers against the task size. */
  private checkServiceLimits(service: ServiceInfo): void {
    const { spec, path } = service;
    // Sids are unique within a policy document; `EcsExecChannels` is the statement ECS Exec adds.
    const sids = new Map<string, number>(spec.taskRole.ecsExec ? [['EcsExecChannels', -1]] : []);
    spec.taskRole.statements.forEach((statement, index) => {
      const previous = sids.get(statement.sid);
      if (previous !== undefined) {
        this.problem('statement-sid-duplicate', `${path}.taskRole.statements.${index}.sid`, previous < 0 ? 'the Sid `EcsExecChannels` is taken by the statement `ecsExec: true` adds' : `the Sid is already used by statement ${previous}`, statement.sid, 'give each statement its own Sid');
      }
      sids.set(statement.sid, index);
    });
    for (const [roleKey, role] of [['executionRole', service.executionRole], ['taskRole', service.taskRole]] as const) {
      const problem = roleNameProblem(role.name);
      // Length is reported once, by role-name-too-long.
      if (problem && role.name.length <= MAX_ROLE_NAME) this.problem('role-name-invalid', `${path}.${roleKey}`, problem, role.name, 'rename the service');
    }

    // ECS and the derived log group and volume names treat containers as one namespace; names differing only in case confuse both.
    const names = [...Object.keys(spec.containers)];
    const seen = new Map<string, string>();
    for (const name of names) {
      const previous = seen.get(name.toLowerCase());
      if (previous) {
        this.problem('container-name-duplicate', `${path}.containers.${name}`, `the name differs from container \`${previous}\` only in case`, name, 'rename one of the containers');
      }
      seen.set(name.toLowerCase(), name);
    }
    if (spec.gateway) {
      const clash = names.find((name) => name !== GATEWAY_CONTAINER_NAME && name.toLowerCase() === GATEWAY_CONTAINER_NAME);
      if (clash) {
        this.problem('container-name-duplicate', `${path}.containers.${clash}`, `the name differs from the gateway container \`${GATEWAY_CONTAINER_NAME}\` only in case`, clash, 'rename the container');
      }
    }

    for (const [roleKey, role] of [['executionRole', service.executionRole], ['taskRole', service.taskRole]] as const) {
      const problem = rolePathProblem(role.path);
      if (problem) this.problem('role-path-invalid', `${path}.${roleKey}.path`, problem, role.path, 'shorten the path');
    }

    // Containers of an awsvpc task share one network namespace, so two cannot listen on one port.
    const ports = new Map<number, string>();
    for (const container of service.containers) {
      const port = container.spec.port;
      if (port === undefined) continue;
      const previous = ports.get(port);
      if (previous !== undefined) {
        this.problem('port-duplicate', `${container.path}.port`, `port ${port} is already used by container \`${previous}\`, and containers of one task share its network`, port, 'give each container its own port');
      }
      ports.set(port, container.name);
    }

    if (service.containers.length > MAX_CONTAINERS) {
      this.problem('containers-too-many', `${path}.containers`, `ECS allows at most ${MAX_CONTAINERS} containers in a task definition, and this one would have ${service.containers.length}${spec.gateway ? ', counting the gateway' : ''}`, service.containers.length, 'move containers to another service');
    }
    const definitionSize = Buffer.byteLength(JSON.stringify(renderContainerDefinitions(service)));
    if (definitionSize > MAX_TASK_DEFINITION_BYTES) {
      this.problem('task-definition-too-large', `${path}.containers`, `ECS accepts task definitions up to ${MAX_TASK_DEFINITION_BYTES} bytes, and the container definitions alone take ${definitionSize}`, definitionSize, 'move variables into fewer secrets read as JSON keys, or split the service');
    }

    // Fargate rejects a task definition whose containers reserve more than the task has.
    const containers = Object.entries(spec.containers);
    const cpu = containers.reduce((sum, [, container]) => sum + (container.cpu ?? 0), 0);
    if (cpu > spec.cpu) {
      this.problem('container-size-exceeds-task', `${path}.containers`, `the containers reserve ${cpu} CPU units, more than the task's ${spec.cpu}`, cpu, `lower the containers' \`cpu\`, or raise \`${path}.cpu\``);
    }
    const memory = containers.reduce((sum, [, container]) => sum + (container.memory ?? 0), 0);
    if (memory > spec.memory) {
      this.problem('container-size-exceeds-task', `${path}.containers`, `the containers reserve ${memory} MiB of memory, more than the task's ${spec.memory}`, memory, `lower the containers' \`memory\`, or raise \`${path}.memory\``);
    }
  }

  /** Log group names must be valid and, within one account and region, belong to one container only. */
  private checkLogGroups(services: readonly ServiceInfo[]): void {
    const seen = new Map<string, string>();
    for (const service of services) {
      for (const container of service.containers) {
        const problem = logGroupNameProblem(container.logGroupName);
        if (problem) this.problem('log-group-name-invalid', container.path, problem, container.logGroupName, 'shorten or rename the service or container');
        const slot = `${service.env.account}:${service.env.region}:${container.logGroupName}`;
        const previous = seen.get(slot);
        if (previous) {
          this.problem('log-group-name-duplicate', container.path, `log group \`${container.logGroupName}\` is already written for ${previous}`, container.logGroupName, 'rename the service or container');
        }
        seen.set(slot, container.path);
      }
    }
  }

  /**
   * Checks the name `<alias>-<region>` of every stack. It names the stack's output folder and, where
   * the stack has services, its ECS cluster, so it must fit both a file name and ECS's 255 characters.
   */
  private checkStackNames(services: readonly ServiceInfo[]): void {
    const scopes: { accountKey: string; region: string }[] = [
      ...services.map((service) => ({ accountKey: service.account.key, region: service.env.region })),
      ...[...this.keys.values()].map((key) => ({ accountKey: key.accountKey, region: key.env.region })),
      ...[...this.repositories.values()].map((repository) => ({ accountKey: repository.accountKey, region: repository.env.region })),
      ...[...this.secrets.values()].filter((secret) => secret.accountKey !== undefined).map((secret) => ({ accountKey: secret.accountKey!, region: secret.env.region })),
    ];
    const reported = new Set<string>();
    for (const { accountKey, region } of scopes) {
      const account = this.accounts.get(accountKey);
      // A bad character in the alias is already reported by resolveAccount; only the length is left.
      if (!account || !ACCOUNT_ALIAS.test(account.alias)) continue;
      const name = `${account.alias}-${region}`;
      const problem = clusterNameProblem(name);
      if (problem && !reported.has(accountKey)) {
        reported.add(accountKey);
        this.problem('account-alias-invalid', `accounts.${accountKey}.alias`, `${problem}, and the stack and cluster would be \`${name}\``, account.alias, 'shorten the alias');
      }
    }
  }


  /**
   * A repository or secret shared with `access: organization` admits only principals of the
   * organization, so a consumer in an account outside it would be denied at task start.
   */
  private checkOrganizationConsumers(services: readonly ServiceInfo[]): void {
    for (const service of services) {
      if (!service.account.outsideOrganization) continue;
      const reported = new Set<string>();
      for (const container of service.containers) {
        const shared: [string, string][] = [];
        if (container.repository?.access === 'organization') shared.push([`repositories.${container.repository.name}`, `${container.path}.image`]);
        for (const use of container.secrets) {
          if (use.kind === 'secret' && use.secret.managed && use.secret.access === 'organization') shared.push([`secrets.${use.secret.name}`, use.path]);
        }
        for (const [resourcePath, usePath] of shared) {
          if (reported.has(resourcePath)) continue;
          reported.add(resourcePath);
          this.problem(
            'consumer-outside-organization',
            usePath,
            `${resourcePath} admits only principals of organization ${this.manifest.organizationId}, and account ${service.account.key} (${service.env.account}) is outside it`,
            service.account.key,
            `set \`${resourcePath}.access: roles\` so the policy names this execution role, or move the service into an account of the organization`,
          );
        }
      }
    }
  }

  /** A secret read from another account must use a customer-managed key, because the AWS managed key cannot be shared. */
  private checkCrossAccountEncryption(services: readonly ServiceInfo[]): void {
    // One problem per secret, naming every service that reads it from another account.
    const readers = new Map<string, { secret: SecretInfo; services: Set<string> }>();
    for (const service of services) {
      for (const container of service.containers) {
        for (const use of container.secrets) {
          if (use.kind !== 'secret' || !use.secret.managed) continue;
          if (use.secret.env.account === service.env.account || use.secret.kmsKey) continue;
          // An unknown key name is already reported as kms-key-unknown.
          if (this.manifest.secrets[use.secret.name]?.kmsKey !== undefined) continue;
          const entry = readers.get(use.secret.name) ?? { secret: use.secret, services: new Set<string>() };
          entry.services.add(`${service.name} (account ${service.env.account})`);
          readers.set(use.secret.name, entry);
        }
      }
    }
    for (const [name, { secret, services: names }] of readers) {
      this.problem(
        'secret-cross-account-needs-cmk',
        `secrets.${name}.kmsKey`,
        `${[...names].join(', ')} read${names.size === 1 ? 's' : ''} this secret from account ${secret.env.account}, which works only with a customer-managed KMS key`,
        undefined,
        `set \`kmsKey\` to a key from \`kmsKeys\` in account ${secret.env.account}`,
      );
    }
  }

}
