/**
 * Derives every grant of a landing zone from its resolved manifest: the identity statements of
 * each execution role and task role, and the resource-policy statements of every repository,
 * key and secret they use. Pure TypeScript, no cdktf, so verify, diff and explain can reuse it.
 */
import {
  ECR_AUTH_ACTIONS,
  ECR_PULL_ACTIONS,
  ECS_EXEC_ACTIONS,
  KMS_ADMIN_ACTIONS,
  KMS_DECRYPT_ACTIONS,
  LOGS_WRITE_ACTIONS,
  PARAMETER_READ_ACTIONS,
  SECRET_READ_ACTIONS,
} from './actions';
import {
  ResourceEnv,
  accountRootArn,
  ecrRepositoryArn,
  ecsSourceArnPattern,
  kmsKeysInAccountArn,
  logStreamsArn,
  parseArn,
  secretPolicyResource,
  serviceEndpoint,
} from './arn';
import { PolicyDocument, Statement, sidFromName } from './policy';
import { KeyInfo, LandingZone, RepositoryInfo, RoleInfo, SecretInfo, ServiceInfo, StackScope } from '../manifest/model';

/** The service that decrypts on the task's behalf, as `kms:ViaService` names it. */
export type DecryptVia = 'secretsmanager' | 'ssm';

/** One consumer of a shared resource: an execution role in some account. */
export interface Consumer {
  readonly service: string;
  readonly roleArn: string;
  readonly account: string;
}

/**
 * Builds the trust policy of either role: `ecs-tasks.amazonaws.com`, optionally bound to the
 * account and its ECS resources with `aws:SourceAccount` and `aws:SourceArn`.
 * The ECS developer guide documents these keys for the task role's trust policy only, so the
 * manifest turns them on by default for the task role and off for the execution role.
 */
export function trustPolicy(role: RoleInfo, env: ResourceEnv): PolicyDocument {
  const conditions = role.trustConditions
    ? { ArnLike: { 'aws:SourceArn': [ecsSourceArnPattern(env)] }, StringEquals: { 'aws:SourceAccount': [env.account] } }
    : undefined;
  return new PolicyDocument('trust', [
    { sid: 'AssumedByEcsTasks', principals: { Service: ['ecs-tasks.amazonaws.com'] }, actions: ['sts:AssumeRole'], conditions },
  ]);
}

interface KeyUse {
  key: KeyInfo;
  via: DecryptVia;
}

/** Lists the keys a service's secrets and parameters need decrypted, with the service that decrypts. */
export function keyUses(service: ServiceInfo): KeyUse[] {
  const uses = new Map<string, KeyUse>();
  for (const container of service.containers) {
    for (const use of container.secrets) {
      const key = use.kind === 'secret' ? use.secret.kmsKey : use.kmsKey;
      if (!key) continue;
      const via: DecryptVia = use.kind === 'secret' ? 'secretsmanager' : 'ssm';
      uses.set(`${key.name}:${via}`, { key, via });
    }
    // ECS reads private registry credentials through Secrets Manager too, before pulling the image.
    const credentialsKey = container.repositoryCredentials?.kmsKey;
    if (credentialsKey) uses.set(`${credentialsKey.name}:secretsmanager`, { key: credentialsKey, via: 'secretsmanager' });
  }
  return [...uses.values()].sort((a, b) => `${a.key.name}:${a.via}`.localeCompare(`${b.key.name}:${b.via}`));
}

/**
 * Derives the identity statements of a service's execution role from its containers. They are
 * the ECR login token (the only `*` resource), pulls from the exact repositories, log writes to
 * the task's own groups, reads of the referenced secrets and parameters, and `kms:Decrypt`
 * through the service that uses each customer-managed key.
 */
