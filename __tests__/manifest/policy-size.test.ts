import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '../../modules/core/errors';
import { policySize } from '../../modules/core/policy';
import { QUOTAS, layoutRolePolicy } from '../../modules/core/quotas';
import { validateManifest } from '../../modules/manifest/validate';
import { synthesize } from '../../stacks/app';
import { JsonObject, getPath, loadExample, setPath } from '../fixtures/manifests/example';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

let workdir: string;

beforeEach(() => {
  workdir = mkdtempSync(join(tmpdir(), 'policy-size-'));
});

afterEach(() => {
  rmSync(workdir, { recursive: true, force: true });
});

function synthesizeStack(manifest: JsonObject, stack: string): Resources {
  const outdir = join(workdir, 'cdktf.out');
  synthesize(validateManifest(manifest), outdir);
  const json = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { resource: Resources };
  return json.resource;
}

function policiesNamed(resources: Resources, prefix: string): string[] {
  return Object.values(resources.aws_iam_policy ?? {})
    .filter((policy) => String(policy.name).startsWith(prefix))
    .map((policy) => String(policy.policy));
}

function withParameters(count: number): JsonObject {
  const manifest = loadExample();
  const secrets = getPath(manifest, 'services.my-app1-staging.containers.app.secrets') as JsonObject;
  for (let index = 0; index < count; index += 1) {
    const number = String(index).padStart(4, '0');
    secrets[`BULK_${number}`] = { parameter: `/my-app1-staging/bulk/parameter-${number}` };
  }
  return manifest;
}

describe('execution role policy size', () => {
  test('many parameters use managed policies', () => {
    const resources = synthesizeStack(withParameters(200), 'staging-eu-west-1');
    const inline = Object.values(resources.aws_iam_role_policy ?? {}).filter((policy) => policy.name === 'my-app1-staging-execution-policy');
    const managed = policiesNamed(resources, 'my-app1-staging-execution-policy-');

    expect(inline).toEqual([]);
    expect(managed.length).toBeGreaterThan(1);
    expect(managed.length).toBeLessThanOrEqual(QUOTAS.managedPoliciesPerRole);
    for (const policy of managed) expect(policySize(policy)).toBeLessThanOrEqual(QUOTAS.managedPolicy);
    const attachments = Object.values(resources.aws_iam_policy_attachment ?? {}).concat(Object.values(resources.aws_iam_role_policy_attachment ?? {}));
    expect(attachments.filter((attachment) => /service-my-app1-staging_execution-role_managed-policy-\d+/.test(String(attachment.policy_arn))).length).toBe(managed.length);
  });

  test('split policies keep every parameter once', () => {
    const resources = synthesizeStack(withParameters(200), 'staging-eu-west-1');
    const granted = policiesNamed(resources, 'my-app1-staging-execution-policy-').flatMap((policy) =>
      (JSON.parse(policy) as { Statement: { Resource?: string[] }[] }).Statement.flatMap((statement) => statement.Resource ?? []).filter((resource) => resource.includes(':parameter/my-app1-staging/bulk/')),
    );
    expect(granted.length).toBe(200);
    expect(new Set(granted).size).toBe(200);
  });
});

describe('task role policy size', () => {
  function withObjects(count: number): JsonObject {
    const manifest = loadExample();
    const resources = Array.from({ length: count }, (_, index) => `arn:aws:s3:::my-app1-uploads-222222222222/objects/object-${String(index).padStart(5, '0')}`);
    setPath(manifest, 'services.my-app1.taskRole.statements.0.resources', resources);
    return manifest;
  }

  test('impossible policy rejected with numbers', () => {
    const outdir = join(workdir, 'cdktf.out');
    let error: unknown;
    try {
      synthesize(validateManifest(withObjects(2500)), outdir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const [problem] = (error as ManifestError).problems;
    expect(problem.id).toBe('policy-too-large');
    expect(problem.path).toBe('services.my-app1.taskRole');
    expect(problem.rule).toContain(`${QUOTAS.managedPoliciesPerRole * QUOTAS.managedPolicy}`);
    expect(problem.received).toBeGreaterThan(QUOTAS.managedPoliciesPerRole * QUOTAS.managedPolicy);
  });

  test('rejection leaves no output behind', () => {
    const outdir = join(workdir, 'cdktf.out');
    expect(() => synthesize(validateManifest(withObjects(2500)), outdir)).toThrow(ManifestError);
    expect(existsSync(outdir)).toBe(false);
    expect(readdirSync(workdir)).toEqual([]);
  });
});

describe('secret references in synthesized JSON', () => {
  test('task definition keeps JSON key', () => {
    const resources = synthesizeStack(loadExample(), 'prod-eu-west-1');
    const [definition] = Object.values(resources.aws_ecs_task_definition);
    const containers = JSON.parse(String(definition.container_definitions)) as { name: string; secrets: { name: string; valueFrom: string }[] }[];
    const app = containers.find((container) => container.name === 'app')!;
    expect(app.secrets.find((secret) => secret.name === 'DB_PASSWORD')?.valueFrom).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials:password::');
  });

  test('execution role grants the secret pattern', () => {
    const resources = synthesizeStack(loadExample(), 'prod-eu-west-1');
    const policy = Object.values(resources.aws_iam_role_policy).find((candidate) => candidate.name === 'my-app1-execution-policy')!;
    const statements = (JSON.parse(String(policy.policy)) as { Statement: { Action: string[]; Resource: string[] }[] }).Statement;
    const read = statements.find((statement) => statement.Action.includes('secretsmanager:GetSecretValue'))!;
    expect(read.Resource).toContain('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-??????');
    expect(read.Resource.some((resource) => resource.includes(':password'))).toBe(false);
  });
});

describe('role policy layout', () => {
  const resources = Array.from({ length: 400 }, (_, index) => `arn:aws:ssm:eu-west-1:222222222222:parameter/bulk/parameter-${String(index).padStart(4, '0')}`);
  const statement = { sid: 'ReadParameters', actions: ['ssm:GetParameters'], resources };

  test('oversized statement split by resources', () => {
    const layout = layoutRolePolicy([statement]);
    if (layout.kind !== 'managed') throw new Error(`expected managed policies, got ${layout.kind}`);
    const parts = layout.documents.flatMap((document) => document.statements);
    expect(parts.map((part) => part.sid)).toEqual(parts.map((_, index) => `ReadParametersPart${index + 1}`));
    expect(parts.flatMap((part) => part.resources ?? []).sort()).toEqual([...resources].sort());
    for (const document of layout.documents) expect(document.size).toBeLessThanOrEqual(QUOTAS.managedPolicy);
  });

  test('split parts keep actions', () => {
    const layout = layoutRolePolicy([statement]);
    if (layout.kind !== 'managed') throw new Error(`expected managed policies, got ${layout.kind}`);
    for (const document of layout.documents) for (const part of document.statements) expect(part.actions).toEqual(['ssm:GetParameters']);
  });

  test('too many parts reported with numbers', () => {
    const layout = layoutRolePolicy([statement], 2);
    expect(layout).toMatchObject({ kind: 'too-large', limit: 2 * QUOTAS.managedPolicy });
    if (layout.kind !== 'too-large') return;
    expect(layout.needed).toBeGreaterThan(2);
    expect(layout.size).toBeGreaterThan(layout.limit);
  });
});
