import { validateManifest } from '../../modules/manifest/validate';
import { exampleManifest, findResource, manifestProblems, policyOf, removeSynthesized, resources, statementBySid, StackJson, Synthesized, synthManifest } from '../helpers/synth';

const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const REGISTRY = '111111111111.dkr.ecr.eu-west-1.amazonaws.com';

/** Three accounts: registry and keys in shared, secrets in security, one service in workload. */
function threeAccounts(): any {
  return {
    organizationId: 'o-a1b2c3d4e5',
    defaults: { region: 'eu-west-1' },
    accounts: {
      shared: { id: '111111111111' },
      workload: { id: '222222222222' },
      security: { id: '444444444444' },
    },
    kmsKeys: {
      vault: { account: 'security' },
      config: { account: 'shared' },
    },
    repositories: { api: { account: 'shared' } },
    secrets: { 'api/token': { account: 'security', kmsKey: 'vault' } },
    services: {
      api: {
        account: 'workload',
        containers: {
          app: {
            image: `${REGISTRY}/api:2.0.0`,
            port: 8080,
            secrets: {
              TOKEN: { secret: 'api/token' },
              ENDPOINT: { parameter: '/api/endpoint', kmsKey: 'config' },
            },
          },
        },
      },
    },
  };
}

function executionPolicy(stack: StackJson, service: string) {
  return policyOf(findResource(stack, 'aws_iam_role_policy', (r) => r.name === `${service}-execution-policy`));
}

function repositoryPolicy(stack: StackJson, repository: string) {
  const policy = Object.values(resources(stack, 'aws_ecr_repository_policy')).find((r: any) => r.repository.includes(`ecr-repository-${repository}_`) || r.repository === repository);
  return policy ? policyOf(policy) : undefined;
}

function keyPolicy(stack: StackJson, key: string) {
  const entry = Object.entries(resources(stack, 'aws_kms_key')).find(([id]) => id.startsWith(`kms-key-${key}_`));
  if (!entry) throw new Error(`no key ${key}`);
  return policyOf(entry[1]);
}

function secretPolicy(stack: StackJson, secret: string) {
  const entry = Object.entries(resources(stack, 'aws_secretsmanager_secret_policy')).find(([id]) => id.startsWith(`secret-${secret.replace(/\//g, '--')}`) || id.includes(secret.split('/').join('')));
  return entry ? policyOf(entry[1]) : undefined;
}