export function executionRoleStatements(service: ServiceInfo, partition: ResourceEnv['partition']): Statement[] {
  const statements: Statement[] = [];
  const ecrRepositories = new Set<string>();
  for (const container of service.containers) {
    if (container.image.kind === 'ecr') {
      const { account, region, repository } = container.image;
      ecrRepositories.add(ecrRepositoryArn({ partition, region, account }, repository));
    }
  }
  if (ecrRepositories.size > 0) {
    statements.push({ sid: 'GetEcrAuthorizationToken', actions: [...ECR_AUTH_ACTIONS], resources: ['*'] });
    statements.push({ sid: 'PullImages', actions: [...ECR_PULL_ACTIONS], resources: [...ecrRepositories] });
  }

  statements.push({
    sid: 'WriteLogs',
    actions: [...LOGS_WRITE_ACTIONS],
    resources: service.containers.map((container) => logStreamsArn(service.env, container.logGroupName)),
  });

  const secretResources = new Set<string>();
  const parameterResources = new Set<string>();
  for (const container of service.containers) {
    for (const use of container.secrets) {
      if (use.kind === 'secret') secretResources.add(use.policyResource);
      else parameterResources.add(use.arn);
    }
    if (container.repositoryCredentials) {
      secretResources.add(secretPolicyResource(container.repositoryCredentials.ref));
    }
  }
  if (secretResources.size > 0) statements.push({ sid: 'ReadSecrets', actions: [...SECRET_READ_ACTIONS], resources: [...secretResources] });
  if (parameterResources.size > 0) statements.push({ sid: 'ReadParameters', actions: [...PARAMETER_READ_ACTIONS], resources: [...parameterResources] });

  for (const { key, via } of keyUses(service)) {
    statements.push({
      sid: `Decrypt${sidFromName(key.name)}Via${via === 'ssm' ? 'Ssm' : 'SecretsManager'}`,
      actions: [...KMS_DECRYPT_ACTIONS],
      // A created key's id exists only after apply, so its alias narrows the account's keys; an existing key is named exactly.
      resources: [key.existingArn ?? kmsKeysInAccountArn(key.env)],
      conditions: {
        ...(key.existingArn ? {} : { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [key.alias] } }),
        StringEquals: { 'kms:ViaService': [serviceEndpoint(via, key.env.region, key.env.partition)] },
      },
    });
  }
  return statements;
}

/** Identity statements of a service's task role: the manifest's statements, plus ECS Exec channels when asked. */
export function taskRoleStatements(service: ServiceInfo): Statement[] {
  const statements: Statement[] = service.taskRole.statements.map((statement) => ({
    sid: statement.sid,
    effect: statement.effect,
    actions: statement.actions,
    resources: statement.resources,
    conditions: statement.conditions,
  }));
  if (service.taskRole.ecsExec) {
    statements.push({ sid: 'EcsExecChannels', actions: [...ECS_EXEC_ACTIONS], resources: ['*'] });
  }
  return statements;
}

/** Principal and conditions that admit exactly the consumers' roles, by account root plus `aws:PrincipalArn`. */
function consumerScope(consumers: readonly Consumer[], partition: ResourceEnv['partition']): Pick<Statement, 'principals' | 'conditions'> {
  return {
    principals: { AWS: [...new Set(consumers.map((consumer) => accountRootArn(partition, consumer.account)))] },
    conditions: { ArnEquals: { 'aws:PrincipalArn': consumers.map((consumer) => consumer.roleArn) } },
  };
}

function organizationScope(zone: LandingZone): Pick<Statement, 'principals' | 'conditions'> {
  return { principals: '*', conditions: { StringEquals: { 'aws:PrincipalOrgID': [zone.organizationId!] } } };
}

/** Execution roles that pull from a repository, in any account. */
export function repositoryConsumers(zone: LandingZone, repository: RepositoryInfo): Consumer[] {
  return consumersOf(zone, (service) =>
    service.containers.some((container) => container.repository?.name === repository.name),
  );
}

/** Execution roles that read a secret, in any account. */
export function secretConsumers(zone: LandingZone, secret: SecretInfo): Consumer[] {
  return consumersOf(zone, (service) =>
    service.containers.some(
      (container) => container.secrets.some((use) => use.kind === 'secret' && use.secret === secret) || container.repositoryCredentials === secret,
    ),
  );
}

/** Execution roles that decrypt with a key through a given service. */
export function keyConsumers(zone: LandingZone, key: KeyInfo, via: DecryptVia): Consumer[] {
  return consumersOf(zone, (service) => keyUses(service).some((use) => use.key === key && use.via === via));
}

function consumersOf(zone: LandingZone, uses: (service: ServiceInfo) => boolean): Consumer[] {
  return zone.services
    .filter(uses)
    .map((service) => ({ service: service.name, roleArn: service.executionRole.arn, account: service.env.account }))
    .sort((a, b) => a.roleArn.localeCompare(b.roleArn));
}

/**
 * Builds the repository policy: pull actions for every execution role that pulls from it, from any
 * account, or for the whole organization. Same-account roles are listed too, which costs
 * nothing and keeps the policy a complete list of consumers. No `Resource` element, and never
 * `ecr:GetAuthorizationToken`, which a repository policy cannot grant.
 */
export function repositoryPolicy(zone: LandingZone, repository: RepositoryInfo): PolicyDocument | undefined {
  if (repository.access === 'organization') {
    return new PolicyDocument('resource', [{ sid: 'PullFromOrganization', actions: [...ECR_PULL_ACTIONS], ...organizationScope(zone) }]);
  }
  const consumers = repositoryConsumers(zone, repository);
  if (consumers.length === 0) return undefined;
  return new PolicyDocument('resource', [{ sid: 'PullByExecutionRoles', actions: [...ECR_PULL_ACTIONS], ...consumerScope(consumers, repository.env.partition) }]);
}

