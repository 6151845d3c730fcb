/**
 * Renders ECS container definitions in the canonical form DescribeTaskDefinition returns them
 * in: keys in a fixed order, environment and secrets sorted by name, the API's defaults written
 * out (`cpu: 0`, `essential: true`, empty lists, `protocol: tcp`), no nulls, and host port equal
 * to container port as awsvpc requires. The AWS provider then finds no change after apply.
 * NOTE: checked against the provider's comparison code and the API reference, not a live account.
 */
import { ContainerInfo, ServiceInfo } from '../manifest/model';
import { secretArn } from './arn';

export interface KeyValue {
  name: string;
  value: string;
}

export interface SecretEntry {
  name: string;
  valueFrom: string;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  cpu: number;
  memory?: number;
  essential: boolean;
  command?: string[];
  user?: string;
  readonlyRootFilesystem: boolean;
  portMappings: { containerPort: number; hostPort: number; protocol: 'tcp'; name?: string }[];
  environment: KeyValue[];
  secrets: SecretEntry[];
  mountPoints: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  volumesFrom: never[];
  systemControls: never[];
  dependsOn?: { containerName: string; condition: 'START' | 'HEALTHY' }[];
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  logConfiguration: { logDriver: 'awslogs'; options: Record<string, string> };
  repositoryCredentials?: { credentialsParameter: string };
}

/** A task volume backing a writable path on a read-only root file system. */
export interface TaskVolume {
  name: string;
}

export function volumeName(container: string, path: string): string {
  const slug = path.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9_-]+/g, '-') || 'root';
  return `${container}-${slug}`.slice(0, 255);
}

function byName<T extends { name: string }>(items: T[]): T[] {
  // Code-point order, as a plain comparison gives, so the order does not depend on the locale.
  return [...items].sort((a, b) => {
    if (a.name === b.name) return 0;
    return a.name < b.name ? -1 : 1;
  });
}

/**
 * Returns whether a container's port is mapped. With a gateway only the gateway's is, because the
 * gateway reaches the application on localhost, which needs no mapping, and the load balancer
 * registers only mapped ports.
 */
function exposesPort(container: ContainerInfo, service: ServiceInfo): boolean {
  return container.isGateway || !service.containers.some((other) => other.isGateway);
}

function renderContainer(container: ContainerInfo, service: ServiceInfo, appContainers: readonly ContainerInfo[]): ContainerDefinition {
  const spec = container.spec;
  const definition: ContainerDefinition = {
    name: container.name,
    image: container.image.uri,
    cpu: spec.cpu ?? 0,
    essential: true,
    readonlyRootFilesystem: spec.readonlyRootFilesystem,
    portMappings: spec.port === undefined || !exposesPort(container, service) ? [] : [{ containerPort: spec.port, hostPort: spec.port, protocol: 'tcp', name: `${container.name}-${spec.port}` }],
    environment: byName(Object.entries(spec.environment).map(([name, value]) => ({ name, value }))),
    secrets: byName(container.secrets.map((use) => ({ name: use.variable, valueFrom: use.valueFrom }))),
    mountPoints: [...spec.writablePaths].sort().map((path) => ({ sourceVolume: volumeName(container.name, path), containerPath: path, readOnly: false })),
    volumesFrom: [],
    systemControls: [],
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': container.logGroupName,
        'awslogs-region': service.env.region,
        'awslogs-stream-prefix': 'ecs',
      },
      // No `secretOptions: []`: ECS returns none for an empty list, and the AWS provider compares
      // log configurations without normalizing, so an empty list would show a change on every plan.
    },
  };
  if (spec.memory !== undefined) definition.memory = spec.memory;
  if (spec.command !== undefined) definition.command = [...spec.command];
  if (spec.user !== undefined) definition.user = spec.user;
  if (spec.healthCheck) {
    definition.healthCheck = {
      command: [...spec.healthCheck.command],
      interval: spec.healthCheck.intervalSeconds,
      timeout: spec.healthCheck.timeoutSeconds,
      retries: spec.healthCheck.retries,
      startPeriod: spec.healthCheck.startPeriodSeconds,
    };
  }
  if (container.isGateway && appContainers.length > 0) {
    definition.dependsOn = appContainers.map((app) => ({ containerName: app.name, condition: app.spec.healthCheck ? 'HEALTHY' : 'START' }));
  }
  if (container.repositoryCredentials) {
    definition.repositoryCredentials = { credentialsParameter: secretArn(container.repositoryCredentials.ref) };
  }
  return definition;
}

/** Renders the containers of a service, application containers first and the gateway last. */
export function renderContainerDefinitions(service: ServiceInfo): ContainerDefinition[] {
  const apps = service.containers.filter((container) => !container.isGateway);
  const gateways = service.containers.filter((container) => container.isGateway);
  return [...apps, ...gateways].map((container) => renderContainer(container, service, apps));
}

/** Task volumes for every writable path of every container, sorted by name. */
export function taskVolumes(service: ServiceInfo): TaskVolume[] {
  const names = new Set<string>();
  for (const container of service.containers) for (const path of container.spec.writablePaths) names.add(volumeName(container.name, path));
  return [...names].sort().map((name) => ({ name }));
}
