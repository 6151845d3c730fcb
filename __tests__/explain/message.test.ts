import { parseMessage, roleOfPrincipal } from '../../modules/explain/message';
import * as corpus from '../fixtures/explain/messages';

describe('parseMessage', () => {
  test('secret fetch yields role, action and hint', () => {
    const parsed = parseMessage(corpus.SECRET_NO_RESOURCE_POLICY.text);
    expect(parsed.kind).toBe('secret-fetch');
    expect(parsed.source).toBe('ecs');
    expect(parsed.roleArn).toBe('arn:aws:iam::222222222222:role/my-app1-execution');
    expect(parsed.action).toBe('secretsmanager:GetSecretValue');
    expect(parsed.resource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-Qx7Lm2');
    expect(parsed.hint).toEqual({ explicitDeny: false, policyType: 'resource-based policy' });
    expect(parsed.step).toBe('secrets-manager');
  });

  test('forbidden image pull yields the repository', () => {
    const parsed = parseMessage(corpus.IMAGE_PULL_FORBIDDEN.text);
    expect(parsed.kind).toBe('image-pull');
    expect(parsed.image).toEqual({ account: '111111111111', region: 'eu-west-1', repository: 'my-ecs-repo-app1' });
    expect(parsed.roleArn).toBeUndefined();
  });

  test('repository in registry URL is found', () => {
    const parsed = parseMessage('CannotPullContainerError: ref pull has been retried 1 time(s): unexpected status from HEAD request to https://111111111111.dkr.ecr.eu-west-1.amazonaws.com/v2/my-ecs-repo-common/manifests/apipark-1.7.3: 403 Forbidden');
    expect(parsed.image?.repository).toBe('my-ecs-repo-common');
  });

  test('registry auth denial is its own kind', () => {
    const parsed = parseMessage(corpus.REGISTRY_AUTH_DENIED.text);
    expect(parsed.kind).toBe('registry-auth');
    expect(parsed.resource).toBe('*');
    expect(parsed.hint).toEqual({ explicitDeny: false, policyType: 'identity-based policy' });
  });

  test('parameter fetch keeps the parameter ARN', () => {
    const parsed = parseMessage(corpus.PARAMETER_DENIED.text);
    expect(parsed.kind).toBe('parameter-fetch');
    expect(parsed.resource).toBe('arn:aws:ssm:eu-west-1:222222222222:parameter/my-app1/db-host');
  });

  test('KMS not allowed names the secret', () => {
    const parsed = parseMessage(corpus.KMS_NOT_ALLOWED.text);
    expect(parsed.kind).toBe('kms-decrypt');
    expect(parsed.kmsDeniedThroughService).toBe(true);
    expect(parsed.secretArn).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-Qx7Lm2');
    expect(parsed.roleArn).toBeUndefined();
  });

  test('KMS decrypt through SSM keeps the step', () => {
    const parsed = parseMessage(corpus.KMS_DECRYPT_SSM.text);
    expect(parsed.kind).toBe('kms-decrypt');
    expect(parsed.step).toBe('ssm');
    expect(parsed.resource).toBe('arn:aws:kms:eu-west-1:111111111111:key/3f1e2d4c-5b6a-4978-8d9e-0a1b2c3d4e5f');
  });

  test('log stream denial keeps the stream ARN', () => {
    const parsed = parseMessage(corpus.LOG_STREAM_DENIED.text);
    expect(parsed.kind).toBe('log-delivery');
    expect(parsed.resource).toBe('arn:aws:logs:eu-west-1:222222222222:log-group:/ecs/my-app1/app:log-stream:ecs/app/8f2c1e0b9a7d4c3e');
  });

  test('role assumption names the role', () => {
    const parsed = parseMessage(corpus.ROLE_NOT_ASSUMED.text);
    expect(parsed.kind).toBe('role-assumption');
    expect(parsed.roleName).toBe('my-app1-execution');
    expect(parsed.action).toBe('sts:AssumeRole');
  });

  test('deadline exceeded is a network timeout', () => {
    const parsed = parseMessage(corpus.SECRET_TIMEOUT.text);
    expect(parsed.kind).toBe('network-timeout');
    expect(parsed.step).toBe('secrets-manager');
    expect(parsed.secretArn).toContain(':secret:my-app1/db-credentials-');
  });

  test('i/o timeout keeps the host', () => {
    const parsed = parseMessage(corpus.ECR_API_TIMEOUT.text);
    expect(parsed.kind).toBe('network-timeout');
    expect(parsed.host).toBe('api.ecr.eu-west-1.amazonaws.com');
  });

  test('ECS Exec errors have two kinds', () => {
    expect(parseMessage(corpus.EXEC_NOT_ENABLED.text).kind).toBe('ecs-exec-disabled');
    expect(parseMessage(corpus.EXEC_NOT_CONNECTED.text).kind).toBe('ecs-exec-not-connected');
    expect(parseMessage(corpus.EXEC_NOT_CONNECTED.text).source).toBe('cli');
  });

  test('CLI error keeps the error code', () => {
    const parsed = parseMessage(corpus.CLI_NO_IDENTITY_POLICY.text);
    expect(parsed.source).toBe('cli');
    expect(parsed.errorCode).toBe('AccessDeniedException');
    expect(parsed.roleName).toBe('my-app1-execution');
  });

  test('explicit deny names the policy type', () => {
    expect(parseMessage(corpus.SCP_EXPLICIT_DENY.text).hint).toEqual({ explicitDeny: true, policyType: 'service control policy' });
  });

  test('CloudTrail record uses the session issuer', () => {
    const parsed = parseMessage(corpus.CLOUDTRAIL_SECRET.text);
    expect(parsed.source).toBe('cloudtrail');
    expect(parsed.errorCode).toBe('AccessDenied');
    expect(parsed.roleArn).toBe('arn:aws:iam::333333333333:role/my-app1-staging-execution');
    expect(parsed.action).toBe('secretsmanager:GetSecretValue');
    expect(parsed.resource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-Hk4Wq1');
  });

  test('CloudTrail KMS denial targets the key', () => {
    const record = JSON.parse(corpus.CLOUDTRAIL_SECRET.text);
    record.errorMessage = 'Access to KMS is not allowed';
    const parsed = parseMessage(JSON.stringify(record));
    expect(parsed.kind).toBe('kms-decrypt');
    expect(parsed.action).toBe('kms:Decrypt');
    expect(parsed.resource).toBeUndefined();
    expect(parsed.secretArn).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key');
  });

  test('CloudTrail lookup-events wrapper is unwrapped', () => {
    const wrapped = JSON.stringify({ EventName: 'GetSecretValue', CloudTrailEvent: corpus.CLOUDTRAIL_SECRET.text });
    expect(parseMessage(wrapped).roleName).toBe('my-app1-staging-execution');
  });

  test('missing secret is not found', () => {
    const parsed = parseMessage(corpus.SECRET_NOT_FOUND.text);
    expect(parsed.kind).toBe('secret-fetch');
    expect(parsed.notFound).toBe(true);
  });

  test('quoted resource loses its quotes', () => {
    expect(parseMessage(corpus.TASK_ROLE_DENIED.text).resource).toBe('arn:aws:s3:::my-app1-uploads-222222222222/reports/2026-12.csv');
  });

  test('malformed CloudTrail event is unrecognized', () => {
    expect(parseMessage('{"errorCode": "AccessDenied", "CloudTrailEvent": "{not json"}').kind).toBe('unrecognized');
  });

  test('unrelated text is unrecognized', () => {
    expect(parseMessage(corpus.UNRECOGNIZED.text).kind).toBe('unrecognized');
  });
});

describe('roleOfPrincipal', () => {
  test('session ARN becomes role ARN', () => {
    expect(roleOfPrincipal('arn:aws:sts::222222222222:assumed-role/my-app1-execution/abc')).toEqual({
      roleArn: 'arn:aws:iam::222222222222:role/my-app1-execution',
      roleName: 'my-app1-execution',
      account: '222222222222',
    });
  });

  test('role ARN keeps its path', () => {
    expect(roleOfPrincipal('arn:aws:iam::222222222222:role/ecs/my-app1-execution')?.roleName).toBe('my-app1-execution');
  });

  test('user ARN is no role', () => {
    expect(roleOfPrincipal('arn:aws:iam::222222222222:user/alice')).toBeUndefined();
  });
});
