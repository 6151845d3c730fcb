/** Resolves one service: its Fargate size, execution role, task role and containers. */
import { parseArn, roleArn } from '../core/arn';
import { GatewayContainer, gatewayContainer } from './gateway';
import { ContainerInfo, ServiceInfo } from './model';
import { resolveEnv } from './resolve-accounts';
import { resolveContainer } from './resolve-container';
import { ResolveContext } from './resolve-context';
import { closestOperator, isConditionOperator } from './rules/conditions';
import { broadResourceWildcard, isWildcardAction } from './rules/wildcards';
import { ContainerSpec, ServiceSpec, StatementSpec } from './schema';
import { resolveDeployment } from './service-network';

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

export const MAX_ROLE_NAME = 64;

export function resolveService(context: ResolveContext, name: string, spec: ServiceSpec): ServiceInfo | undefined {
  const path = `services.${name}`;
  const env = resolveEnv(context, spec.account, spec.region, path);
  if (!env) return undefined;
  const account = context.accounts.get(spec.account)!;

  const memoryOptions = FARGATE_SIZES[spec.cpu];
  if (!memoryOptions) {
    context.problem('fargate-size-invalid', `${path}.cpu`, 'Fargate accepts 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units', spec.cpu, 'choose one of those values');
  } else if (!memoryOptions.includes(spec.memory)) {
    context.problem('fargate-size-invalid', `${path}.memory`, `with ${spec.cpu} CPU units Fargate accepts ${memoryOptions[0]} to ${memoryOptions.at(-1)} MiB in its steps`, spec.memory, `choose one of ${memoryOptions.join(', ')}`);
  }

  const executionRoleName = `${name}-execution`;
  const taskRoleName = `${name}-task`;
  if (taskRoleName.length > MAX_ROLE_NAME || executionRoleName.length > MAX_ROLE_NAME) {
    context.problem('role-name-too-long', path, `IAM role names have at most ${MAX_ROLE_NAME} characters, and this service's execution role would be \`${executionRoleName}\` (${executionRoleName.length})`, name, `shorten the service name to at most ${MAX_ROLE_NAME - '-execution'.length} characters`);
  }

  for (const [roleKey, options] of [['executionRole', spec.executionRole], ['taskRole', spec.taskRole]] as const) {
    const services = options.trustedServices;
    if (services !== undefined && (services.length !== 1 || services[0] !== ECS_TASKS_SERVICE)) {
      context.problem('trust-principal-invalid', `${path}.${roleKey}.trustedServices`, `ECS task roles trust only \`${ECS_TASKS_SERVICE}\``, services, `remove the field or set it to [${ECS_TASKS_SERVICE}]`);
    }
    if (options.permissionsBoundaryArn !== undefined) {
      const arn = parseArn(options.permissionsBoundaryArn);
      if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('policy/') || arn.partition !== context.partition) {
        context.problem('permissions-boundary-invalid', `${path}.${roleKey}.permissionsBoundaryArn`, 'a permissions boundary is a managed policy ARN', options.permissionsBoundaryArn, `give an ARN such as arn:${context.partition}:iam::${account.id}:policy/<name>`);
      }
    }
  }
  if (spec.executionRole.statements !== undefined && spec.executionRole.statements.length > 0) {
    context.problem(
      'execution-role-app-permissions',
      `${path}.executionRole.statements`,
      'the execution role carries only what ECS needs to start the task (image pull, logs, secrets); application permissions belong on the task role',
      spec.executionRole.statements.map((statement) => statement.sid),
      `move these statements to \`${path}.taskRole.statements\``,
    );
  }
  spec.taskRole.statements.forEach((statement, index) => checkStatement(context, statement, `${path}.taskRole.statements.${index}`));

  const containerSpecs: [string, ContainerSpec, boolean][] = Object.entries(spec.containers).map(([containerName, container]) => [containerName, container, false]);
  let gateway: GatewayContainer | undefined;
  if (spec.gateway) {
    gateway = gatewayContainer(spec.gateway, `${path}.gateway`, spec.containers, (problem) => context.problems.add(problem));
    if (gateway) {
      if (spec.containers[gateway.name] !== undefined) {
        context.problem('container-name-duplicate', `${path}.containers.${gateway.name}`, `the name \`${gateway.name}\` is taken by the gateway container`, gateway.name, 'rename the container');
      } else {
        containerSpecs.push([gateway.name, gateway.spec, true]);
      }
    }
  }
  if (Object.keys(spec.containers).length === 0) {
    context.problem('containers-missing', `${path}.containers`, 'a service needs at least one application container', spec.containers, 'add a container under `containers`');
  }

  const containers: ContainerInfo[] = [];
  for (const [containerName, container, isGateway] of containerSpecs) {
    const containerPath = isGateway ? `${path}.gateway` : `${path}.containers.${containerName}`;
    const info = resolveContainer(context, name, containerName, container, containerPath, env, isGateway);
    if (info) containers.push(info);
  }
  const deployment = resolveDeployment({ spec, path, env, gateway, containers }, (problem) => context.problems.add(problem), (warning) => context.warnings.push(warning));

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
      arn: roleArn(context.partition, account.id, executionRoleName, spec.executionRole.path),
      permissionsBoundaryArn: spec.executionRole.permissionsBoundaryArn,
      trustConditions: spec.executionRole.trustConditions,
      attachManagedPolicy: spec.executionRole.attachManagedPolicy,
    },
    taskRole: {
      name: taskRoleName,
      path: rolePath(spec.taskRole),
      arn: roleArn(context.partition, account.id, taskRoleName, spec.taskRole.path),
      permissionsBoundaryArn: spec.taskRole.permissionsBoundaryArn,
      trustConditions: spec.taskRole.trustConditions,
      statements: spec.taskRole.statements,
      ecsExec: spec.taskRole.ecsExec,
    },
  };
}

