import { compareGrants } from '../../modules/diff/compare-grants';
import { Grant, stackGrants } from '../../modules/diff/grants';
import { parseStack } from '../../modules/diff/synthesized';

const EXECUTION_ROLE = '${aws_iam_role.service-my-app1_execution-role_F51169D7.name}';
const EXECUTION_ROLE_ARN = 'arn:aws:iam::222222222222:role/my-app1-execution';
const STAGING_ROLE_ARN = 'arn:aws:iam::333333333333:role/my-app1-staging-execution';

/** Builds a workload stack with one execution role whose inline policy is `policy`. */
function workloadStack(policy: unknown) {
  return parseStack('prod-eu-west-1', {
    provider: { aws: [{ allowed_account_ids: ['222222222222'], region: 'eu-west-1' }] },
    resource: {
      aws_iam_role: { 'service-my-app1_execution-role_F51169D7': { name: 'my-app1-execution', assume_role_policy: JSON.stringify({ Statement: [] }) } },
      aws_iam_role_policy: { 'service-my-app1_execution-role_policy_F845E0E6': { name: 'my-app1-execution-policy', role: EXECUTION_ROLE, policy: JSON.stringify(policy) } },
    },
  });
}

/** Builds a shared-services stack with one secret whose resource policy is `policy`. */
function secretStack(policy: unknown) {
  return parseStack('shared-services-eu-west-1', {
    provider: { aws: [{ allowed_account_ids: ['111111111111'], region: 'eu-west-1' }] },
    resource: {
      aws_secretsmanager_secret: { 'secret-shared-api-key_secret_E243C495': { name: 'shared-api-key' } },
      aws_secretsmanager_secret_policy: {
        'secret-shared-api-key_policy_E92C0EDD': { secret_arn: '${aws_secretsmanager_secret.secret-shared-api-key_secret_E243C495.arn}', policy: JSON.stringify(policy) },
      },
    },
  });
}

function grantsOf(stack: ReturnType<typeof parseStack>): Grant[] {
  return [...stackGrants(stack).grants.values()];
}

const readSecrets = {
  Sid: 'ReadSecrets',
  Effect: 'Allow',
  Action: ['secretsmanager:GetSecretValue'],
  Resource: ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-??????', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/apipark-license-key-??????'],
};