describe('two accounts in the example', () => {
  let result: Synthesized;
  beforeAll(() => {
    result = synthManifest(exampleManifest());
  });
  afterAll(() => removeSynthesized(result));
  const shared = () => result.stacks['shared-services-eu-west-1'];

  test('repository policy admits exactly the pulling execution roles', () => {
    const statement = statementBySid(repositoryPolicy(shared(), 'my-ecs-repo-app1')!, 'PullByExecutionRoles');
    expect(statement.Action).toEqual(PULL);
    expect(statement.Principal).toEqual({ AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] });
    expect(statement.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/my-app1-execution', 'arn:aws:iam::333333333333:role/my-app1-staging-execution'] },
    });
    expect(statement).not.toHaveProperty('Resource');
    expect(statementBySid(executionPolicy(result.stacks['prod-eu-west-1'], 'my-app1'), 'PullImages').Resource).toContain(
      'arn:aws:ecr:eu-west-1:111111111111:repository/my-ecs-repo-app1',
    );
  });

  test('key policy lets each consumer account decrypt only through its service', () => {
    const statement = statementBySid(keyPolicy(shared(), 'app-secrets'), 'DecryptViaSecretsManager');
    expect(statement.Action).toEqual(['kms:Decrypt']);
    expect(statement.Condition.StringEquals).toEqual({
      'kms:CallerAccount': ['222222222222', '333333333333'],
      'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'],
    });
    expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toEqual([
      'arn:aws:iam::222222222222:role/my-app1-execution',
      'arn:aws:iam::333333333333:role/my-app1-staging-execution',
    ]);
    const ssm = statementBySid(keyPolicy(shared(), 'app-config'), 'DecryptViaSsm');
    expect(ssm.Condition.StringEquals['kms:ViaService']).toEqual(['ssm.eu-west-1.amazonaws.com']);
  });

  test('secret policy admits only the roles that read it', () => {
    const statement = statementBySid(secretPolicy(shared(), 'my-app1/db-credentials')!, 'ReadByExecutionRoles');
    expect(statement.Action).toEqual(['secretsmanager:GetSecretValue']);
    expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws:iam::222222222222:role/my-app1-execution']);
    expect(statement.Principal).toEqual({ AWS: ['arn:aws:iam::222222222222:root'] });
    expect(statementBySid(executionPolicy(result.stacks['prod-eu-west-1'], 'my-app1'), 'ReadSecrets').Resource).toContain(
      'arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-??????',
    );
  });

  test('no resource policy names a role ARN as principal', () => {
    const policies: { Statement: any[] }[] = [];
    for (const stack of Object.values(result.stacks)) {
      for (const type of ['aws_ecr_repository_policy', 'aws_secretsmanager_secret_policy', 'aws_kms_key']) {
        for (const resource of Object.values(resources(stack, type))) policies.push(policyOf(resource));
      }
    }
    expect(policies.length).toBeGreaterThan(5);
    for (const policy of policies) {
      for (const statement of policy.Statement) {
        const principals: string[] = statement.Principal === '*' ? [] : (statement.Principal.AWS ?? []);
        for (const principal of principals) expect(principal).not.toMatch(/:role\//);
      }
    }
  });

  test('no repository policy has a Resource or the authorization token', () => {
    for (const resource of Object.values(resources(shared(), 'aws_ecr_repository_policy'))) {
      for (const statement of policyOf(resource).Statement) {
        expect(statement).not.toHaveProperty('Resource');
        expect(statement.Action).not.toContain('ecr:GetAuthorizationToken');
      }
    }
  });
});

