/**
 * Resolves the deployment part of a service: its network, load balancer, ingress container,
 * desired count and autoscaling. Reports invalid ids and ranges as problems, and known
 * limitations (plain HTTP, no route to AWS APIs) as warnings.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ResourceEnv, parseArn } from '../core/arn';
import { endpointForAction } from '../core/endpoints';
import { ManifestProblem, Warning } from '../core/errors';
import { GatewayContainer } from './gateway';
import { ContainerInfo, IngressInfo, LoadBalancerInfo, ServiceInfo } from './model';
import { ServiceSpec } from './schema';

/** Health check path of the load balancer when there is no gateway and the manifest names none. */
export const DEFAULT_HEALTH_CHECK_PATH = '/health';

export type ServiceDeployment = Pick<ServiceInfo, 'network' | 'loadBalancer' | 'ingress' | 'desiredCount' | 'autoscaling'>;

export interface DeploymentInput {
  readonly spec: ServiceSpec;
  readonly path: string;
  readonly env: ResourceEnv;
  /** The expanded gateway, when the service has a valid one. */
  readonly gateway?: GatewayContainer;
  readonly containers: readonly ContainerInfo[];
}

// Resource ids have 8 or, since 2016, 17 hexadecimal digits after the prefix.
const resourceId = (prefix: string) => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
const VPC_ID = resourceId('vpc');
const SUBNET_ID = resourceId('subnet');
const ROUTE_TABLE_ID = resourceId('rtb');
const PREFIX_LIST_ID = resourceId('pl');