describe('policy expansion into grants', () => {
  test('identity grants belong to the attached role', () => {
    const grants = grantsOf(workloadStack({ Version: '2012-10-17', Statement: [readSecrets] })).filter((grant) => grant.policy === 'identity');

    expect(grants).toHaveLength(2);
    for (const grant of grants) {
      expect(grant.principal.label).toBe('role my-app1-execution (222222222222)');
      expect(grant.attachedTo.label).toBe('role my-app1-execution (222222222222)');
    }
    expect(grants.map((grant) => grant.resource.label).sort()).toEqual(['secret prod/apipark-license-key (111111111111)', 'secret shared-api-key (111111111111)']);
  });

  test('grouping, order, Sids and scalars are ignored', () => {
    const grouped = workloadStack({ Version: '2012-10-17', Statement: [readSecrets] });
    const split = workloadStack({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Second', Resource: readSecrets.Resource[1], Action: 'secretsmanager:GetSecretValue', Effect: 'Allow' },
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: readSecrets.Resource[0] },
      ],
    });

    expect(compareGrants(stackGrants(grouped).grants, stackGrants(split).grants)).toEqual([]);
  });

  test('account principal narrows to pinned role', () => {
    const [grant, ...rest] = grantsOf(
      secretStack({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
            Action: 'secretsmanager:GetSecretValue',
            Resource: '*',
            Condition: { ArnEquals: { 'aws:PrincipalArn': [EXECUTION_ROLE_ARN] } },
          },
        ],
      }),
    );

    expect(rest).toEqual([]);
    expect(grant.principal.label).toBe('role my-app1-execution (222222222222)');
    expect(grant.resource.label).toBe('secret shared-api-key (111111111111)');
    expect(grant.conditions).toEqual([]);
  });

  test('key policy keeps only matching caller accounts', () => {
    const stack = parseStack('shared-services-eu-west-1', {
      provider: { aws: [{ allowed_account_ids: ['111111111111'], region: 'eu-west-1' }] },
      resource: {
        aws_kms_key: {
          'kms-key-app-secrets_key_2C4726DF': {
            policy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
                  Action: 'kms:Decrypt',
                  Resource: '*',
                  Condition: {
                    ArnEquals: { 'aws:PrincipalArn': [EXECUTION_ROLE_ARN, STAGING_ROLE_ARN] },
                    StringEquals: { 'kms:CallerAccount': ['222222222222', '333333333333'] },
                  },
                },
              ],
            }),
          },
        },
        aws_kms_alias: { 'kms-key-app-secrets_alias_CD223850': { name: 'alias/app-secrets', target_key_id: '${aws_kms_key.kms-key-app-secrets_key_2C4726DF.key_id}' } },
      },
    });
    const grants = grantsOf(stack);

    expect(grants.map((grant) => grant.principal.label).sort()).toEqual(['role my-app1-execution (222222222222)', 'role my-app1-staging-execution (333333333333)']);
    expect(grants.map((grant) => grant.resource.label)).toEqual(['key app-secrets (111111111111)', 'key app-secrets (111111111111)']);
    const prod = grants.find((grant) => grant.principal.label.includes('222222222222'));
    expect(prod?.conditions).toEqual([{ operator: 'StringEquals', key: 'kms:CallerAccount', values: ['222222222222'] }]);
  });

  test('role reference resolves to role name', () => {
    const stack = parseStack('prod-eu-west-1', {
      provider: { aws: [{ allowed_account_ids: ['222222222222'], region: 'eu-west-1' }] },
      resource: {
        aws_iam_role: {
          'service-my-app1_execution-role_F51169D7': { name: 'my-app1-execution' },
          'service-my-app1_task-role_94E19EE6': {
            name: 'my-app1-task',
            assume_role_policy: JSON.stringify({
              Statement: [{ Effect: 'Allow', Principal: { AWS: '${aws_iam_role.service-my-app1_execution-role_F51169D7.arn}' }, Action: 'sts:AssumeRole' }],
            }),
          },
        },
      },
    });
    const [grant, ...rest] = grantsOf(stack);

    expect(rest).toEqual([]);
    expect(grant.policy).toBe('trust');
    expect(grant.principal.label).toBe('role my-app1-execution (222222222222)');
    expect(grant.resource.label).toBe('role my-app1-task (222222222222)');
  });

  test('managed policy applies to attached roles', () => {
    const stack = parseStack('prod-eu-west-1', {
      provider: { aws: [{ allowed_account_ids: ['222222222222'], region: 'eu-west-1' }] },
      resource: {
        aws_iam_role: { 'service-my-app1_task-role_94E19EE6': { name: 'my-app1-task' } },
        aws_iam_policy: { uploads: { name: 'read-uploads', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::my-app1-uploads-222222222222/*' }] }) } },
        aws_iam_role_policy_attachment: { attach: { role: '${aws_iam_role.service-my-app1_task-role_94E19EE6.name}', policy_arn: '${aws_iam_policy.uploads.arn}' } },
      },
    });
    const [grant, ...rest] = grantsOf(stack);

    expect(rest).toEqual([]);
    expect(grant.principal.label).toBe('role my-app1-task (222222222222)');
    expect(grant.resource.label).toBe('arn:aws:s3:::my-app1-uploads-222222222222/*');
  });

  test('negated condition keeps its value list', () => {
    const [grant] = grantsOf(
      workloadStack({ Statement: [{ ...readSecrets, Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } }] }),
    ).filter((item) => item.policy === 'identity');

    expect(grant.conditions).toEqual([{ operator: 'StringNotEquals', key: 'aws:RequestedRegion', values: ['eu-west-1', 'us-east-1'] }]);
  });

  test('data source policy becomes a warning', () => {
    const stack = parseStack('prod-eu-west-1', {
      resource: { aws_iam_role_policy: { policy: { role: EXECUTION_ROLE, policy: '${data.aws_iam_policy_document.execution.json}' } } },
    });

    expect(stackGrants(stack).warnings).toEqual([expect.stringContaining('aws_iam_role_policy.policy holds a policy that is not literal JSON')]);
  });
});

describe('grant comparison', () => {
  const keyPolicy = (condition: Record<string, unknown> | undefined, action = 'kms:Decrypt') =>
    stackGrants(
      secretStack({
        Statement: [{ Effect: 'Allow', Principal: { AWS: EXECUTION_ROLE_ARN }, Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}) }],
      }),
    ).grants;
  const viaSecretsManager = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } };

  test('removed condition is broadening', () => {
    const [change, ...rest] = compareGrants(keyPolicy(viaSecretsManager), keyPolicy(undefined));

    expect(rest).toEqual([]);
    expect(change.change).toBe('changed');
    expect(change.direction).toBe('broadening');
    expect(change.reasons).toEqual(['condition removed: StringEquals kms:ViaService = secretsmanager.eu-west-1.amazonaws.com']);
  });

  test('added condition is narrowing', () => {
    const [change, ...rest] = compareGrants(keyPolicy(undefined), keyPolicy(viaSecretsManager));

    expect(rest).toEqual([]);
    expect(change.direction).toBe('narrowing');
    expect(change.reasons).toEqual(['condition added: StringEquals kms:ViaService = secretsmanager.eu-west-1.amazonaws.com']);
  });

  test('wider action wildcard is broadening', () => {
    const [change, ...rest] = compareGrants(keyPolicy(undefined, 'kms:Decrypt'), keyPolicy(undefined, 'kms:*'));

    expect(rest).toEqual([]);
    expect(change.direction).toBe('broadening');
    expect(change.reasons).toEqual(['wider action: kms:Decrypt → kms:*']);
  });

  test('changed condition value counts as broadening', () => {
    const changes = compareGrants(keyPolicy(viaSecretsManager), keyPolicy({ StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } }));

    expect(changes).toHaveLength(1);
    expect(changes[0].direction).toBe('broadening');
    expect(changes[0].reasons).toEqual([
      'condition removed: StringEquals kms:ViaService = secretsmanager.eu-west-1.amazonaws.com',
      'condition added: StringEquals kms:ViaService = ssm.eu-west-1.amazonaws.com',
    ]);
  });

  test('new principal is reported as such', () => {
    const before = stackGrants(secretStack({ Statement: [{ Effect: 'Allow', Principal: { AWS: EXECUTION_ROLE_ARN }, Action: 'secretsmanager:GetSecretValue' }] })).grants;
    const after = stackGrants(secretStack({ Statement: [{ Effect: 'Allow', Principal: { AWS: [EXECUTION_ROLE_ARN, STAGING_ROLE_ARN] }, Action: 'secretsmanager:GetSecretValue' }] })).grants;
    const changes = compareGrants(before, after);

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ change: 'added', direction: 'broadening', reasons: ['new principal'] });
    expect(changes[0].grant.principal.label).toBe('role my-app1-staging-execution (333333333333)');
  });

  test('added deny is narrowing', () => {
    const allow = { Effect: 'Allow', Principal: { AWS: EXECUTION_ROLE_ARN }, Action: 'secretsmanager:GetSecretValue' };
    const deny = { Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret' };
    const changes = compareGrants(stackGrants(secretStack({ Statement: [allow] })).grants, stackGrants(secretStack({ Statement: [allow, deny] })).grants);

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ change: 'added', direction: 'narrowing', reasons: ['deny added'] });
  });
});

describe('VPC endpoint policies', () => {
  const endpoint = (policy?: unknown) =>
    stackGrants(
      parseStack('prod-eu-west-1', {
        provider: { aws: [{ allowed_account_ids: ['222222222222'], region: 'eu-west-1' }] },
        resource: {
          aws_vpc_endpoint: {
            secretsmanager: { service_name: 'com.amazonaws.eu-west-1.secretsmanager', ...(policy ? { policy: JSON.stringify(policy) } : {}) },
          },
        },
      }),
    ).grants;

  test('policy on open endpoint narrows', () => {
    const policy = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:root' },
          Action: 'secretsmanager:GetSecretValue',
          Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-??????',
          Condition: { ArnEquals: { 'aws:PrincipalArn': EXECUTION_ROLE_ARN } },
        },
      ],
    };
    const changes = compareGrants(endpoint(), endpoint(policy));

    expect(changes).toHaveLength(1);
    expect(changes[0].direction).toBe('narrowing');
    expect(changes[0].previous?.principal.label).toBe('anyone (*)');
    expect(changes[0].grant.principal.label).toBe('role my-app1-execution (222222222222)');
  });
});