function checkStatement(context: ResolveContext, statement: StatementSpec, path: string): void {
  statement.actions.forEach((action, index) => {
    if (isWildcardAction(action) && !statement.allowWildcard) {
      context.problem('wildcard-without-opt-in', `${path}.actions.${index}`, 'an action with `*` or `?` matches more actions than it names and needs an explicit opt-in', action, 'name the exact actions, or set `allowWildcard: true` on this statement');
    }
    if (action !== '*' && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
      context.problem('action-invalid', `${path}.actions.${index}`, 'an action has the form `service:Action`', action, 'write the action as the service authorization reference lists it, such as s3:GetObject');
    }
  });
  statement.resources.forEach((resource, index) => {
    const resourcePath = `${path}.resources.${index}`;
    if (resource.trim() === '') {
      context.problem('resource-empty', resourcePath, 'a resource must not be empty', resource, 'give the resource ARN, or remove the entry');
      return;
    }
    if (resource !== '*') {
      const arn = parseArn(resource);
      if (!arn || arn.partition !== context.partition || arn.service === '' || arn.resource === '') {
        context.problem('resource-arn-invalid', resourcePath, `a resource is an ARN in partition ${context.partition}: arn:${context.partition}:<service>:<region>:<account>:<resource>`, resource, `write the full ARN, starting with arn:${context.partition}:`);
        return;
      }
    }
    const broad = broadResourceWildcard(resource);
    if (broad && !statement.allowWildcard) {
      context.problem('wildcard-without-opt-in', resourcePath, `${broad}; such a wildcard needs an explicit opt-in`, resource, 'name the resource, keeping a wildcard only below it (such as arn:<partition>:s3:::<bucket>/*), or set `allowWildcard: true` on this statement');
    }
  });
  for (const [operator, entries] of Object.entries(statement.conditions ?? {})) {
    if (!isConditionOperator(operator)) {
      const closest = closestOperator(operator);
      context.problem('condition-operator-invalid', `${path}.conditions.${operator}`, 'IAM knows no such condition operator and would reject the whole policy', operator, closest ? `use \`${closest}\`` : 'use an operator from the IAM JSON policy reference, such as StringEquals or ArnLike');
    }
    for (const [key, values] of Object.entries(entries)) {
      const conditionPath = `${path}.conditions.${operator}.${key}`;
      if (values.length === 0 || values.some((value) => value.trim() === '')) {
        context.problem('condition-value-empty', conditionPath, 'a condition compares with one or more non-empty values; an empty one matches nothing or everything depending on the operator', values, 'give the values, or remove the condition key');
      }
    }
  }
}
