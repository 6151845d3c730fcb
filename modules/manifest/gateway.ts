import { ManifestProblem } from '../core/errors';
import { ContainerSpec, GatewaySpec } from './schema';

/** A gateway preset: a small declarative description the gateway container is built from. */
export interface GatewayPreset {
  /** Default image; `undefined` makes `image` required in the manifest. */
  readonly image?: string;
  /** Port the gateway listens on; `undefined` makes `port` required in the manifest. */
  readonly port?: number;
  /** Path the load balancer checks on the gateway port. */
  readonly healthCheckPath: string;
  /** Container health check; without one the check requests `healthCheckPath` with wget. */
  readonly healthCheckCommand?: readonly string[];
  /** Variables that must come from `secrets`. */
  readonly requiredSecrets: readonly string[];
  /** Variables that must be set under `environment`, such as the datastore addresses. */
  readonly requiredEnvironment: readonly string[];
  /** Defaults the manifest's `environment` may override. */
  readonly environment: Readonly<Record<string, string>>;
  /** Builds the variables that give the gateway the application's address, `http://localhost:<port>`. */
  readonly upstreamEnvironment: (upstreamUrl: string) => Record<string, string>;
  readonly writablePaths: readonly string[];
  /** Non-root user the image supports; `undefined` keeps the image's own user. */
  readonly user?: string;
}

/** Path of the Kong route that returns 200 to health checks without reaching the application. */
const KONG_HEALTH_PATH = '/gateway-health';

/**
 * Kong's DB-less configuration, passed whole through `KONG_DECLARATIVE_CONFIG_STRING`, so the
 * image needs no baked-in file. Every path goes to the application, except one route where the
 * request-termination plugin returns 200 to the load balancer's health check.
 */
function kongDeclarativeConfig(upstreamUrl: string): string {
  return JSON.stringify({
    _format_version: '3.0',
    services: [
      {
        name: 'application',
        url: upstreamUrl,
        routes: [
          { name: 'application', paths: ['/'], strip_path: false },
          {
            name: 'gateway-health',
            paths: [KONG_HEALTH_PATH],
            plugins: [{ name: 'request-termination', config: { status_code: 200, message: 'ok' } }],
          },
        ],
      },
    ],
  });
}

/**
 * Built-in presets. APIPark keeps its state in MySQL, Redis and InfluxDB: their addresses come
 * from `environment`, and their credentials, the admin password and the license key from
 * `secrets`. Kong runs in DB-less mode with its whole configuration in one variable. `custom`
 * takes its image and port from the manifest.
 */
export const GATEWAY_PRESETS: Readonly<Record<GatewaySpec['preset'], GatewayPreset>> = {
  // MYSQL_*, REDIS_*, ADMIN_PASSWORD and ERROR_* follow APIPark 1.7's Docker Compose deployment guide.
  // NOTE: INFLUXDB_*, APIPARK_LICENSE_KEY, UPSTREAM_URL and the health path are not in that guide.
  // An entrypoint script in the image must read the variables, so check all four against your image.
  apipark: {
    image: 'apipark/apipark:v1.7.3',
    port: 8288,
    healthCheckPath: '/api/v1/system/health',
    requiredSecrets: ['ADMIN_PASSWORD', 'APIPARK_LICENSE_KEY', 'INFLUXDB_TOKEN', 'MYSQL_PWD', 'REDIS_PWD'],
    requiredEnvironment: ['INFLUXDB_ADDR', 'MYSQL_IP', 'MYSQL_USER_NAME', 'REDIS_ADDR'],
    environment: {
      MYSQL_PORT: '3306',
      MYSQL_DB: 'apipark',
      ERROR_DIR: '/var/log/apipark',
      ERROR_FILE_NAME: 'error.log',
      ERROR_LOG_LEVEL: 'info',
      ERROR_EXPIRE: '7d',
      ERROR_PERIOD: 'day',
    },
    upstreamEnvironment: (upstreamUrl) => ({ UPSTREAM_URL: upstreamUrl }),
    writablePaths: ['/tmp', '/var/log/apipark'],
  },
  kong: {
    image: 'kong:3.9.1',
    port: 8000,
    healthCheckPath: KONG_HEALTH_PATH,
    healthCheckCommand: ['CMD', 'kong', 'health'],
    requiredSecrets: [],
    requiredEnvironment: [],
    environment: {
      KONG_DATABASE: 'off',
      KONG_PROXY_LISTEN: '0.0.0.0:8000',
      // The Admin API would let anyone in the task network rewrite the routes.
      KONG_ADMIN_LISTEN: 'off',
      KONG_PROXY_ACCESS_LOG: '/dev/stdout',
      KONG_PROXY_ERROR_LOG: '/dev/stderr',
    },
    upstreamEnvironment: (upstreamUrl) => ({ KONG_DECLARATIVE_CONFIG_STRING: kongDeclarativeConfig(upstreamUrl) }),
    // Kong writes its nginx configuration and temporary files under its prefix at start-up.
    writablePaths: ['/tmp', '/usr/local/kong'],
    user: 'kong',
  },
  custom: {
    healthCheckPath: '/health',
    requiredSecrets: [],
    requiredEnvironment: [],
    environment: {},
    upstreamEnvironment: (upstreamUrl) => ({ UPSTREAM_URL: upstreamUrl }),
    writablePaths: ['/tmp'],
  },
};

