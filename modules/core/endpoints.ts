/**
 * VPC endpoints for tasks in subnets without a NAT route: which endpoints a VPC needs and the
 * policy of each. An interface endpoint with private DNS receives every call of the whole VPC to
 * its service. Each policy therefore lists the execution role and task role statements of every
 * service in that VPC, each narrowed to its own role by `aws:PrincipalArn`.
 */
import { ResourceEnv, accountRootArn, formatArn } from './arn';
import { executionRoleStatements, taskRoleStatements } from './access';
import { PolicyDocument, Statement, sidFromName } from './policy';
import { ServiceInfo } from '../manifest/model';

/**
 * Interface endpoints an ECS task may need: image pulls, log delivery, secret and parameter
 * injection, and the ECS Exec channels. Each is created only when some role in the VPC calls it.
 */
export const INTERFACE_ENDPOINT_SERVICES = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'ssm', 'kms', 'ssmmessages'] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/** The IAM action prefix of the calls each endpoint carries. ECR's registry API on `ecr.dkr` is authorized as `ecr:` actions. */
const ACTION_PREFIX: Record<InterfaceEndpointService | 's3', string> = {
  'ecr.api': 'ecr:',
  'ecr.dkr': 'ecr:',
  logs: 'logs:',
  secretsmanager: 'secretsmanager:',
  ssm: 'ssm:',
  kms: 'kms:',
  ssmmessages: 'ssmmessages:',
  s3: 's3:',
};

/** Returns the endpoint that carries an IAM action's calls, or `undefined` when this module creates none for it. */
export function endpointForAction(action: string): InterfaceEndpointService | 's3' | undefined {
  const prefix = `${action.split(':')[0]}:`;
  const services = Object.keys(ACTION_PREFIX) as (InterfaceEndpointService | 's3')[];
  return services.find((service) => ACTION_PREFIX[service] === prefix);
}

/** Maximum size of a VPC endpoint policy, in characters without white space. */
export const ENDPOINT_POLICY_MAX_SIZE = 20480;

/**
 * Returns the endpoint service name, such as `com.amazonaws.eu-west-1.ecr.api`.
 * NOTE: in aws-cn several interface endpoint services are named `cn.com.amazonaws.<region>.<service>`,
 * but this builds the `com.amazonaws` form only, so check the names before deploying there.
 */
export function endpointServiceName(service: InterfaceEndpointService | 's3', region: string): string {
  return `com.amazonaws.${region}.${service}`;
}

/** Returns the ARN of the objects in the S3 bucket where ECR stores image layers, which a task downloads through presigned URLs. */
export function ecrLayerBucketObjectsArn(env: Pick<ResourceEnv, 'partition' | 'region'>): string {
  return formatArn({ partition: env.partition, service: 's3', region: '', account: '', resource: `prod-${env.region}-starport-layer-bucket/*` });
}

/** Restricts a role's statement to the role itself: principal is its account, `aws:PrincipalArn` is its ARN. */
function forRole(statement: Statement, sidPrefix: string, account: string, roleArn: string, partition: ResourceEnv['partition']): Statement {
  const conditions = { ...(statement.conditions ?? {}) };
  conditions.ArnEquals = { ...(conditions.ArnEquals ?? {}), 'aws:PrincipalArn': [roleArn] };
  return {
    sid: `${sidPrefix}${statement.sid}`,
    effect: statement.effect,
    principals: { AWS: [accountRootArn(partition, account)] },
    actions: statement.actions,
    resources: statement.resources,
    conditions,
  };
}

/** Collects the statements of both roles of each service, cut to the actions with this prefix and narrowed to their role. */
function roleStatements(services: readonly ServiceInfo[], actionPrefix: string): Statement[] {
  const statements: Statement[] = [];
  for (const service of services) {
    const partition = service.env.partition;
    const name = sidFromName(service.name);
    const roles = [
      { label: 'ExecutionRole', arn: service.executionRole.arn, statements: executionRoleStatements(service, partition) },
      { label: 'TaskRole', arn: service.taskRole.arn, statements: taskRoleStatements(service) },
    ];
    for (const role of roles) {
      for (const statement of role.statements) {
        const actions = statement.actions.filter((action) => action.startsWith(actionPrefix));
        if (actions.length === 0) continue;
        statements.push(forRole({ ...statement, actions }, `${name}${role.label}`, service.env.account, role.arn, partition));
      }
    }
  }
  return statements;
}

/**
 * Builds the policy of an interface endpoint: the statements of every role in the VPC that call its
 * service, or `undefined` when no role calls it, so the endpoint is left out rather than
 * created with a policy that denies everything.
 */
export function interfaceEndpointPolicy(service: InterfaceEndpointService, services: readonly ServiceInfo[]): PolicyDocument | undefined {
  const statements = roleStatements(services, ACTION_PREFIX[service]);
  return statements.length === 0 ? undefined : new PolicyDocument('resource', statements);
}

/**
 * Builds the policy of the S3 gateway endpoint. ECR signs the presigned layer URLs itself, not
 * the execution role, so the layer bucket is open to any principal. The task roles' own S3
 * statements follow, because the endpoint routes all of the subnets' S3 traffic.
 */
export function s3EndpointPolicy(env: Pick<ResourceEnv, 'partition' | 'region'>, services: readonly ServiceInfo[]): PolicyDocument {
  const layers: Statement = { sid: 'GetEcrImageLayers', principals: '*', actions: ['s3:GetObject'], resources: [ecrLayerBucketObjectsArn(env)] };
  const taskRoles = services.flatMap((service) =>
    taskRoleStatements(service)
      .map((statement) => ({ ...statement, actions: statement.actions.filter((action) => action.startsWith(ACTION_PREFIX.s3)) }))
      .filter((statement) => statement.actions.length > 0)
      .map((statement) => forRole(statement, `${sidFromName(service.name)}TaskRole`, service.env.account, service.taskRole.arn, service.env.partition)),
  );
  return new PolicyDocument('resource', [layers, ...taskRoles]);
}

/** The services of a stack that share one VPC, and whether any of them sets `egress: endpoints`. */
export interface VpcGroup {
  readonly vpcId: string;
  readonly services: readonly ServiceInfo[];
  readonly needsEndpoints: boolean;
  /** Subnets of the services with `egress: endpoints`, sorted and de-duplicated. */
  readonly subnetIds: readonly string[];
  readonly routeTableIds: readonly string[];
}

/**
 * Groups a stack's services by VPC. Every service of a VPC counts for the endpoint policies,
 * whatever its own `egress`, because private DNS sends its calls through the endpoints too.
 * NOTE: an interface endpoint accepts one subnet per availability zone. Services of one VPC that
 * list different subnets in the same zone fail at apply, which cannot be checked offline.
 */
export function vpcGroups(services: readonly ServiceInfo[]): VpcGroup[] {
  const byVpc = new Map<string, ServiceInfo[]>();
  for (const service of services) {
    if (!service.network) continue;
    const group = byVpc.get(service.network.vpcId) ?? [];
    group.push(service);
    byVpc.set(service.network.vpcId, group);
  }
  return [...byVpc.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([vpcId, group]) => {
      const withEndpoints = group.filter((service) => service.network!.egress === 'endpoints');
      return {
        vpcId,
        services: group,
        needsEndpoints: withEndpoints.length > 0,
        subnetIds: [...new Set(withEndpoints.flatMap((service) => service.network!.subnetIds))].sort(),
        routeTableIds: [...new Set(withEndpoints.flatMap((service) => service.network!.routeTableIds))].sort(),
      };
    });
}
