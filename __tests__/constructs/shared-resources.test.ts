import { exampleManifest, findResource, removeSynthesized, resources, StackJson, Synthesized, synthManifest } from '../helpers/synth';

let example: Synthesized;
beforeAll(() => {
  example = synthManifest(exampleManifest());
});
afterAll(() => removeSynthesized(example));

const shared = (): StackJson => example.stacks['shared-services-eu-west-1'];

describe('SharedRepository', () => {
  test('defaults to immutable tags, scan on push and the named key', () => {
    const repository = findResource(shared(), 'aws_ecr_repository', (r) => r.name === 'my-ecs-repo-app1');
    expect(repository.image_tag_mutability).toBe('IMMUTABLE');
    expect(repository.image_scanning_configuration).toEqual({ scan_on_push: true });
    expect(repository.encryption_configuration).toEqual([{ encryption_type: 'KMS', kms_key: expect.stringMatching(/^\$\{aws_kms_key\.kms-key-ecr-images_key_[A-F0-9]+\.arn\}$/) }]);
  });

  test('falls back to AES-256 without a key', () => {
    const manifest = exampleManifest();
    delete manifest.repositories['my-ecs-repo-common'].kmsKey;
    const result = synthManifest(manifest);
    try {
      const repository = findResource(result.stacks['shared-services-eu-west-1'], 'aws_ecr_repository', (r) => r.name === 'my-ecs-repo-common');
      expect(repository.encryption_configuration).toEqual([{ encryption_type: 'AES256' }]);
    } finally {
      removeSynthesized(result);
    }
  });

  test('expires untagged images and keeps the newest tagged ones', () => {
    const lifecycle = Object.values(resources(shared(), 'aws_ecr_lifecycle_policy')).map((policy: any) => JSON.parse(policy.policy));
    expect(lifecycle).toHaveLength(2);
    expect(lifecycle[0].rules.map((rule: any) => [rule.selection.tagStatus, rule.selection.countNumber])).toEqual([
      ['untagged', 7],
      ['any', 50],
    ]);
  });

  test('gets no policy when nobody pulls from it', () => {
    const manifest = exampleManifest();
    manifest.repositories.unused = { account: 'shared' };
    const result = synthManifest(manifest);
    try {
      const policies = Object.values(resources(result.stacks['shared-services-eu-west-1'], 'aws_ecr_repository_policy'));
      expect(policies).toHaveLength(2);
      expect(policies.map((policy: any) => policy.repository).join()).not.toContain('unused');
    } finally {
      removeSynthesized(result);
    }
  });
});

describe('SharedKey', () => {
  test('rotates, keeps the deletion window and gets its alias', () => {
    const keys = Object.values(resources(shared(), 'aws_kms_key'));
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.enable_key_rotation).toBe(true);
      expect(key.deletion_window_in_days).toBe(30);
    }
    const aliases = Object.values(resources(shared(), 'aws_kms_alias')).map((alias: any) => alias.name).sort();
    expect(aliases).toEqual(['alias/app-config', 'alias/app-secrets', 'alias/ecr-images']);
  });

  test('names its administrators by account and role', () => {
    const entry = Object.entries(resources(shared(), 'aws_kms_key')).find(([id]) => id.startsWith('kms-key-app-secrets_'))!;
    const statement = JSON.parse(entry[1].policy).Statement.find((s: any) => s.Sid === 'KeyAdministrators');
    expect(statement.Principal).toEqual({ AWS: ['arn:aws:iam::111111111111:root'] });
    expect(statement.Condition).toEqual({ ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/security-admin'] } });
    expect(statement.Action).not.toContain('kms:Decrypt');
  });
});

describe('SharedSecret', () => {
  test('creates the secret with its key and no value', () => {
    const secret = findResource(shared(), 'aws_secretsmanager_secret', (r) => r.name === 'my-app1/db-credentials');
    expect(secret.kms_key_id).toMatch(/^\$\{aws_kms_key\.kms-key-app-secrets_key_[A-F0-9]+\.arn\}$/);
    expect(resources(shared(), 'aws_secretsmanager_secret_version')).toEqual({});
  });

  test('blocks public policies', () => {
    for (const policy of Object.values(resources(shared(), 'aws_secretsmanager_secret_policy'))) expect(policy.block_public_policy).toBe(true);
  });

  test('manages only the policy of an existing secret', () => {
    const manifest = exampleManifest();
    manifest.secrets['shared-api-key'].existingArn = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-Ab12Cd';
    const result = synthManifest(manifest);
    try {
      const stack = result.stacks['shared-services-eu-west-1'];
      const names = Object.values(resources(stack, 'aws_secretsmanager_secret')).map((secret: any) => secret.name);
      expect(names).not.toContain('shared-api-key');
      const policy = findResource(stack, 'aws_secretsmanager_secret_policy', (r) => r.secret_arn === 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-Ab12Cd');
      expect(JSON.parse(policy.policy).Statement[0].Condition.ArnEquals['aws:PrincipalArn']).toEqual([
        'arn:aws:iam::222222222222:role/my-app1-execution',
        'arn:aws:iam::333333333333:role/my-app1-staging-execution',
      ]);
      const prodPolicy = findResource(result.stacks['prod-eu-west-1'], 'aws_iam_role_policy', (r) => r.name === 'my-app1-execution-policy');
      const read = JSON.parse(prodPolicy.policy).Statement.find((s: any) => s.Sid === 'ReadSecrets');
      expect(read.Resource).toContain('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-Ab12Cd');
    } finally {
      removeSynthesized(result);
    }
  });
});
