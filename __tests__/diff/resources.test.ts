import { compareResources } from '../../modules/diff/compare-resources';
import { parseStack } from '../../modules/diff/synthesized';

const REPOSITORY = 'ecr-repository-my-ecs-repo-app1_repository_9BA872BD';

/** Builds a shared-services stack with the given resource blocks. */
function stack(resource: Record<string, Record<string, Record<string, unknown>>>, extra: Record<string, unknown> = {}) {
  return parseStack('shared-services-eu-west-1', { provider: { aws: [{ allowed_account_ids: ['111111111111'], region: 'eu-west-1' }] }, resource, ...extra });
}

const repository = (name: string, logicalName = REPOSITORY, path = 'shared-services-eu-west-1/ecr-repository-my-ecs-repo-app1/repository') => ({
  aws_ecr_repository: { [logicalName]: { '//': { metadata: { path } }, name, image_tag_mutability: 'IMMUTABLE' } },
});

describe('resource comparison', () => {
  test('renamed repository is a critical replacement', () => {
    const [change, ...rest] = compareResources(stack(repository('my-ecs-repo-app1')), stack(repository('my-ecs-repo-app2')));

    expect(rest).toEqual([]);
    expect(change).toMatchObject({ action: 'replace', critical: true, address: `aws_ecr_repository.${REPOSITORY}` });
    expect(change.label).toBe('repository my-ecs-repo-app1 (111111111111) → repository my-ecs-repo-app2 (111111111111)');
    expect(change.reasons).toEqual(['name "my-ecs-repo-app1" → "my-ecs-repo-app2" (forces replacement)']);
  });

  test('changed description updates in place', () => {
    const secret = (description: string) => stack({ aws_secretsmanager_secret: { 'secret-shared-api-key_secret_E243C495': { name: 'shared-api-key', description } } });
    const [change, ...rest] = compareResources(secret('Key for the partner API'), secret('Key for the partner API, rotated yearly'));

    expect(rest).toEqual([]);
    expect(change).toMatchObject({ action: 'update', critical: false, label: 'secret shared-api-key (111111111111)' });
  });

  test('same name at new address is replaced', () => {
    const [change, ...rest] = compareResources(stack(repository('my-ecs-repo-app1')), stack(repository('my-ecs-repo-app1', 'images_repository_0000AAAA', 'shared-services-eu-west-1/images/repository')));

    expect(rest).toEqual([]);
    expect(change).toMatchObject({ action: 'replace', critical: true, previousAddress: `aws_ecr_repository.${REPOSITORY}`, address: 'aws_ecr_repository.images_repository_0000AAAA' });
    expect(change.reasons).toEqual([`address changed from aws_ecr_repository.${REPOSITORY} (no moved block)`]);
  });

  test('moved block keeps the resource', () => {
    const head = stack(repository('my-ecs-repo-app1', 'images_repository_0000AAAA', 'shared-services-eu-west-1/images/repository'), {
      moved: [{ from: `aws_ecr_repository.${REPOSITORY}`, to: 'aws_ecr_repository.images_repository_0000AAAA' }],
    });
    const [change, ...rest] = compareResources(stack(repository('my-ecs-repo-app1')), head);

    expect(rest).toEqual([]);
    expect(change).toMatchObject({ action: 'update', critical: false, reasons: [`moved from aws_ecr_repository.${REPOSITORY}`] });
  });

  test('deleted key is called out', () => {
    const key = { aws_kms_key: { 'kms-key-ecr-images_key_B86B1F05': { description: 'Encrypts container images at rest', enable_key_rotation: true } } };
    const [change, ...rest] = compareResources(stack(key), stack({}));

    expect(rest).toEqual([]);
    expect(change).toMatchObject({ action: 'delete', critical: true, type: 'aws_kms_key' });
  });

  test('reordered policy JSON is unchanged', () => {
    const statements = [
      { Sid: 'AccountRootAdministers', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' },
      { Sid: 'DecryptViaSsm', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::333333333333:root', 'arn:aws:iam::222222222222:root'] }, Action: ['kms:Decrypt'], Resource: ['*'] },
    ];
    const key = (policy: unknown) => stack({ aws_kms_key: { 'kms-key-app-config_key_543342FE': { policy: JSON.stringify(policy) } } });
    const reordered = { Statement: [...statements].reverse().map((statement) => ({ ...statement, Principal: { AWS: [...[statement.Principal.AWS].flat()].reverse() } })), Version: '2012-10-17' };

    expect(compareResources(key({ Version: '2012-10-17', Statement: statements }), key(reordered))).toEqual([]);
  });
});
