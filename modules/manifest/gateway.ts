import { ManifestProblem } from '../core/errors';
import { ContainerSpec, GatewaySpec } from './schema';

/** A gateway preset: a small declarative description the gateway container is built from. */
export interface GatewayPreset {
  readonly image?: string;
  readonly port: number;
  readonly healthCheckPath: string;
  /** Variables that must come from `secrets`. */
  readonly requiredSecrets: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly writablePaths: readonly string[];
  readonly user?: string;
}

/**
 * Built-in presets. APIPark keeps its state in MySQL, Redis and InfluxDB, whose credentials and
 * the license key come from the manifest; Kong runs in DB-less mode from a declarative file
 * baked into the image; `custom` requires the image and port from the manifest.
 */
export const GATEWAY_PRESETS: Readonly<Record<GatewaySpec['preset'], GatewayPreset>> = {
  apipark: {
    image: 'apipark/apipark:v1.7.3',
    port: 8288,
    healthCheckPath: '/api/v1/system/health',
    requiredSecrets: ['APIPARK_LICENSE_KEY', 'MYSQL_PWD', 'REDIS_PWD', 'INFLUXDB_TOKEN'],
    environment: { ERROR_DIR: '/tmp/apipark/error' },
    writablePaths: ['/tmp', '/var/log/apipark'],
  },
  kong: {
    image: 'kong:3.9.1',
    port: 8000,
    healthCheckPath: '/status',
    requiredSecrets: [],
    environment: { KONG_DATABASE: 'off', KONG_DECLARATIVE_CONFIG: '/kong/declarative/kong.yml', KONG_PROXY_LISTEN: '0.0.0.0:8000', KONG_STATUS_LISTEN: '0.0.0.0:8100' },
    writablePaths: ['/tmp', '/usr/local/kong'],
    user: 'kong',
  },
  custom: {
    port: 8080,
    healthCheckPath: '/health',
    requiredSecrets: [],
    environment: {},
    writablePaths: ['/tmp'],
  },
};

/** The container name the gateway always gets. */
export const GATEWAY_CONTAINER_NAME = 'gateway';

/** Expands a gateway block into a container spec, reporting a missing required secret or image. */
export function gatewayContainer(spec: GatewaySpec, path: string, report: (problem: ManifestProblem) => void): { name: string; spec: ContainerSpec } | undefined {
  const preset = GATEWAY_PRESETS[spec.preset];
  const image = spec.image ?? preset.image;
  let valid = true;
  if (image === undefined) {
    report({ id: 'gateway-image-missing', path: `${path}.image`, rule: `the \`${spec.preset}\` preset has no default image`, received: undefined, fix: 'set `image` to the gateway image URI' });
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
  if (!valid || image === undefined) return undefined;
  const port = spec.port ?? preset.port;
  const healthCheckPath = spec.healthCheckPath ?? preset.healthCheckPath;
  return {
    name: GATEWAY_CONTAINER_NAME,
    spec: {
      image,
      port,
      environment: { ...preset.environment, ...spec.environment },
      secrets: spec.secrets,
      readonlyRootFilesystem: true,
      writablePaths: [...preset.writablePaths],
      user: preset.user,
      healthCheck: {
        command: ['CMD-SHELL', `wget -q -O /dev/null http://localhost:${port}${healthCheckPath} || exit 1`],
        intervalSeconds: 30,
        timeoutSeconds: 5,
        retries: 3,
        startPeriodSeconds: 30,
      },
    },
  };
}
