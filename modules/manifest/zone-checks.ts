/** Checks that need every resolved service at once, or a service with all its containers. */
import { keyUses } from '../core/access';
import { kmsKeysInAccountArn, secretArn } from '../core/arn';
import { renderContainerDefinitions } from '../core/container-definitions';
import { GATEWAY_CONTAINER_NAME } from './gateway';
import { SecretInfo, ServiceInfo } from './model';
import { ACCOUNT_ALIAS } from './resolve-accounts';
import { ResolveContext } from './resolve-context';
import { MAX_ROLE_NAME } from './resolve-service';
import { clusterNameProblem, logGroupNameProblem, roleNameProblem, rolePathProblem } from './rules/names';

/** ECS quotas: containers per task definition, and the size of a task definition (64 KiB); neither is adjustable. */
const MAX_CONTAINERS = 10;
const MAX_TASK_DEFINITION_BYTES = 65_536;

/** Checks the names derived from a service against IAM and ECS rules, and its containers against the task size. */
export function checkServiceLimits(context: ResolveContext, service: ServiceInfo): void {
  const { spec, path } = service;
  // Sids are unique within a policy document; `EcsExecChannels` is the statement ECS Exec adds.
  const sids = new Map<string, number>(spec.taskRole.ecsExec ? [['EcsExecChannels', -1]] : []);
  spec.taskRole.statements.forEach((statement, index) => {
    const previous = sids.get(statement.sid);
    if (previous !== undefined) {
      context.problem('statement-sid-duplicate', `${path}.taskRole.statements.${index}.sid`, previous < 0 ? 'the Sid `EcsExecChannels` is taken by the statement `ecsExec: true` adds' : `the Sid is already used by statement ${previous}`, statement.sid, 'give each statement its own Sid');
    }
    sids.set(statement.sid, index);
  });
  for (const [roleKey, role] of [['executionRole', service.executionRole], ['taskRole', service.taskRole]] as const) {
    const problem = roleNameProblem(role.name);
    // Length is reported once, by role-name-too-long.
    if (problem && role.name.length <= MAX_ROLE_NAME) context.problem('role-name-invalid', `${path}.${roleKey}`, problem, role.name, 'rename the service');
  }

  // ECS and the derived log group and volume names treat containers as one namespace; names differing only in case confuse both.
  const names = [...Object.keys(spec.containers)];
  const seen = new Map<string, string>();
  for (const name of names) {
    const previous = seen.get(name.toLowerCase());
    if (previous) {
      context.problem('container-name-duplicate', `${path}.containers.${name}`, `the name differs from container \`${previous}\` only in case`, name, 'rename one of the containers');
    }
    seen.set(name.toLowerCase(), name);
  }
  if (spec.gateway) {
    const clash = names.find((name) => name !== GATEWAY_CONTAINER_NAME && name.toLowerCase() === GATEWAY_CONTAINER_NAME);
    if (clash) {
      context.problem('container-name-duplicate', `${path}.containers.${clash}`, `the name differs from the gateway container \`${GATEWAY_CONTAINER_NAME}\` only in case`, clash, 'rename the container');
    }
  }

  for (const [roleKey, role] of [['executionRole', service.executionRole], ['taskRole', service.taskRole]] as const) {
    const problem = rolePathProblem(role.path);
    if (problem) context.problem('role-path-invalid', `${path}.${roleKey}.path`, problem, role.path, 'shorten the path');
  }

  // Containers of an awsvpc task share one network namespace, so two cannot listen on one port.
  const ports = new Map<number, string>();
  for (const container of service.containers) {
    const port = container.spec.port;
    if (port === undefined) continue;
    const previous = ports.get(port);
    if (previous !== undefined) {
      context.problem('port-duplicate', `${container.path}.port`, `port ${port} is already used by container \`${previous}\`, and containers of one task share its network`, port, 'give each container its own port');
    }
    ports.set(port, container.name);
  }

  if (service.containers.length > MAX_CONTAINERS) {
    context.problem('containers-too-many', `${path}.containers`, `ECS allows at most ${MAX_CONTAINERS} containers in a task definition, and this one would have ${service.containers.length}${spec.gateway ? ', counting the gateway' : ''}`, service.containers.length, 'move containers to another service');
  }
  const definitionSize = Buffer.byteLength(JSON.stringify(renderContainerDefinitions(service)));
  if (definitionSize > MAX_TASK_DEFINITION_BYTES) {
    context.problem('task-definition-too-large', `${path}.containers`, `ECS accepts task definitions up to ${MAX_TASK_DEFINITION_BYTES} bytes, and the container definitions alone take ${definitionSize}`, definitionSize, 'move variables into fewer secrets read as JSON keys, or split the service');
  }

  // Fargate rejects a task definition whose containers reserve more than the task has.
  const containers = Object.entries(spec.containers);
  const cpu = containers.reduce((sum, [, container]) => sum + (container.cpu ?? 0), 0);
  if (cpu > spec.cpu) {
    context.problem('container-size-exceeds-task', `${path}.containers`, `the containers reserve ${cpu} CPU units, more than the task's ${spec.cpu}`, cpu, `lower the containers' \`cpu\`, or raise \`${path}.cpu\``);
  }
  const memory = containers.reduce((sum, [, container]) => sum + (container.memory ?? 0), 0);
  if (memory > spec.memory) {
    context.problem('container-size-exceeds-task', `${path}.containers`, `the containers reserve ${memory} MiB of memory, more than the task's ${spec.memory}`, memory, `lower the containers' \`memory\`, or raise \`${path}.memory\``);
  }
}

