import { ManifestError } from '../../modules/core/errors';
import { validateManifest } from '../../modules/manifest/validate';
import { factsFromManifest, verifySynthesizedOutput } from '../../modules/verify';
import { findResource, policyOf, removeSynthesized, resources, statementBySid, synthManifest } from '../helpers/synth';

const KEY_ARN = 'arn:aws:kms:eu-west-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Builds a manifest with a secret in a security account, encrypted with an existing key and read from a workload account. */
function existingKey(): any {
  return {
    organizationId: 'o-a1b2c3d4e5',
    defaults: { region: 'eu-west-1' },
    accounts: { workload: { id: '222222222222' }, security: { id: '444444444444' } },
    kmsKeys: { vault: { account: 'security', existingArn: KEY_ARN } },
    secrets: { 'api/token': { account: 'security', kmsKey: 'vault' } },
    services: {
      api: {
        account: 'workload',
        containers: { app: { image: 'nginx:1.27', port: 8080, secrets: { TOKEN: { secret: 'api/token' } } } },
      },
    },
  };
}

describe('existing KMS key', () => {
  test('is neither created nor given a key policy', () => {
    const result = synthManifest(existingKey());
    try {
      const security = result.stacks['security-eu-west-1'];
      expect(resources(security, 'aws_kms_key')).toEqual({});
      expect(resources(security, 'aws_kms_alias')).toEqual({});
      expect(findResource(security, 'aws_secretsmanager_secret', (r) => r.name === 'api/token').kms_key_id).toBe(KEY_ARN);
    } finally {
      removeSynthesized(result);
    }
  });

  test('is granted by its exact ARN through the service', () => {
    const result = synthManifest(existingKey());
    try {
      const policy = policyOf(findResource(result.stacks['workload-eu-west-1'], 'aws_iam_role_policy', (r) => r.name === 'api-execution-policy'));
      expect(statementBySid(policy, 'DecryptVaultViaSecretsManager')).toEqual({
        Sid: 'DecryptVaultViaSecretsManager',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [KEY_ARN],
        Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] } },
      });
    } finally {
      removeSynthesized(result);
    }
  });

  test('used from another account gets a warning', () => {
    const zone = validateManifest(existingKey());
    expect(zone.warnings.map((warning) => [warning.id, warning.path])).toEqual([['key-not-managed', 'kmsKeys.vault.existingArn']]);
    expect(zone.warnings[0].message).toContain('arn:aws:iam::222222222222:role/api-execution through secretsmanager');
  });

  test('verify checks the identity side of the decrypt', async () => {
    const result = synthManifest(existingKey());
    try {
      const report = await verifySynthesizedOutput(result.dir, { facts: factsFromManifest(result.zone) });
      expect(report.results.filter((entry) => !entry.passed)).toEqual([]);
      const decrypt = report.results.filter((entry) => entry.request.action === 'kms:Decrypt' && entry.request.expected === 'allow');
      expect(decrypt.map((entry) => [entry.request.resource, entry.request.resourceOutside, entry.decision])).toEqual([[KEY_ARN, true, 'allowed']]);
    } finally {
      removeSynthesized(result);
    }
  });

  test('an alias ARN is rejected', () => {
    const manifest = existingKey();
    manifest.kmsKeys.vault.existingArn = 'arn:aws:kms:eu-west-1:444444444444:alias/vault';
    expect(() => validateManifest(manifest)).toThrow(ManifestError);
    expect(() => validateManifest(manifest)).toThrow('[kms-key-arn-invalid] kmsKeys.vault.existingArn');
  });

  test('a key ARN of another account is rejected', () => {
    const manifest = existingKey();
    manifest.kmsKeys.vault.existingArn = KEY_ARN.replace('444444444444', '555555555555');
    expect(() => validateManifest(manifest)).toThrow('in account 444444444444 and region eu-west-1');
  });

  test('a secret given by ARN can name its key', () => {
    const manifest = existingKey();
    manifest.services.api.containers.app.secrets.LEGACY = { secret: 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:legacy/token-AbCdEf', kmsKey: 'vault' };
    const result = synthManifest(manifest);
    try {
      const policy = policyOf(findResource(result.stacks['workload-eu-west-1'], 'aws_iam_role_policy', (r) => r.name === 'api-execution-policy'));
      expect(statementBySid(policy, 'ReadSecrets').Resource).toContain('arn:aws:secretsmanager:eu-west-1:444444444444:secret:legacy/token-AbCdEf');
      expect(statementBySid(policy, 'DecryptVaultViaSecretsManager').Resource).toEqual([KEY_ARN]);
    } finally {
      removeSynthesized(result);
    }
  });

  test('a declared secret names its key in secrets', () => {
    const manifest = existingKey();
    manifest.services.api.containers.app.secrets.TOKEN.kmsKey = 'vault';
    expect(() => validateManifest(manifest)).toThrow('[secret-key-misplaced] services.api.containers.app.secrets.TOKEN.kmsKey');
  });
});
