import { renderContainerDefinitions } from '../../modules/core/container-definitions';
import { ServiceInfo } from '../../modules/manifest/model';
import { validateManifest } from '../../modules/manifest/validate';
import { exampleManifest } from '../helpers/synth';

/**
 * Rebuilds what DescribeTaskDefinition returns for a registered container definition from the
 * ECS API reference's defaults. These are `essential` true, `cpu` 0, empty lists for environment,
 * mount points, volumes-from, system controls and port mappings, and `tcp` port mappings whose
 * host port is the container port in awsvpc mode. A health check gets interval 30, timeout 5
 * and retries 3. The AWS provider also sorts environment and secrets by name and drops nulls.
 */
function describedForm(definitions: any[]): any[] {
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return definitions.map((input) => {
    const container = JSON.parse(JSON.stringify(input));
    for (const key of Object.keys(container)) if (container[key] === null) delete container[key];
    container.essential ??= true;
    container.cpu ??= 0;
    for (const list of ['environment', 'mountPoints', 'volumesFrom', 'systemControls', 'portMappings', 'secrets']) container[list] ??= [];
    container.portMappings = container.portMappings.map((mapping: any) => ({ ...mapping, protocol: mapping.protocol ?? 'tcp', hostPort: mapping.hostPort ?? mapping.containerPort }));
    container.environment = [...container.environment].sort(byName);
    container.secrets = [...container.secrets].sort(byName);
    if (container.healthCheck) container.healthCheck = { interval: 30, timeout: 5, retries: 3, ...container.healthCheck };
    return container;
  });
}

function services(manifest = exampleManifest()): ServiceInfo[] {
  return [...validateManifest(manifest).services];
}

/** Reverses the key order of every record, so rendering cannot depend on the manifest's order. */
function reversed(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).reverse());
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(hasNull);
  if (typeof value === 'object') return Object.values(value as object).some(hasNull);
  return false;
}

describe('canonical container definitions', () => {
  test.each(services().map((service) => [service.name, service] as const))('%s matches the described form', (_name, service) => {
    const rendered = renderContainerDefinitions(service);
    expect(rendered).toEqual(describedForm(rendered));
  });

  test('rendering twice gives identical JSON', () => {
    for (const service of services()) {
      expect(JSON.stringify(renderContainerDefinitions(service))).toBe(JSON.stringify(renderContainerDefinitions(service)));
    }
  });

  test('manifest order does not change output', () => {
    const forward = exampleManifest();
    const backward = exampleManifest();
    const extra = { A_FIRST: '1', Z_LAST: '2' };
    forward.services['my-app1'].containers.app.environment = { ...extra, ...forward.services['my-app1'].containers.app.environment };
    const app = backward.services['my-app1'].containers.app;
    app.environment = reversed({ ...extra, ...app.environment });
    app.secrets = reversed(app.secrets);
    backward.services['my-app1'].gateway.secrets = reversed(backward.services['my-app1'].gateway.secrets);
    backward.services['my-app1'].gateway.environment = reversed(backward.services['my-app1'].gateway.environment);

    const render = (source: any) => JSON.stringify(renderContainerDefinitions(services(source).find((service) => service.name === 'my-app1')!));
    expect(render(backward)).toBe(render(forward));
  });

  test('environment and secrets sorted by name', () => {
    for (const container of renderContainerDefinitions(services()[0])) {
      const environment = container.environment.map((entry) => entry.name);
      const secrets = container.secrets.map((entry) => entry.name);
      expect(environment).toEqual([...environment].sort());
      expect(secrets).toEqual([...secrets].sort());
    }
  });

  test('bare container gets API defaults', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1-staging'].containers.sidecar = { image: 'public.ecr.aws/docker/library/busybox:1.37' };
    const service = services(manifest).find((candidate) => candidate.name === 'my-app1-staging')!;
    const sidecar = renderContainerDefinitions(service).find((container) => container.name === 'sidecar')!;
    expect(sidecar).toMatchObject({ cpu: 0, essential: true, environment: [], secrets: [], mountPoints: [], volumesFrom: [], systemControls: [], portMappings: [], readonlyRootFilesystem: true });
    expect(sidecar).not.toHaveProperty('healthCheck');
    expect(sidecar.logConfiguration).not.toHaveProperty('secretOptions');
  });

  test('no value is null', () => {
    for (const service of services()) expect(hasNull(renderContainerDefinitions(service))).toBe(false);
  });

  test('host port equals container port', () => {
    for (const service of services()) {
      for (const container of renderContainerDefinitions(service)) {
        for (const mapping of container.portMappings) expect(mapping.hostPort).toBe(mapping.containerPort);
      }
    }
  });

  test('writable paths become task volumes', () => {
    const gateway = renderContainerDefinitions(services()[0]).find((container) => container.name === 'gateway')!;
    expect(gateway.readonlyRootFilesystem).toBe(true);
    expect(gateway.mountPoints).toEqual([
      { sourceVolume: 'gateway-tmp', containerPath: '/tmp', readOnly: false },
      { sourceVolume: 'gateway-var-log-apipark', containerPath: '/var/log/apipark', readOnly: false },
    ]);
  });
});