/** Log group names must be valid and, within one account and region, belong to one container only. */
export function checkLogGroups(context: ResolveContext, services: readonly ServiceInfo[]): void {
  const seen = new Map<string, string>();
  for (const service of services) {
    for (const container of service.containers) {
      const problem = logGroupNameProblem(container.logGroupName);
      if (problem) context.problem('log-group-name-invalid', container.path, problem, container.logGroupName, 'shorten or rename the service or container');
      const slot = `${service.env.account}:${service.env.region}:${container.logGroupName}`;
      const previous = seen.get(slot);
      if (previous) {
        context.problem('log-group-name-duplicate', container.path, `log group \`${container.logGroupName}\` is already written for ${previous}`, container.logGroupName, 'rename the service or container');
      }
      seen.set(slot, container.path);
    }
  }
}

/**
 * Checks the name `<alias>-<region>` of every stack. It names the stack's output folder and, where
 * the stack has services, its ECS cluster, so it must fit both a file name and ECS's 255 characters.
 */
export function checkStackNames(context: ResolveContext, services: readonly ServiceInfo[]): void {
  const scopes: { accountKey: string; region: string }[] = [
    ...services.map((service) => ({ accountKey: service.account.key, region: service.env.region })),
    ...[...context.keys.values()].map((key) => ({ accountKey: key.accountKey, region: key.env.region })),
    ...[...context.repositories.values()].map((repository) => ({ accountKey: repository.accountKey, region: repository.env.region })),
    ...[...context.secrets.values()].filter((secret) => secret.accountKey !== undefined).map((secret) => ({ accountKey: secret.accountKey!, region: secret.env.region })),
  ];
  const reported = new Set<string>();
  for (const { accountKey, region } of scopes) {
    const account = context.accounts.get(accountKey);
    // A bad character in the alias is already reported by resolveAccount; only the length is left.
    if (!account || !ACCOUNT_ALIAS.test(account.alias)) continue;
    const name = `${account.alias}-${region}`;
    const problem = clusterNameProblem(name);
    if (problem && !reported.has(accountKey)) {
      reported.add(accountKey);
      context.problem('account-alias-invalid', `accounts.${accountKey}.alias`, `${problem}, and the stack and cluster would be \`${name}\``, account.alias, 'shorten the alias');
    }
  }
}

/**
 * Rejects consumers in accounts outside the organization of a repository or secret shared with
 * `access: organization`, because its policy admits only principals of the organization.
 */
export function checkOrganizationConsumers(context: ResolveContext, services: readonly ServiceInfo[]): void {
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
        context.problem(
          'consumer-outside-organization',
          usePath,
          `${resourcePath} admits only principals of organization ${context.manifest.organizationId}, and account ${service.account.key} (${service.env.account}) is outside it`,
          service.account.key,
          `set \`${resourcePath}.access: roles\` so the policy names this execution role, or move the service into an account of the organization`,
        );
      }
    }
  }
}

