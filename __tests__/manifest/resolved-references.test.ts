import { SecretUse } from '../../modules/manifest/model';
import { validateManifest } from '../../modules/manifest/validate';
import { editedExample, loadExample } from '../fixtures/manifests/example';

const APP = 'services.my-app1.containers.app';

function useOf(manifest: unknown, variable: string, service = 'my-app1', container = 'app'): SecretUse {
  const zone = validateManifest(manifest);
  const use = zone.services.find((candidate) => candidate.name === service)?.containers.find((candidate) => candidate.name === container)?.secrets.find((candidate) => candidate.variable === variable);
  if (!use) throw new Error(`no secret use ${variable} in ${service}.${container}`);
  return use;
}

function secretUse(manifest: unknown, variable: string): Extract<SecretUse, { kind: 'secret' }> {
  const use = useOf(manifest, variable);
  if (use.kind !== 'secret') throw new Error(`${variable} is a parameter`);
  return use;
}

describe('Secrets Manager references', () => {
  test('JSON key kept in valueFrom', () => {
    const use = secretUse(loadExample(), 'DB_PASSWORD');
    expect(use.valueFrom).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials:password::');
  });

  test('JSON key stripped from IAM resource', () => {
    const use = secretUse(loadExample(), 'DB_PASSWORD');
    expect(use.policyResource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-??????');
  });

  test('version stage kept in valueFrom', () => {
    const manifest = editedExample({ [`${APP}.secrets.DB_PASSWORD.versionStage`]: 'AWSPREVIOUS' });
    const use = secretUse(manifest, 'DB_PASSWORD');
    expect(use.valueFrom).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials:password:AWSPREVIOUS:');
    expect(use.policyResource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-??????');
  });

  test('version id kept in valueFrom', () => {
    const versionId = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
    const manifest = editedExample({ [`${APP}.secrets.PARTNER_API_KEY.versionId`]: versionId });
    const use = secretUse(manifest, 'PARTNER_API_KEY');
    expect(use.valueFrom).toBe(`arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key:::${versionId}`);
    expect(use.policyResource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-??????');
  });

  test('whole secret has no suffix fields', () => {
    const use = secretUse(loadExample(), 'PARTNER_API_KEY');
    expect(use.valueFrom).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key');
  });

  test('existing secret uses its complete ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-Ab12Cd';
    const manifest = editedExample({ 'secrets.shared-api-key.existingArn': arn });
    const use = secretUse(manifest, 'PARTNER_API_KEY');
    expect(use.valueFrom).toBe(arn);
    expect(use.policyResource).toBe(arn);
  });
});

describe('SSM parameter references', () => {
  test.each([
    ['/my-app1/db-host', 'arn:aws:ssm:eu-west-1:222222222222:parameter/my-app1/db-host'],
    ['db-host', 'arn:aws:ssm:eu-west-1:222222222222:parameter/db-host'],
    ['/db-host', 'arn:aws:ssm:eu-west-1:222222222222:parameter/db-host'],
  ])('name %s gives one slash', (name, arn) => {
    const manifest = editedExample({ [`${APP}.secrets.DB_HOST.parameter`]: name });
    const use = useOf(manifest, 'DB_HOST');
    expect(use.kind).toBe('parameter');
    expect(use.valueFrom).toBe(arn);
    expect(use.valueFrom).not.toContain('parameter//');
  });

  test('name means the task region', () => {
    const manifest = editedExample({ 'services.my-app1-staging.containers.app.secrets.API_ENDPOINT': { parameter: '/common-configs/api-endpoint' } });
    const use = useOf(manifest, 'API_ENDPOINT', 'my-app1-staging');
    expect(use.valueFrom).toBe('arn:aws:ssm:eu-west-1:333333333333:parameter/common-configs/api-endpoint');
  });

  test('ARN in another region accepted', () => {
    const arn = 'arn:aws:ssm:eu-central-1:333333333333:parameter/common-configs/api-endpoint';
    const manifest = editedExample({ 'services.my-app1-staging.containers.app.secrets.API_ENDPOINT': { parameter: arn } });
    expect(useOf(manifest, 'API_ENDPOINT', 'my-app1-staging').valueFrom).toBe(arn);
  });

  test('ARN of a top-level name kept', () => {
    const arn = 'arn:aws:ssm:eu-central-1:333333333333:parameter/api-endpoint';
    const manifest = editedExample({ 'services.my-app1-staging.containers.app.secrets.API_ENDPOINT': { parameter: arn } });
    const use = useOf(manifest, 'API_ENDPOINT', 'my-app1-staging');
    expect(use.kind === 'parameter' && use.arn).toBe(arn);
  });
});