/** The container name the gateway always gets. */
export const GATEWAY_CONTAINER_NAME = 'gateway';

export interface GatewayContainer {
  readonly name: string;
  readonly spec: ContainerSpec;
  readonly port: number;
  readonly healthCheckPath: string;
  readonly upstream: { readonly container: string; readonly port: number };
}

/** Picks the application container the gateway forwards to: the named one, or the only one with a port. */
function upstreamOf(spec: GatewaySpec, path: string, containers: Readonly<Record<string, ContainerSpec>>, report: (problem: ManifestProblem) => void): { container: string; port: number } | undefined {
  const withPort = Object.entries(containers).filter(([, container]) => container.port !== undefined);
  if (spec.upstreamContainer !== undefined) {
    const container = containers[spec.upstreamContainer];
    if (container?.port === undefined) {
      report({
        id: 'gateway-upstream-invalid',
        path: `${path}.upstreamContainer`,
        rule: 'the upstream must be an application container with a `port`',
        received: spec.upstreamContainer,
        fix: `use one of: ${withPort.map(([name]) => name).join(', ') || '(no container has a port)'}`,
      });
      return undefined;
    }
    return { container: spec.upstreamContainer, port: container.port };
  }
  if (withPort.length !== 1) {
    report({
      id: 'gateway-upstream-missing',
      path: `${path}.upstreamContainer`,
      rule: 'the gateway forwards to exactly one application container, so one container needs a `port` or `upstreamContainer` must name it',
      received: withPort.map(([name]) => name),
      fix: withPort.length === 0 ? 'set `port` on the application container the gateway forwards to' : 'set `upstreamContainer` to one of the listed containers',
    });
    return undefined;
  }
  const [name, container] = withPort[0];
  return { container: name, port: container.port! };
}

/**
 * Expands a gateway block into a container spec: preset defaults, then the manifest's values,
 * then the upstream address. Reports a missing image, port, secret, variable or upstream.
 */
export function gatewayContainer(
  spec: GatewaySpec,
  path: string,
  containers: Readonly<Record<string, ContainerSpec>>,
  report: (problem: ManifestProblem) => void,
): GatewayContainer | undefined {
  const preset = GATEWAY_PRESETS[spec.preset];
  const image = spec.image ?? preset.image;
  const port = spec.port ?? preset.port;
  let valid = true;
  if (image === undefined) {
    report({ id: 'gateway-image-missing', path: `${path}.image`, rule: `the \`${spec.preset}\` preset has no default image`, received: undefined, fix: 'set `image` to the gateway image URI' });
    valid = false;
  }
  if (port === undefined) {
    report({ id: 'gateway-port-missing', path: `${path}.port`, rule: `the \`${spec.preset}\` preset has no default port`, received: undefined, fix: 'set `port` to the port the gateway listens on' });
    valid = false;
  }
  for (const variable of preset.requiredSecrets) {
    if (spec.secrets[variable] === undefined) {
      report({
        id: 'gateway-secret-missing',
        path: `${path}.secrets.${variable}`,
        rule: `the \`${spec.preset}\` gateway needs \`${variable}\` from Secrets Manager or Parameter Store`,
        received: undefined,
        fix: `add \`${variable}: { secret: <name from secrets> }\` under \`${path}.secrets\``,
      });
      valid = false;
    }
  }
  for (const variable of preset.requiredEnvironment) {
    if (spec.environment[variable] === undefined) {
      report({
        id: 'gateway-environment-missing',
        path: `${path}.environment.${variable}`,
        rule: `the \`${spec.preset}\` gateway needs \`${variable}\`, the address of a datastore it uses`,
        received: undefined,
        fix: `add \`${variable}: <value>\` under \`${path}.environment\``,
      });
      valid = false;
    }
  }
  const upstream = upstreamOf(spec, path, containers, report);
  if (!valid || !upstream || image === undefined || port === undefined) return undefined;

  const healthCheckPath = spec.healthCheckPath ?? preset.healthCheckPath;
  const healthCheckCommand = spec.healthCheckCommand ?? preset.healthCheckCommand ?? ['CMD-SHELL', `wget -q -O /dev/null http://localhost:${port}${healthCheckPath} || exit 1`];
  return {
    name: GATEWAY_CONTAINER_NAME,
    port,
    healthCheckPath,
    upstream,
    spec: {
      image,
      port,
      // Containers of an awsvpc task share one network namespace, so the gateway reaches the application on localhost.
      environment: { ...preset.environment, ...spec.environment, ...preset.upstreamEnvironment(`http://localhost:${upstream.port}`) },
      secrets: spec.secrets,
      readonlyRootFilesystem: true,
      writablePaths: [...preset.writablePaths],
      user: spec.user ?? preset.user,
      healthCheck: {
        command: [...healthCheckCommand],
        intervalSeconds: 30,
        timeoutSeconds: 5,
        retries: 3,
        startPeriodSeconds: 30,
      },
    },
  };
}