describe('three accounts', () => {
  let result: Synthesized;
  beforeAll(() => {
    result = synthManifest(threeAccounts());
  });
  afterAll(() => removeSynthesized(result));

  test('synthesize one stack for each account', () => {
    expect(Object.keys(result.stacks).sort()).toEqual(['security-eu-west-1', 'shared-eu-west-1', 'workload-eu-west-1']);
  });

  test('a secret in the security account is granted on both sides', () => {
    const statement = statementBySid(secretPolicy(result.stacks['security-eu-west-1'], 'api/token')!, 'ReadByExecutionRoles');
    expect(statement.Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws:iam::222222222222:role/api-execution']);
    const identity = executionPolicy(result.stacks['workload-eu-west-1'], 'api');
    expect(statementBySid(identity, 'ReadSecrets').Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:444444444444:secret:api/token-??????']);
    expect(statementBySid(identity, 'DecryptVaultViaSecretsManager').Resource).toEqual(['arn:aws:kms:eu-west-1:444444444444:key/*']);
    expect(statementBySid(keyPolicy(result.stacks['security-eu-west-1'], 'vault'), 'DecryptViaSecretsManager').Condition.StringEquals['kms:CallerAccount']).toEqual(['222222222222']);
  });

  test('the parameter key in a third account is granted through SSM', () => {
    const identity = executionPolicy(result.stacks['workload-eu-west-1'], 'api');
    expect(statementBySid(identity, 'DecryptConfigViaSsm').Condition.StringEquals['kms:ViaService']).toEqual(['ssm.eu-west-1.amazonaws.com']);
    expect(statementBySid(keyPolicy(result.stacks['shared-eu-west-1'], 'config'), 'DecryptViaSsm').Principal).toEqual({ AWS: ['arn:aws:iam::222222222222:root'] });
  });

  test('a consumer added appears on both sides', () => {
    const manifest = threeAccounts();
    manifest.accounts.batch = { id: '555555555555' };
    manifest.services.worker = {
      account: 'batch',
      containers: { app: { image: `${REGISTRY}/api:2.0.0`, secrets: { TOKEN: { secret: 'api/token' } } } },
    };
    const added = synthManifest(manifest);
    try {
      const repository = statementBySid(repositoryPolicy(added.stacks['shared-eu-west-1'], 'api')!, 'PullByExecutionRoles');
      expect(repository.Condition.ArnEquals['aws:PrincipalArn']).toContain('arn:aws:iam::555555555555:role/worker-execution');
      const secret = statementBySid(secretPolicy(added.stacks['security-eu-west-1'], 'api/token')!, 'ReadByExecutionRoles');
      expect(secret.Condition.ArnEquals['aws:PrincipalArn']).toContain('arn:aws:iam::555555555555:role/worker-execution');
      const key = statementBySid(keyPolicy(added.stacks['security-eu-west-1'], 'vault'), 'DecryptViaSecretsManager');
      expect(key.Condition.StringEquals['kms:CallerAccount']).toEqual(['222222222222', '555555555555']);
      expect(statementBySid(executionPolicy(added.stacks['batch-eu-west-1'], 'worker'), 'ReadSecrets').Resource).toEqual([
        'arn:aws:secretsmanager:eu-west-1:444444444444:secret:api/token-??????',
      ]);
    } finally {
      removeSynthesized(added);
    }
  });

  test('a consumer removed disappears from both sides', () => {
    const manifest = threeAccounts();
    delete manifest.services.api.containers.app.secrets.TOKEN;
    const removed = synthManifest(manifest);
    try {
      expect(secretPolicy(removed.stacks['security-eu-west-1'], 'api/token')).toBeUndefined();
      expect(() => statementBySid(keyPolicy(removed.stacks['security-eu-west-1'], 'vault'), 'DecryptViaSecretsManager')).toThrow('no statement');
      const identity = executionPolicy(removed.stacks['workload-eu-west-1'], 'api');
      expect(identity.Statement.map((statement: any) => statement.Sid)).not.toContain('ReadSecrets');
      expect(identity.Statement.map((statement: any) => statement.Sid)).not.toContain('DecryptVaultViaSecretsManager');
    } finally {
      removeSynthesized(removed);
    }
  });
});

describe('same account', () => {
  test('needs no secret policy and no key usage statement', () => {
    const manifest = threeAccounts();
    manifest.kmsKeys.local = { account: 'workload' };
    manifest.secrets['api/local'] = { account: 'workload', kmsKey: 'local' };
    manifest.services.api.containers.app.secrets = { LOCAL: { secret: 'api/local' } };
    const result = synthManifest(manifest);
    try {
      const workload = result.stacks['workload-eu-west-1'];
      expect(resources(workload, 'aws_secretsmanager_secret_policy')).toEqual({});
      expect(keyPolicy(workload, 'local').Statement.map((statement: any) => statement.Sid)).toEqual(['AccountRootAdministers']);
      expect(statementBySid(executionPolicy(workload, 'api'), 'ReadSecrets').Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:222222222222:secret:api/local-??????']);
    } finally {
      removeSynthesized(result);
    }
  });
});

describe('organization-wide access', () => {
  test('uses aws:PrincipalOrgID instead of listing roles', () => {
    const manifest = threeAccounts();
    manifest.repositories.api.access = 'organization';
    const result = synthManifest(manifest);
    try {
      const statement = statementBySid(repositoryPolicy(result.stacks['shared-eu-west-1'], 'api')!, 'PullFromOrganization');
      expect(statement.Principal).toBe('*');
      expect(statement.Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } });
    } finally {
      removeSynthesized(result);
    }
  });
});

describe('synth-time rules', () => {
  const problemIds = (manifest: unknown): string[] => manifestProblems(manifest).map((problem) => problem.id);

  test('a secret read across accounts needs a customer-managed key', () => {
    const manifest = threeAccounts();
    delete manifest.secrets['api/token'].kmsKey;
    expect(problemIds(manifest)).toEqual(['secret-cross-account-needs-cmk']);
  });

  test('a parameter in another account is rejected', () => {
    const manifest = threeAccounts();
    manifest.services.api.containers.app.secrets.ENDPOINT = { parameter: 'arn:aws:ssm:eu-west-1:111111111111:parameter/api/endpoint' };
    expect(problemIds(manifest)).toEqual(['parameter-cross-account']);
  });

  test('an image in an unknown account is rejected', () => {
    const manifest = threeAccounts();
    manifest.services.api.containers.app.image = '999999999999.dkr.ecr.eu-west-1.amazonaws.com/api:2.0.0';
    expect(problemIds(manifest)).toEqual(['image-account-unknown']);
  });

  test('a secret ARN in an unknown account is rejected', () => {
    const manifest = threeAccounts();
    manifest.services.api.containers.app.secrets.TOKEN = { secret: 'arn:aws:secretsmanager:eu-west-1:999999999999:secret:other' };
    expect(problemIds(manifest)).toEqual(['secret-account-unknown']);
  });

  test('organization access without an organization id is rejected', () => {
    const manifest = threeAccounts();
    delete manifest.organizationId;
    manifest.secrets['api/token'].access = 'organization';
    expect(problemIds(manifest)).toEqual(['organization-id-missing']);
  });

  test('a consumer outside the organization is rejected for organization access', () => {
    const manifest = threeAccounts();
    manifest.accounts.workload.outsideOrganization = true;
    manifest.secrets['api/token'].access = 'organization';
    expect(problemIds(manifest)).toEqual(['consumer-outside-organization']);
    try {
      validateManifest(manifest);
    } catch (error) {
      expect((error as Error).message).toContain('services.api.containers.app.secrets.TOKEN: secrets.api/token admits only principals of organization o-a1b2c3d4e5');
    }
  });

  test('a consumer outside the organization may use role access', () => {
    const manifest = threeAccounts();
    manifest.accounts.workload.outsideOrganization = true;
    expect(problemIds(manifest)).toEqual([]);
  });

  test('a task role call on another account\'s secret gets a warning', () => {
    const manifest = threeAccounts();
    manifest.services.api.taskRole = {
      statements: [{ sid: 'ReadToken', actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:eu-west-1:444444444444:secret:api/token-AbCdEf'] }],
    };
    const zone = validateManifest(manifest);
    expect(zone.warnings.map((warning) => [warning.id, warning.path])).toEqual([['task-role-resource-side-missing', 'services.api.taskRole.statements.0']]);
    expect(zone.warnings[0].message).toContain('the secret api/token in account 444444444444');
  });

  test('a task role call in its own account gets no warning', () => {
    const manifest = threeAccounts();
    manifest.kmsKeys.local = { account: 'workload' };
    manifest.secrets['api/local'] = { account: 'workload', kmsKey: 'local' };
    manifest.services.api.taskRole = {
      statements: [{ sid: 'ReadLocal', actions: ['secretsmanager:GetSecretValue'], resources: ['arn:aws:secretsmanager:eu-west-1:222222222222:secret:api/local-AbCdEf'] }],
    };
    expect(validateManifest(manifest).warnings).toEqual([]);
  });

  test('resources outside the landing zone get a warning and the identity side only', () => {
    const manifest = threeAccounts();
    manifest.services.api.containers.app.image = `${REGISTRY}/not-declared:1.0.0`;
    manifest.services.api.containers.app.secrets.OTHER = { secret: 'arn:aws:secretsmanager:eu-west-1:444444444444:secret:legacy/token-AbCdEf' };
    const result = synthManifest(manifest);
    try {
      expect(result.zone.warnings.map((warning) => warning.id).sort()).toEqual(['repository-not-managed', 'secret-not-managed']);
      const identity = executionPolicy(result.stacks['workload-eu-west-1'], 'api');
      expect(statementBySid(identity, 'PullImages').Resource).toEqual(['arn:aws:ecr:eu-west-1:111111111111:repository/not-declared']);
      expect(statementBySid(identity, 'ReadSecrets').Resource).toContain('arn:aws:secretsmanager:eu-west-1:444444444444:secret:legacy/token-AbCdEf');
      expect(resources(result.stacks['shared-eu-west-1'], 'aws_ecr_repository_policy')).toEqual({});
    } finally {
      removeSynthesized(result);
    }
  });
});
