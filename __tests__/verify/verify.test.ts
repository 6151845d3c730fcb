import { factsFromManifest, formatReport, verifySynthesizedOutput, VerifyReport } from '../../modules/verify';
import { SynthesizedExample, remove, synthesizeExample } from './output-copy';

let example: SynthesizedExample;
let report: VerifyReport;

beforeAll(async () => {
  example = synthesizeExample();
  report = await verifySynthesizedOutput(example.dir, { facts: factsFromManifest(example.zone) });
});

afterAll(() => remove(example.root));

function results(principal: string, action: string, resourcePart: string) {
  return report.results.filter((result) => result.request.principal.endsWith(principal) && result.request.action === action && result.request.resource.includes(resourcePart));
}

describe('verify of the bundled example', () => {
  test('example passes with no errors', () => {
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
    expect(report.results.filter((result) => !result.passed)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  test('reads every stack of the output', () => {
    expect(report.stacks).toEqual(['prod-eu-west-1', 'shared-services-eu-west-1', 'staging-eu-west-1']);
  });

  test('cross-account pull needs both policies', () => {
    const [pull] = results(':222222222222:role/my-app1-execution', 'ecr:BatchGetImage', 'repository/my-ecs-repo-app1');
    expect(pull.request.expected).toBe('allow');
    expect(pull.decision).toBe('allowed');
    expect(pull.decidedBy).toContain('prod-eu-west-1/aws_iam_role_policy.service-my-app1_execution-role_policy_F845E0E6#PullImages');
    expect(pull.decidedBy.some((label) => label.startsWith('shared-services-eu-west-1/aws_ecr_repository_policy.') && label.endsWith('#PullByExecutionRoles'))).toBe(true);
  });

  test('secret resolves to a complete ARN', () => {
    const reads = results(':222222222222:role/my-app1-execution', 'secretsmanager:GetSecretValue', 'my-app1/db-credentials');
    const allowed = reads.filter((result) => result.request.expected === 'allow');
    expect(allowed.map((result) => result.request.resource)).toEqual(['arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-AbCdEf']);
    expect(allowed[0].passed).toBe(true);
  });

  test('decrypt request carries the KMS context', () => {
    const decrypt = results(':333333333333:role/my-app1-staging-execution', 'kms:Decrypt', 'key/app-config-symbolic').find((result) => result.request.expected === 'allow');
    expect(decrypt?.request.context).toMatchObject({
      'kms:ViaService': 'ssm.eu-west-1.amazonaws.com',
      'kms:CallerAccount': '333333333333',
      'kms:ResourceAliases': ['alias/app-config'],
      'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
    });
    expect(decrypt?.passed).toBe(true);
  });

  test('intruder in consumer account is denied', () => {
    const probes = results(':222222222222:role/intruder', 'kms:Decrypt', 'key/app-secrets-symbolic');
    expect(probes).toHaveLength(1);
    expect(probes[0].request.identityPolicies.map((policy) => policy.label)).toEqual(['probe:allow-everything']);
    expect(probes[0].decision).toBe('denied');
    expect(probes[0].reason).toContain('aws_kms_key.kms-key-app-secrets');
    expect(probes[0].passed).toBe(true);
  });

  test('outsider is denied every shared resource', () => {
    const outsider = report.results.filter((result) => result.request.principal === 'arn:aws:iam::999999999999:role/outsider');
    expect(outsider.length).toBeGreaterThanOrEqual(8);
    expect(outsider.every((result) => result.decision === 'denied')).toBe(true);
  });

  test('task role cannot pull images', () => {
    const [pull] = results(':222222222222:role/my-app1-task', 'ecr:BatchGetImage', 'repository/my-ecs-repo-app1');
    expect(pull.request.expected).toBe('deny');
    expect(pull.decision).toBe('denied');
  });

  test('execution role cannot read uploads', () => {
    const [read] = results(':222222222222:role/my-app1-execution', 's3:GetObject', 'my-app1-uploads');
    expect(read.request.expected).toBe('deny');
    expect(read.decision).toBe('denied');
  });

  test('prefix-sharing secret name is denied', () => {
    const [probe] = results(':222222222222:role/my-app1-execution', 'secretsmanager:GetSecretValue', 'my-app1/db-credentials-extra-AbCdEf');
    expect(probe.request.expected).toBe('deny');
    expect(probe.passed).toBe(true);
  });

  test('ECS tasks assume both roles', () => {
    const assumed = report.results.filter((result) => result.request.action === 'sts:AssumeRole' && result.request.expected === 'allow');
    expect(assumed.map((result) => result.request.resource).sort()).toEqual([
      'arn:aws:iam::222222222222:role/my-app1-execution',
      'arn:aws:iam::222222222222:role/my-app1-task',
      'arn:aws:iam::333333333333:role/my-app1-staging-execution',
      'arn:aws:iam::333333333333:role/my-app1-staging-task',
    ]);
    expect(assumed.every((result) => result.passed)).toBe(true);
  });

  test('ECS tasks of another account are denied', () => {
    const foreign = report.results.filter((result) => result.request.action === 'sts:AssumeRole' && result.request.context['aws:SourceAccount'] === '999999999999');
    // Only the task roles bind their trust to the account by default, one per service.
    expect(foreign.map((result) => result.request.resource.split('/').pop()).sort()).toEqual(['my-app1-staging-task', 'my-app1-task']);
    expect(foreign.every((result) => result.decision === 'denied' && result.passed)).toBe(true);
    expect(foreign[0].reason).toMatch(/^no statement in prod-eu-west-1\/aws_iam_role\.\S+ allows this principal$/);
  });

  test('matrix groups rows by ECS service', () => {
    const text = formatReport(report, 'text');
    expect(text).toContain('== my-app1 ==');
    expect(text).toContain('== my-app1-staging ==');
    expect(text).not.toContain('== ecr ==');
    expect(text).toMatch(/verify PASSED: (\d+)\/\1 requests as expected, 0 errors/);
  });

  test('json format is machine readable', () => {
    const json = JSON.parse(formatReport(report, 'json'));
    expect(json.passed).toBe(true);
    expect(json.results.length).toBe(report.results.length);
    expect(json.results[0]).toHaveProperty('decidedBy');
  });

  test('markdown has a table per ECS service', () => {
    const markdown = formatReport(report, 'markdown');
    expect(markdown).toContain('#### my-app1\n');
    expect(markdown).toContain('#### my-app1-staging\n');
    expect(markdown).toContain('| principal | action | resource | expected | result | decided by | check |');
  });
});

describe('verify without a manifest', () => {
  test('missing output folder fails clearly', async () => {
    const empty = await verifySynthesizedOutput(`${example.root}/does-not-exist`);
    expect(empty.passed).toBe(false);
    expect(empty.findings.map((finding) => finding.id)).toEqual(['output-empty']);
  });

  test('parameters get no decrypt requests', async () => {
    const bare = await verifySynthesizedOutput(example.dir);
    const ssmDecrypts = bare.results.filter((result) => result.request.context['kms:ViaService'] === 'ssm.eu-west-1.amazonaws.com');
    expect(ssmDecrypts).toEqual([]);
    expect(bare.results.every((result) => result.request.context['aws:PrincipalOrgID'] !== 'o-a1b2c3d4e5')).toBe(true);
  });
});
