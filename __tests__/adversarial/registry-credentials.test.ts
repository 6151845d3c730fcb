import { policyOf, removeSynthesized, resources, synthManifest } from '../helpers/synth';

function manifestWithEncryptedCredentials(): any {
  return {
    defaults: { region: 'eu-west-1' },
    accounts: { prod: { id: '222222222222' } },
    kmsKeys: { registry: { account: 'prod' } },
    secrets: { 'docker-hub': { account: 'prod', kmsKey: 'registry' } },
    services: {
      web: { account: 'prod', containers: { web: { image: 'nginx:1.27', repositoryCredentialsSecret: 'docker-hub' } } },
    },
  };
}

describe('registry credentials secret', () => {
  it('decrypts its customer-managed key', () => {
    const result = synthManifest(manifestWithEncryptedCredentials());
    try {
      const [policy] = Object.values(resources(result.stacks['prod-eu-west-1'], 'aws_iam_role_policy')).map((resource) => policyOf(resource));
      const decrypt = policy.Statement.find((statement) => statement.Action.includes('kms:Decrypt'));
      expect(decrypt?.Resource).toEqual(['arn:aws:kms:eu-west-1:222222222222:key/*']);
      expect(decrypt?.Condition).toEqual({
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/registry'] },
        StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] },
      });
    } finally {
      removeSynthesized(result);
    }
  });
});