/**
 * Warns once per existing key used from another account: its key policy is not managed here, so
 * its owner must allow `kms:Decrypt` for the listed execution roles.
 */
export function checkExistingKeys(context: ResolveContext, services: readonly ServiceInfo[]): void {
  const readers = new Map<string, Set<string>>();
  for (const service of services) {
    for (const { key, via } of keyUses(service)) {
      if (!key.existingArn || key.env.account === service.env.account) continue;
      const roles = readers.get(key.name) ?? new Set<string>();
      roles.add(`${service.executionRole.arn} through ${via}`);
      readers.set(key.name, roles);
    }
  }
  for (const [name, roles] of readers) {
    context.warnings.push({
      id: 'key-not-managed',
      path: `kmsKeys.${name}.existingArn`,
      message: `the key policy of existing key ${name} is not managed here, so its owner must allow kms:Decrypt, with kms:ViaService, for ${[...roles].join(', ')}`,
    });
  }
}

/**
 * Warns when a task role statement names a repository, secret or key of the landing zone in
 * another account: resource policies here admit only execution roles, so the application's own
 * call would be denied on the resource side.
 */
export function checkTaskRoleCrossAccount(context: ResolveContext, services: readonly ServiceInfo[]): void {
  const shared: { kind: string; name: string; account: string; prefix: string }[] = [];
  for (const repository of context.repositories.values()) shared.push({ kind: 'repository', name: repository.name, account: repository.env.account, prefix: repository.arn });
  for (const secret of context.secrets.values()) {
    if (secret.managed) shared.push({ kind: 'secret', name: secret.name, account: secret.env.account, prefix: secretArn({ ...secret.ref, suffix: undefined }) });
  }
  for (const key of context.keys.values()) {
    if (!key.existingArn) shared.push({ kind: 'key', name: key.name, account: key.env.account, prefix: kmsKeysInAccountArn(key.env).slice(0, -1) });
  }
  for (const service of services) {
    service.taskRole.statements.forEach((statement, index) => {
      for (const resource of statement.resources) {
        const target = shared.find((candidate) => candidate.account !== service.env.account && resource.startsWith(candidate.prefix));
        if (!target) continue;
        context.warnings.push({
          id: 'task-role-resource-side-missing',
          path: `${service.path}.taskRole.statements.${index}`,
          message: `${resource} is the ${target.kind} ${target.name} in account ${target.account}, whose policy admits only execution roles, so the task role's call will be denied there; grant the task role in that policy outside this tool, or read the value at start-up through \`secrets\``,
        });
      }
    });
  }
}

/** A secret read from another account must use a customer-managed key, because the AWS managed key cannot be shared. */
export function checkCrossAccountEncryption(context: ResolveContext, services: readonly ServiceInfo[]): void {
  // One problem per secret, naming every service that reads it from another account.
  const readers = new Map<string, { secret: SecretInfo; services: Set<string> }>();
  for (const service of services) {
    for (const container of service.containers) {
      for (const use of container.secrets) {
        if (use.kind !== 'secret' || !use.secret.managed) continue;
        if (use.secret.env.account === service.env.account || use.secret.kmsKey) continue;
        // An unknown key name is already reported as kms-key-unknown.
        if (context.manifest.secrets[use.secret.name]?.kmsKey !== undefined) continue;
        const entry = readers.get(use.secret.name) ?? { secret: use.secret, services: new Set<string>() };
        entry.services.add(`${service.name} (account ${service.env.account})`);
        readers.set(use.secret.name, entry);
      }
    }
  }
  for (const [name, { secret, services: names }] of readers) {
    context.problem(
      'secret-cross-account-needs-cmk',
      `secrets.${name}.kmsKey`,
      `${[...names].join(', ')} read${names.size === 1 ? 's' : ''} this secret from account ${secret.env.account}, which works only with a customer-managed KMS key`,
      undefined,
      `set \`kmsKey\` to a key from \`kmsKeys\` in account ${secret.env.account}`,
    );
  }
}
