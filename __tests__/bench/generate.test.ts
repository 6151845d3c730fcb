import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layoutLandingZone, manifestFor, writeManifest } from '../../bench/generate';
import { loadManifest } from '../../modules/manifest/load';
import { validateManifest } from '../../modules/manifest/validate';
import { buildApp } from '../../stacks/app';

interface StackJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

describe('landing-zone generator', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-generate-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('smallest zone validates without warnings', () => {
    const zone = validateManifest(manifestFor(layoutLandingZone({ services: 1, accounts: 1 })));

    expect(zone.services.map((service) => service.name)).toEqual(['svc-0001']);
    expect(zone.warnings).toEqual([]);
  });

  test.each(['yaml', 'json'] as const)('written %s loads as a manifest', (format) => {
    const file = writeManifest({ services: 1, accounts: 1 }, dir, format);

    expect(file.endsWith(`landing-zone-1x1.${format}`)).toBe(true);
    expect(loadManifest(file).services).toHaveLength(1);
  });

  test('smallest zone synthesizes one stack', () => {
    const zone = validateManifest(manifestFor(layoutLandingZone({ services: 1, accounts: 1 })));
    const outdir = join(dir, 'out');

    buildApp(zone, outdir).app.synth();

    expect(readdirSync(join(outdir, 'stacks'))).toEqual(['shared-services-eu-west-1']);
    const stack = JSON.parse(readFileSync(join(outdir, 'stacks/shared-services-eu-west-1/cdk.tf.json'), 'utf8')) as StackJson;
    const roleNames = Object.values(stack.resource.aws_iam_role).map((role) => role.name);
    expect(roleNames.sort()).toEqual(['svc-0001-execution', 'svc-0001-task']);
    const [taskDefinition] = Object.values(stack.resource.aws_ecs_task_definition);
    const containers = JSON.parse(taskDefinition.container_definitions as string) as { name: string }[];
    expect(containers.map((container) => container.name)).toEqual(['app', 'gateway']);
    expect(Object.keys(stack.resource.aws_ecs_service)).toHaveLength(1);
  });

  test('services spread over workload accounts', () => {
    const layout = layoutLandingZone({ services: 10, accounts: 3 });
    const perAccount = new Map<string, number>();
    for (const service of layout.services) perAccount.set(service.account.key, (perAccount.get(service.account.key) ?? 0) + 1);

    expect(Object.fromEntries(perAccount)).toEqual({ 'workload-01': 5, 'workload-02': 5 });
    expect(layout.workloads.map((account) => account.id)).not.toContain(layout.sharedAccountId);
  });

  test('sizes outside the range are rejected', () => {
    expect(() => layoutLandingZone({ services: 0, accounts: 1 })).toThrow('services must be a positive integer, got 0');
    expect(() => layoutLandingZone({ services: 1, accounts: 100 })).toThrow('accounts must be an integer from 1 to 99, got 100');
  });
});