/** Returns whether `value` is an IPv4 or IPv6 CIDR block such as `10.0.0.0/16` or `2001:db8::/32`. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return false;
  if (isIPv4(address)) return Number(prefix) <= 32;
  if (isIPv6(address)) return Number(prefix) <= 128;
  return false;
}

class DeploymentResolver {
  constructor(
    private readonly input: DeploymentInput,
    private readonly report: (problem: ManifestProblem) => void,
    private readonly warn: (warning: Warning) => void,
  ) {}

  private problem(id: string, path: string, rule: string, received: unknown, fix: string): void {
    this.report({ id, path, rule, received, fix });
  }

  private checkIds(ids: readonly string[], pattern: RegExp, id: string, path: string, what: string, example: string): void {
    ids.forEach((value, index) => {
      if (!pattern.test(value)) this.problem(id, `${path}.${index}`, `a ${what} id is \`${example.split('-')[0]}-\` followed by 8 or 17 hexadecimal digits`, value, `copy the id from the VPC console, such as ${example}`);
    });
  }

  resolve(): ServiceDeployment {
    const { spec } = this.input;
    this.checkAutoscaling();
    const network = spec.network;
    if (network) this.checkNetwork();
    this.checkUpstreamHealth();
    const ingress = this.ingress();
    let loadBalancer: LoadBalancerInfo | undefined;
    if (spec.loadBalancer) {
      if (!network) {
        this.problem('load-balancer-needs-network', `${this.input.path}.loadBalancer`, 'a load balancer sends traffic to tasks in a VPC, so the service needs `network`', undefined, 'add `network` with the VPC and subnets of the tasks');
      }
      loadBalancer = this.loadBalancer(ingress);
    }
    return { network, loadBalancer, ingress, desiredCount: spec.desiredCount, autoscaling: spec.autoscaling };
  }

  private checkAutoscaling(): void {
    const { spec, path } = this.input;
    const { minCapacity, maxCapacity } = spec.autoscaling;
    if (minCapacity > maxCapacity) {
      this.problem('autoscaling-range-invalid', `${path}.autoscaling.minCapacity`, `the minimum capacity must not exceed the maximum (${maxCapacity})`, minCapacity, 'lower `minCapacity` or raise `maxCapacity`');
    } else if (spec.desiredCount < minCapacity || spec.desiredCount > maxCapacity) {
      this.problem('autoscaling-range-invalid', `${path}.desiredCount`, `the desired count must lie between the autoscaling minimum (${minCapacity}) and maximum (${maxCapacity}), or autoscaling changes it at once`, spec.desiredCount, `choose a count from ${minCapacity} to ${maxCapacity}`);
    }
  }

  private checkNetwork(): void {
    const { path, containers } = this.input;
    const network = this.input.spec.network!;
    const networkPath = `${path}.network`;
    if (!VPC_ID.test(network.vpcId)) {
      this.problem('vpc-id-invalid', `${networkPath}.vpcId`, 'a VPC id is `vpc-` followed by 8 or 17 hexadecimal digits', network.vpcId, 'copy the id from the VPC console, such as vpc-0a1b2c3d4e5f60718');
    }
    this.checkIds(network.subnetIds, SUBNET_ID, 'subnet-id-invalid', `${networkPath}.subnetIds`, 'subnet', 'subnet-0a1b2c3d4e5f60718');
    this.checkIds(network.routeTableIds, ROUTE_TABLE_ID, 'route-table-id-invalid', `${networkPath}.routeTableIds`, 'route table', 'rtb-0a1b2c3d4e5f60718');

    network.egressRules.forEach((rule, index) => {
      const rulePath = `${networkPath}.egressRules.${index}`;
      if ((rule.cidr === undefined) === (rule.prefixListId === undefined)) {
        this.problem('egress-rule-destination', rulePath, 'an egress rule names exactly one destination: `cidr` or `prefixListId`', rule, 'keep one of the two');
      }
      if (rule.cidr !== undefined && !isCidr(rule.cidr)) {
        this.problem('cidr-invalid', `${rulePath}.cidr`, 'a CIDR block is an IPv4 or IPv6 address, `/` and a prefix length', rule.cidr, 'write it like 10.20.0.0/16');
      }
      if (rule.prefixListId !== undefined && !PREFIX_LIST_ID.test(rule.prefixListId)) {
        this.problem('prefix-list-id-invalid', `${rulePath}.prefixListId`, 'a prefix list id is `pl-` followed by 8 or 17 hexadecimal digits', rule.prefixListId, 'copy the id from the managed prefix lists of the VPC console');
      }
      if (rule.toPort !== undefined && rule.toPort < rule.port) {
        this.problem('port-range-invalid', `${rulePath}.toPort`, `the last port must not be below the first (${rule.port})`, rule.toPort, 'swap the two ports');
      }
    });

    if (network.egress === 'endpoints' && network.routeTableIds.length === 0) {
      this.problem(
        'route-tables-missing',
        `${networkPath}.routeTableIds`,
        'with `egress: endpoints` ECR serves image layers from S3, which the tasks reach only through an S3 gateway endpoint in their route tables',
        network.routeTableIds,
        'list the route tables of `subnetIds`',
      );
    }
    if (network.egress === 'none') {
      this.warn({
        id: 'network-no-egress-path',
        path: `${networkPath}.egress`,
        message:
          'the tasks have neither a NAT route nor VPC endpoints, so pulling images from ECR, fetching secrets and parameters and writing logs time out; ECS then stops the task with `ResourceInitializationError`, the same message as a permission failure, but the cause is the network. Use `egress: nat` or `egress: endpoints` unless another path to AWS APIs exists',
      });
    }
    if (network.egress === 'endpoints') {
      this.checkTaskRoleEndpoints();
      this.checkStartUpRegions();
    }
    if (network.egress !== 'nat') {
      for (const container of containers) {
        if (container.image.kind === 'ecr') continue;
        this.warn({
          id: 'image-needs-internet',
          path: `${container.path}.image`,
          message: `image ${container.image.uri} comes from ${container.image.registry}, which VPC endpoints do not reach; with \`egress: ${network.egress}\` the pull times out. Copy the image into ECR or use \`egress: nat\``,
        });
      }
    }
  }

  /** Warns about task role calls to AWS services that get no VPC endpoint here, because they time out without a NAT route. */
  private checkTaskRoleEndpoints(): void {
    const { spec, path } = this.input;
    spec.taskRole.statements.forEach((statement, index) => {
      const uncovered = [...new Set(statement.actions.filter((action) => action !== '*' && endpointForAction(action) === undefined).map((action) => action.split(':')[0]))];
      if (uncovered.length === 0) return;
      this.warn({
        id: 'endpoint-missing-for-task-role',
        path: `${path}.taskRole.statements.${index}`,
        message: `with \`egress: endpoints\` only ECR, CloudWatch Logs, Secrets Manager, SSM, KMS, ECS Exec and S3 get endpoints, so the application's calls to ${uncovered.join(', ')} time out; add their endpoints to the VPC outside this manifest or use \`egress: nat\``,
      });
    });
  }

  /** Warns about start-up calls to another region, because the endpoints created here serve only the service's region. */
  private checkStartUpRegions(): void {
    const { env, containers } = this.input;
    for (const container of containers) {
      const calls: { path: string; resource: string; region: string }[] = [];
      if (container.image.kind === 'ecr') calls.push({ path: `${container.path}.image`, resource: `image ${container.image.uri}`, region: container.image.region });
      if (container.repositoryCredentials) {
        calls.push({ path: `${container.path}.repositoryCredentialsSecret`, resource: `secret ${container.repositoryCredentials.name}`, region: container.repositoryCredentials.env.region });
      }
      for (const use of container.secrets) {
        const region = use.kind === 'secret' ? use.secret.env.region : parseArn(use.arn)?.region ?? env.region;
        calls.push({ path: use.path, resource: use.kind === 'secret' ? `secret ${use.secret.name}` : `parameter ${use.name}`, region });
      }
      for (const call of calls) {
        if (call.region === env.region) continue;
        this.warn({
          id: 'endpoint-other-region',
          path: call.path,
          message: `${call.resource} is in ${call.region}, but the VPC endpoints serve only ${env.region}, so with \`egress: endpoints\` the task cannot reach it and ECS stops it with \`ResourceInitializationError\`; keep it in ${env.region}, or use \`egress: nat\``,
        });
      }
    }
  }

  private checkUpstreamHealth(): void {
    const { spec, path, gateway } = this.input;
    if (!gateway || spec.containers[gateway.upstream.container]?.healthCheck) return;
    this.warn({
      id: 'gateway-upstream-not-health-checked',
      path: `${path}.containers.${gateway.upstream.container}.healthCheck`,
      message: `container ${gateway.upstream.container} has no health check, so the gateway starts as soon as it starts rather than once it is healthy, and the first requests may fail; add a \`healthCheck\``,
    });
  }

  /** Finds the container the load balancer sends to: the gateway, or else the only application container with a port. */
  private ingress(): IngressInfo | undefined {
    const { spec, gateway } = this.input;
    if (spec.gateway) return gateway ? { container: gateway.name, port: gateway.port } : undefined;
    const withPort = Object.entries(spec.containers).filter(([, container]) => container.port !== undefined);
    if (withPort.length !== 1) return undefined;
    return { container: withPort[0][0], port: withPort[0][1].port! };
  }

  private loadBalancer(ingress: IngressInfo | undefined): LoadBalancerInfo {
    const { spec, path, env, gateway } = this.input;
    const loadBalancer = spec.loadBalancer!;
    const lbPath = `${path}.loadBalancer`;
    if (!ingress && !spec.gateway) {
      this.problem('load-balancer-target-missing', lbPath, 'without a gateway the load balancer sends to the only application container with a `port`', Object.keys(spec.containers), 'add a `gateway`, or give exactly one container a `port`');
    }
    this.checkIds(loadBalancer.subnetIds, SUBNET_ID, 'subnet-id-invalid', `${lbPath}.subnetIds`, 'subnet', 'subnet-0a1b2c3d4e5f60718');
    loadBalancer.allowedCidrs.forEach((cidr, index) => {
      if (!isCidr(cidr)) this.problem('cidr-invalid', `${lbPath}.allowedCidrs.${index}`, 'a CIDR block is an IPv4 or IPv6 address, `/` and a prefix length', cidr, 'write it like 10.0.0.0/8, or 0.0.0.0/0 for anyone');
    });
    const healthCheckPath = loadBalancer.healthCheckPath ?? gateway?.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
    if (!healthCheckPath.startsWith('/') || healthCheckPath.length > 1024) {
      this.problem('health-check-path-invalid', `${lbPath}.healthCheckPath`, 'a health check path starts with `/` and has at most 1024 characters', healthCheckPath, 'write the path like /health');
    }

    if (loadBalancer.certificateArn === undefined) {
      this.warn({
        id: 'load-balancer-http-only',
        path: `${lbPath}.certificateArn`,
        message: 'the load balancer has no certificate, so it serves plain HTTP on port 80 and requests and credentials cross the network unencrypted; set `certificateArn` to an ACM certificate to serve HTTPS and redirect HTTP to it',
      });
    } else {
      const arn = parseArn(loadBalancer.certificateArn);
      const valid = arn !== undefined && arn.service === 'acm' && arn.resource.startsWith('certificate/') && /^\d{12}$/.test(arn.account);
      if (!valid) {
        this.problem('certificate-arn-invalid', `${lbPath}.certificateArn`, 'a certificate is an ACM ARN: arn:<partition>:acm:<region>:<account>:certificate/<id>', loadBalancer.certificateArn, 'copy the ARN from the ACM console');
      } else if (arn.partition !== env.partition || arn.region !== env.region || arn.account !== env.account) {
        this.problem(
          'certificate-location',
          `${lbPath}.certificateArn`,
          `a load balancer uses only certificates of its own account and region (${env.account}, ${env.region})`,
          loadBalancer.certificateArn,
          `request or import the certificate in ACM in account ${env.account} and region ${env.region}`,
        );
      }
    }
    return { ...loadBalancer, healthCheckPath };
  }
}

/** Resolves a service's deployment settings, reporting problems and collecting warnings through the callbacks. */
export function resolveDeployment(input: DeploymentInput, report: (problem: ManifestProblem) => void, warn: (warning: Warning) => void): ServiceDeployment {
  return new DeploymentResolver(input, report, warn).resolve();
}
