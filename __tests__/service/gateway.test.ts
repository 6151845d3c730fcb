import { GATEWAY_PRESETS } from '../../modules/manifest/gateway';
import { ServiceInfo } from '../../modules/manifest/model';
import { validateManifest } from '../../modules/manifest/validate';
import { exampleManifest, manifestProblems } from '../helpers/synth';

const SERVICE = 'my-app1-staging';
const GATEWAY_PATH = `services.${SERVICE}.gateway`;

/** Returns the example with the staging service's gateway block replaced. */
function withGateway(gateway: unknown): any {
  const manifest = exampleManifest();
  manifest.services[SERVICE].gateway = gateway;
  return manifest;
}

function service(manifest: unknown, name = SERVICE): ServiceInfo {
  return validateManifest(manifest).services.find((candidate) => candidate.name === name)!;
}

function gatewayOf(manifest: unknown) {
  return service(manifest).containers.find((container) => container.isGateway)!;
}


const environment = (container: ReturnType<typeof gatewayOf>) => container.spec.environment;

describe('apipark preset', () => {
  test('needs every datastore credential', () => {
    expect([...GATEWAY_PRESETS.apipark.requiredSecrets].sort()).toEqual(['ADMIN_PASSWORD', 'APIPARK_LICENSE_KEY', 'INFLUXDB_TOKEN', 'MYSQL_PWD', 'REDIS_PWD']);
  });

  test('missing secret names field and fix', () => {
    const manifest = exampleManifest();
    delete manifest.services[SERVICE].gateway.secrets.MYSQL_PWD;
    const problem = manifestProblems(manifest).find((candidate) => candidate.id === 'gateway-secret-missing');
    expect(problem).toMatchObject({ path: `${GATEWAY_PATH}.secrets.MYSQL_PWD` });
    expect(problem!.fix).toContain('MYSQL_PWD: { secret: <name from secrets> }');
  });

  test('missing datastore address is rejected', () => {
    const manifest = exampleManifest();
    delete manifest.services[SERVICE].gateway.environment.REDIS_ADDR;
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'gateway-environment-missing', path: `${GATEWAY_PATH}.environment.REDIS_ADDR` }));
  });

  test('credentials become secrets, not environment', () => {
    const gateway = gatewayOf(exampleManifest());
    expect(gateway.secrets.map((use) => use.variable).sort()).toEqual(['ADMIN_PASSWORD', 'APIPARK_LICENSE_KEY', 'INFLUXDB_TOKEN', 'MYSQL_PWD', 'REDIS_PWD']);
    expect(Object.keys(environment(gateway))).not.toContain('MYSQL_PWD');
  });

  test('upstream is the application on localhost', () => {
    expect(environment(gatewayOf(exampleManifest())).UPSTREAM_URL).toBe('http://localhost:8080');
  });

  test('runs read-only with declared writable paths', () => {
    const gateway = gatewayOf(exampleManifest());
    expect(gateway.spec.readonlyRootFilesystem).toBe(true);
    expect(gateway.spec.writablePaths).toEqual(['/tmp', '/var/log/apipark']);
  });
});

describe('kong preset', () => {
  const kong = () => gatewayOf(withGateway({ preset: 'kong' }));

  test('runs DB-less without secrets', () => {
    expect(environment(kong())).toMatchObject({ KONG_DATABASE: 'off', KONG_ADMIN_LISTEN: 'off' });
    expect(kong().secrets).toEqual([]);
  });

  test('declarative config routes to the application', () => {
    const config = JSON.parse(environment(kong()).KONG_DECLARATIVE_CONFIG_STRING);
    expect(config._format_version).toBe('3.0');
    expect(config.services[0].url).toBe('http://localhost:8080');
    const health = config.services[0].routes.find((route: any) => route.name === 'gateway-health');
    expect(health.paths).toEqual([GATEWAY_PRESETS.kong.healthCheckPath]);
    expect(health.plugins[0]).toMatchObject({ name: 'request-termination', config: { status_code: 200 } });
  });

  test('runs as kong with its health command', () => {
    expect(kong().spec.user).toBe('kong');
    expect(kong().spec.healthCheck!.command).toEqual(['CMD', 'kong', 'health']);
  });

  test('load balancer checks the health route', () => {
    const info = service(withGateway({ preset: 'kong' }));
    expect(info.ingress).toEqual({ container: 'gateway', port: 8000 });
    expect(info.loadBalancer!.healthCheckPath).toBe('/gateway-health');
  });
});

describe('custom preset', () => {
  test('needs image and port', () => {
    const problems = manifestProblems(withGateway({ preset: 'custom' }));
    expect(problems).toContainEqual(expect.objectContaining({ id: 'gateway-image-missing', path: `${GATEWAY_PATH}.image` }));
    expect(problems).toContainEqual(expect.objectContaining({ id: 'gateway-port-missing', path: `${GATEWAY_PATH}.port` }));
  });

  test('takes image, port and health check', () => {
    const manifest = withGateway({ preset: 'custom', image: 'public.ecr.aws/nginx/nginx:1.27.3', port: 8081, healthCheckPath: '/ready', healthCheckCommand: ['CMD', '/healthcheck'] });
    const info = service(manifest);
    const gateway = info.containers.find((container) => container.isGateway)!;
    expect(gateway.spec).toMatchObject({ image: 'public.ecr.aws/nginx/nginx:1.27.3', port: 8081, healthCheck: expect.objectContaining({ command: ['CMD', '/healthcheck'] }) });
    expect(info.loadBalancer!.healthCheckPath).toBe('/ready');
    expect(info.ingress).toEqual({ container: 'gateway', port: 8081 });
  });
});

describe('gateway upstream', () => {
  test('two ported containers need a choice', () => {
    const manifest = withGateway({ preset: 'kong' });
    manifest.services[SERVICE].containers.metrics = { image: 'public.ecr.aws/docker/library/busybox:1.37', port: 9100 };
    expect(manifestProblems(manifest)).toContainEqual(expect.objectContaining({ id: 'gateway-upstream-missing', path: `${GATEWAY_PATH}.upstreamContainer` }));
  });

  test('upstreamContainer picks the container', () => {
    const manifest = withGateway({ preset: 'kong', upstreamContainer: 'metrics' });
    manifest.services[SERVICE].containers.metrics = { image: 'public.ecr.aws/docker/library/busybox:1.37', port: 9100 };
    const config = JSON.parse(environment(gatewayOf(manifest)).KONG_DECLARATIVE_CONFIG_STRING);
    expect(config.services[0].url).toBe('http://localhost:9100');
  });

  test('unchecked upstream warns', () => {
    const manifest = exampleManifest();
    delete manifest.services[SERVICE].containers.app.healthCheck;
    const warnings = validateManifest(manifest).warnings.filter((warning) => warning.id === 'gateway-upstream-not-health-checked');
    expect(warnings.map((warning) => warning.path)).toEqual([`services.${SERVICE}.containers.app.healthCheck`]);
  });
});
