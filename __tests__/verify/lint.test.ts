import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lintPolicyText } from '../../modules/verify';

const PUBLISHED_POLICY = resolve(__dirname, '../fixtures/verify/published-execution-role-policy.json');

function policy(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function ids(findings: { id: string }[]): string[] {
  return findings.map((finding) => finding.id).sort();
}

describe('lint of the published execution-role policy', () => {
  test('reports the unknown condition key', async () => {
    const findings = await lintPolicyText('published', 'inline', readFileSync(PUBLISHED_POLICY, 'utf8'));
    const unknown = findings.filter((finding) => finding.id === 'condition-key-unknown');
    expect(unknown).toHaveLength(1);
    expect(unknown[0].source).toBe('published#PullOnlyAppRepository');
    expect(unknown[0].message).toContain('"ecr:RepositoryName" does not exist for ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer');
  });

  test('reports that the statement never matches', async () => {
    const findings = await lintPolicyText('published', 'inline', readFileSync(PUBLISHED_POLICY, 'utf8'));
    const never = findings.filter((finding) => finding.id === 'statement-never-matches');
    expect(never).toHaveLength(1);
    expect(never[0].severity).toBe('error');
    expect(never[0].source).toBe('published#PullOnlyAppRepository');
    expect(never[0].message).toContain('ArnEquals is false without it');
  });

  test('leaves the other statements alone', async () => {
    const findings = await lintPolicyText('published', 'inline', readFileSync(PUBLISHED_POLICY, 'utf8'));
    expect(findings.filter((finding) => !finding.source.endsWith('#PullOnlyAppRepository'))).toEqual([]);
  });
});

describe('lint rules by policy kind', () => {
  test('IfExists condition can still match', async () => {
    const text = policy([{ Sid: 'Pull', Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: 'arn:aws:ecr:eu-west-1:111111111111:repository/app', Condition: { ArnEqualsIfExists: { 'ecr:RepositoryName': 'x' } } }]);
    expect(ids(await lintPolicyText('p', 'inline', text))).toEqual(['condition-key-unknown']);
  });

  test('key of another action is flagged', async () => {
    const text = policy([{ Sid: 'Pull', Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: 'arn:aws:ecr:eu-west-1:111111111111:repository/app', Condition: { StringEquals: { 'kms:ViaService': 'ecr.eu-west-1.amazonaws.com' } } }]);
    expect(ids(await lintPolicyText('p', 'inline', text))).toEqual(['condition-key-not-for-action', 'statement-never-matches']);
  });

  test('wildcard-only action accepts star', async () => {
    const text = policy([{ Sid: 'Exec', Effect: 'Allow', Action: ['ssmmessages:OpenDataChannel', 'ecr:GetAuthorizationToken'], Resource: '*' }]);
    expect(await lintPolicyText('p', 'inline', text)).toEqual([]);
  });

  test('wildcard-only action with ARN is flagged', async () => {
    const text = policy([{ Sid: 'Login', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: 'arn:aws:ecr:eu-west-1:111111111111:repository/app' }]);
    expect(ids(await lintPolicyText('p', 'inline', text))).toEqual(['wildcard-only-action-scoped']);
  });

  test('resource of wrong type is flagged', async () => {
    const text = policy([{ Sid: 'Read', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: 'arn:aws:ssm:eu-west-1:111111111111:parameter/app' }]);
    expect(ids(await lintPolicyText('p', 'inline', text))).toEqual(['resource-matches-no-action', 'resource-type-mismatch']);
  });

  test('unknown action is flagged', async () => {
    const text = policy([{ Sid: 'Pull', Effect: 'Allow', Action: 'ecr:PullImage', Resource: 'arn:aws:ecr:eu-west-1:111111111111:repository/app' }]);
    expect(ids(await lintPolicyText('p', 'inline', text))).toEqual(['action-unknown']);
  });

  test('identity policy names no principal', async () => {
    const text = policy([{ Sid: 'Pull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'ecr:BatchGetImage', Resource: 'arn:aws:ecr:eu-west-1:111111111111:repository/app' }]);
    expect(ids(await lintPolicyText('p', 'managed', text))).toEqual(['principal-in-identity-policy']);
  });

  test('repository policy without principal or with resource', async () => {
    const text = policy([{ Sid: 'Pull', Effect: 'Allow', Action: 'ecr:BatchGetImage', Resource: '*' }]);
    expect(ids(await lintPolicyText('p', 'ecr-repository', text))).toEqual(['principal-missing', 'resource-in-repository-policy']);
  });

  test('kms:* only for own account root', async () => {
    const own = policy([{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }]);
    const other = policy([{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:*', Resource: '*' }]);
    expect(await lintPolicyText('key', 'kms-key', own, '111111111111')).toEqual([]);
    expect(ids(await lintPolicyText('key', 'kms-key', other, '111111111111'))).toEqual(['wildcard-action']);
  });

  test('anyone without condition is flagged', async () => {
    const text = policy([{ Sid: 'Read', Effect: 'Allow', Principal: '*', Action: 'secretsmanager:GetSecretValue', Resource: '*' }]);
    expect(ids(await lintPolicyText('p', 'secret', text))).toEqual(['principal-anyone']);
  });

  test('oversized trust policy is flagged', async () => {
    const sourceArns = Array.from({ length: 60 }, (_, index) => `arn:aws:ecs:eu-west-1:111111111111:task-definition/family-${index}:*`);
    const text = policy([{ Sid: 'Ecs', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { ArnLike: { 'aws:SourceArn': sourceArns } } }]);
    const findings = await lintPolicyText('trust', 'trust', text);
    expect(ids(findings)).toEqual(['policy-too-large']);
    expect(findings[0].message).toContain('the role trust policy quota is 2048');
  });
});