/** Builds the secret's resource policy: `GetSecretValue` for execution roles in other accounts, or for the organization. */
export function secretPolicy(zone: LandingZone, secret: SecretInfo): PolicyDocument | undefined {
  if (secret.access === 'organization') {
    return new PolicyDocument('resource', [{ sid: 'ReadFromOrganization', actions: [...SECRET_READ_ACTIONS], resources: ['*'], ...organizationScope(zone) }]);
  }
  const consumers = secretConsumers(zone, secret).filter((consumer) => consumer.account !== secret.env.account);
  if (consumers.length === 0) return undefined;
  return new PolicyDocument('resource', [{ sid: 'ReadByExecutionRoles', actions: [...SECRET_READ_ACTIONS], resources: ['*'], ...consumerScope(consumers, secret.env.partition) }]);
}

/**
 * Builds the key policy. The account root administers the key and delegates to IAM. Named
 * administrators manage it, named like every principal here by account root plus
 * `aws:PrincipalArn`, so the policy survives their roles being recreated. Each consumer
 * account's execution roles decrypt only through the service that uses the key. Same-account
 * roles need no usage statement, because the root statement delegates to their identity policies.
 */
export function keyPolicy(zone: LandingZone, key: KeyInfo): PolicyDocument {
  const partition = key.env.partition;
  const statements: Statement[] = [
    { sid: 'AccountRootAdministers', principals: { AWS: [accountRootArn(partition, key.env.account)] }, actions: ['kms:*'], resources: ['*'] },
  ];
  if (key.administrators.length > 0) {
    const administrators = key.administrators.map((arn) => ({ service: '', roleArn: arn, account: parseArn(arn)?.account ?? key.env.account }));
    statements.push({ sid: 'KeyAdministrators', actions: [...KMS_ADMIN_ACTIONS], resources: ['*'], ...consumerScope(administrators, partition) });
  }
  for (const via of ['secretsmanager', 'ssm'] as const) {
    const consumers = keyConsumers(zone, key, via).filter((consumer) => consumer.account !== key.env.account);
    if (consumers.length === 0) continue;
    const scope = consumerScope(consumers, partition);
    statements.push({
      sid: via === 'ssm' ? 'DecryptViaSsm' : 'DecryptViaSecretsManager',
      principals: scope.principals,
      actions: [...KMS_DECRYPT_ACTIONS],
      resources: ['*'],
      conditions: {
        ...scope.conditions,
        StringEquals: {
          'kms:CallerAccount': [...new Set(consumers.map((consumer) => consumer.account))],
          'kms:ViaService': [serviceEndpoint(via, key.env.region, partition)],
        },
      },
    });
  }
  if (zone.organizationId && needsOrganizationDecrypt(zone, key)) {
    statements.push({
      sid: 'DecryptFromOrganization',
      principals: '*',
      actions: [...KMS_DECRYPT_ACTIONS],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:PrincipalOrgID': [zone.organizationId], 'kms:ViaService': [serviceEndpoint('secretsmanager', key.env.region, partition)] },
      },
    });
  }
  return new PolicyDocument('resource', statements);
}

function needsOrganizationDecrypt(zone: LandingZone, key: KeyInfo): boolean {
  return [...zone.secrets.values()].some((secret) => secret.managed && secret.access === 'organization' && secret.kmsKey === key);
}

/** Groups the landing zone into one scope per (account, region) that has any resource or service. */
export function stackScopes(zone: LandingZone): StackScope[] {
  const scopes = new Map<string, { account: string; region: string; services: ServiceInfo[]; keys: KeyInfo[]; repositories: RepositoryInfo[]; secrets: SecretInfo[] }>();
  const scopeOf = (accountKey: string, region: string) => {
    const id = `${accountKey}\u0000${region}`;
    let scope = scopes.get(id);
    if (!scope) {
      scope = { account: accountKey, region, services: [], keys: [], repositories: [], secrets: [] };
      scopes.set(id, scope);
    }
    return scope;
  };
  for (const service of zone.services) scopeOf(service.account.key, service.env.region).services.push(service);
  for (const key of zone.keys.values()) if (!key.existingArn) scopeOf(key.accountKey, key.env.region).keys.push(key);
  for (const repository of zone.repositories.values()) scopeOf(repository.accountKey, repository.env.region).repositories.push(repository);
  for (const secret of zone.secrets.values()) if (secret.managed && secret.accountKey) scopeOf(secret.accountKey, secret.env.region).secrets.push(secret);

  return [...scopes.values()]
    .map((scope) => {
      const account = zone.accounts.get(scope.account)!;
      return {
        name: `${account.alias}-${scope.region}`,
        account,
        env: { partition: zone.partition, region: scope.region, account: account.id },
        services: scope.services,
        keys: scope.keys,
        repositories: scope.repositories,
        secrets: scope.secrets,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
