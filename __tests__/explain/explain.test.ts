import { explain, Explanation } from '../../modules/explain';
import { validateManifest } from '../../modules/manifest/validate';
import * as corpus from '../fixtures/explain/messages';
import { exampleManifest, removeSynthesized, Synthesized, synthManifest } from '../helpers/synth';
import { editPolicy, mutatedOutput, removeOutput, withoutSid } from './mutate';

const SHARED = 'shared-services-eu-west-1';
const PROD = 'prod-eu-west-1';
const STAGING = 'staging-eu-west-1';
const PROD_EXECUTION = 'arn:aws:iam::222222222222:role/my-app1-execution';
const STAGING_EXECUTION = 'arn:aws:iam::333333333333:role/my-app1-staging-execution';

let example: Synthesized;
const copies: string[] = [];

beforeAll(() => {
  example = synthManifest(exampleManifest());
});

afterAll(() => {
  removeSynthesized(example);
  copies.forEach(removeOutput);
});

function mutated(stack: string, edit: Parameters<typeof mutatedOutput>[2]): string {
  const dir = mutatedOutput(example.dir, stack, edit);
  copies.push(dir);
  return dir;
}

function first(explanation: Explanation) {
  const diagnosis = explanation.diagnoses[0];
  if (!diagnosis) throw new Error(`no diagnosis; notes: ${explanation.notes.join('; ')}`);
  return diagnosis;
}

const byName = (name: string) => (block: any) => block.name === name;
const secretPolicyOf = (name: string) => (block: any) => String(block.secret_arn).includes(`secret-${name.replace('/', '--')}_secret_`);
const keyPolicyOf = (alias: string) => (block: any) => String(block['//']?.metadata?.path).includes(`kms-key-${alias}/`);
const repositoryPolicyOf = (name: string) => (block: any) => String(block.repository).includes(`ecr-repository-${name}_repository_`);
const rolePolicyOf = (role: string) => (block: any) => String(block.role).includes(`service-${role}_`);

describe('explain against the example output', () => {
  test('allowed secret lists other causes', async () => {
    const explanation = await explain(corpus.SECRET_NO_RESOURCE_POLICY.text, example.dir, { zone: example.zone });
    expect(first(explanation).decision).toBe('allowed');
    expect(first(explanation).sides).toEqual(['none']);
    expect(explanation.otherCauses.join('\n')).toContain('npm run plan');
    expect(explanation.otherCauses.join('\n')).toContain('network timeout');
    expect(explanation.otherCauses.join('\n')).toContain('different key than alias/app-secrets');
  });

  test('allowed request keeps the AWS hint', async () => {
    const explanation = await explain(corpus.SECRET_NO_RESOURCE_POLICY.text, example.dir, { zone: example.zone });
    expect(explanation.otherCauses[0]).toContain('no resource-based policy decided');
  });

  test('service control policy hint comes first', async () => {
    const explanation = await explain(corpus.SCP_EXPLICIT_DENY.text, example.dir, { zone: example.zone });
    expect(first(explanation).decision).toBe('allowed');
    expect(explanation.otherCauses[0]).toContain('service control policy');
  });

  test('trust policy allows ECS by default', async () => {
    const explanation = await explain(corpus.ROLE_NOT_ASSUMED.text, example.dir, { zone: example.zone });
    expect(first(explanation).decision).toBe('allowed');
    expect(first(explanation).decidingStatements.join()).toContain('#AssumedByEcsTasks');
  });

  test('ECS Exec off in prod only', async () => {
    const explanation = await explain(corpus.EXEC_NOT_ENABLED.text, example.dir, { zone: example.zone });
    const prod = explanation.diagnoses.find((diagnosis) => diagnosis.service === 'my-app1');
    const staging = explanation.diagnoses.find((diagnosis) => diagnosis.service === 'my-app1-staging');
    expect(prod?.decision).toBe('blocked');
    expect(prod?.sides).toEqual(['ecs-exec-setting']);
    expect(prod?.manifestPath).toBe('services.my-app1.taskRole.ecsExec');
    expect(prod?.manifestState).toBe('missing');
    expect(prod?.yaml).toContain('ecsExec: true');
    expect(staging?.decision).toBe('allowed');
  });

  test('ECS Exec agent causes come first', async () => {
    const explanation = await explain(corpus.EXEC_NOT_CONNECTED.text, example.dir, { zone: example.zone, service: 'my-app1-staging' });
    expect(first(explanation).decision).toBe('allowed');
    expect(explanation.otherCauses[0]).toContain('started before ECS Exec was enabled');
    expect(explanation.otherCauses[1]).toContain('services.my-app1-staging.containers.app.readonlyRootFilesystem');
  });

  test('complete network path lists network causes', async () => {
    const explanation = await explain(corpus.ECR_API_TIMEOUT.text, example.dir, { zone: example.zone, service: 'my-app1' });
    expect(first(explanation).decision).toBe('allowed');
    expect(first(explanation).reason).toContain('com.amazonaws.eu-west-1.ecr.api');
    expect(explanation.otherCauses.join('\n')).toContain('enableDnsHostnames');
    expect(explanation.otherCauses.join('\n')).not.toContain('service control policy');
  });

  test('service option narrows ECS Exec', async () => {
    const explanation = await explain(corpus.EXEC_NOT_ENABLED.text, example.dir, { zone: example.zone, service: 'my-app1-staging' });
    expect(explanation.diagnoses.map((diagnosis) => diagnosis.service)).toEqual(['my-app1-staging']);
  });

  test('message without role matches readers', async () => {
    const explanation = await explain(corpus.KMS_NOT_ALLOWED.text, example.dir, { zone: example.zone });
    expect(explanation.diagnoses.map((diagnosis) => diagnosis.role?.arn)).toEqual([PROD_EXECUTION]);
  });

  test('not found is no denial', async () => {
    const explanation = await explain(corpus.SECRET_NOT_FOUND.text, example.dir, { zone: example.zone });
    expect(explanation.message.notFound).toBe(true);
    expect(explanation.diagnoses.map((diagnosis) => diagnosis.decision)).toEqual(['allowed', 'allowed']);
    expect(explanation.otherCauses[0]).toContain('not found, not as denied');
  });

  test('unknown role is reported first', async () => {
    const explanation = await explain(corpus.UNKNOWN_ROLE.text, example.dir, { zone: example.zone });
    expect(explanation.diagnoses).toEqual([]);
    expect(explanation.notes.join()).toContain('legacy-task-execution is not in the synthesized output');
    expect(explanation.otherCauses[0]).toContain('not a role of any service in the manifest');
  });

  test('task role call gets a statement', async () => {
    const diagnosis = first(await explain(corpus.TASK_ROLE_DENIED.text, example.dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['identity']);
    expect(diagnosis.role?.kind).toBe('taskRole');
    expect(diagnosis.manifestPath).toBe('services.my-app1.taskRole.statements');
    expect(diagnosis.manifestState).toBe('missing');
    expect(diagnosis.yaml).toContain('actions: [ s3:PutObject ]');
    expect(diagnosis.change).toContain('Append the statement');
  });

  test('bucket policy is not judged', async () => {
    const explanation = await explain(corpus.TASK_ROLE_DENIED.text.replace(/PutObject/g, 'GetObject'), example.dir, { zone: example.zone });
    expect(first(explanation).decision).toBe('allowed');
    expect(first(explanation).reason).toContain('only the identity side was evaluated');
  });

  test('unrecognized message has no diagnosis', async () => {
    const explanation = await explain(corpus.UNRECOGNIZED.text, example.dir, { zone: example.zone });
    expect(explanation.diagnoses).toEqual([]);
    expect(explanation.notes.join()).toContain('none of the recognized kinds');
  });

  test('manifest fields are skipped without manifest', async () => {
    const explanation = await explain(corpus.PARAMETER_DENIED.text, example.dir, { manifest: false });
    expect(first(explanation).manifestPath).toBeUndefined();
    expect(explanation.notes.join()).toContain('No manifest was read');
  });
});

describe('each fixture on the example output', () => {
  const cases: [string, corpus.MessageFixture, string, string | undefined][] = [
    ['secret fetch', corpus.SECRET_NO_RESOURCE_POLICY, 'none', 'services.my-app1.containers.app.secrets.DB_PASSWORD'],
    ['forbidden image pull', corpus.IMAGE_PULL_FORBIDDEN, 'none', 'services.my-app1.containers.app.image'],
    ['denied image pull', corpus.IMAGE_PULL_DENIED, 'none', 'services.my-app1.containers.app.image'],
    ['registry auth', corpus.REGISTRY_AUTH_DENIED, 'none', 'services.my-app1.containers.app.image'],
    ['parameter fetch', corpus.PARAMETER_DENIED, 'none', 'services.my-app1.containers.app.secrets.DB_HOST'],
    ['KMS through Secrets Manager', corpus.KMS_NOT_ALLOWED, 'none', 'services.my-app1.containers.app.secrets.DB_PASSWORD'],
    ['KMS through SSM', corpus.KMS_DECRYPT_SSM, 'none', 'services.my-app1.containers.app.secrets.API_ENDPOINT'],
    ['log delivery', corpus.LOG_STREAM_DENIED, 'none', 'services.my-app1.containers.app'],
    ['role assumption', corpus.ROLE_NOT_ASSUMED, 'none', 'services.my-app1.executionRole'],
    ['secret timeout', corpus.SECRET_TIMEOUT, 'none', 'services.my-app1.network.egress'],
    ['ECR API timeout', corpus.ECR_API_TIMEOUT, 'none', 'services.my-app1.network.egress'],
    ['ECS Exec not enabled', corpus.EXEC_NOT_ENABLED, 'ecs-exec-setting', 'services.my-app1.taskRole.ecsExec'],
    ['ECS Exec not connected', corpus.EXEC_NOT_CONNECTED, 'ecs-exec-setting', 'services.my-app1.taskRole.ecsExec'],
    ['CLI secret', corpus.CLI_NO_IDENTITY_POLICY, 'none', 'services.my-app1.gateway.secrets.APIPARK_LICENSE_KEY'],
    ['CLI explicit deny', corpus.SCP_EXPLICIT_DENY, 'none', 'services.my-app1-staging.containers.app.secrets.PARTNER_API_KEY'],
    ['CloudTrail secret', corpus.CLOUDTRAIL_SECRET, 'none', 'services.my-app1-staging.containers.app.secrets.PARTNER_API_KEY'],
    ['missing secret', corpus.SECRET_NOT_FOUND, 'none', 'services.my-app1.containers.app.secrets.PARTNER_API_KEY'],
    ['task role call', corpus.TASK_ROLE_DENIED, 'identity', 'services.my-app1.taskRole.statements'],
  ];

  test.each(cases)('%s yields side and field', async (_name, fixture, side, manifestPath) => {
    const diagnosis = first(await explain(fixture.text, example.dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual([side]);
    expect(diagnosis.manifestPath).toBe(manifestPath);
  });
});

describe('explain against denying outputs', () => {
  test('secret policy without the role', async () => {
    const dir = mutated(SHARED, (resources) =>
      editPolicy(resources, 'aws_secretsmanager_secret_policy', secretPolicyOf('my-app1/db-credentials'), 'policy', withoutSid('ReadByExecutionRoles')),
    );
    const diagnosis = first(await explain(corpus.SECRET_NO_RESOURCE_POLICY.text, dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['secret-policy']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.secrets.DB_PASSWORD');
    expect(diagnosis.manifestState).toBe('present');
    expect(diagnosis.stacks).toEqual([SHARED]);
    expect(diagnosis.change).toContain('npm run synth');
  });

  test('repository policy without the role', async () => {
    const dir = mutated(SHARED, (resources) =>
      editPolicy(resources, 'aws_ecr_repository_policy', repositoryPolicyOf('my-ecs-repo-app1'), 'policy', (policy) => {
        policy.Statement[0].Condition.ArnEquals['aws:PrincipalArn'] = [STAGING_EXECUTION];
        policy.Statement[0].Principal.AWS = ['arn:aws:iam::333333333333:root'];
      }),
    );
    const explanation = await explain(corpus.IMAGE_PULL_FORBIDDEN.text, dir, { zone: example.zone });
    const diagnosis = first(explanation);
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['repository-policy']);
    expect(diagnosis.service).toBe('my-app1');
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.image');
    expect(explanation.diagnoses.filter((entry) => entry.service === 'my-app1-staging').map((entry) => entry.decision)).toEqual(['allowed']);
  });

  test('named pull action is explained alone', async () => {
    const dir = mutated(SHARED, (resources) =>
      editPolicy(resources, 'aws_ecr_repository_policy', repositoryPolicyOf('my-ecs-repo-app1'), 'policy', withoutSid('PullByExecutionRoles')),
    );
    const explanation = await explain(corpus.IMAGE_PULL_DENIED.text, dir, { zone: example.zone });
    expect(explanation.diagnoses).toHaveLength(1);
    expect(first(explanation).action).toBe('ecr:BatchGetImage');
    expect(first(explanation).sides).toEqual(['repository-policy']);
  });

  test('registry auth without identity statement', async () => {
    const dir = mutated(PROD, (resources) =>
      editPolicy(resources, 'aws_iam_role_policy', rolePolicyOf('my-app1_execution-role'), 'policy', withoutSid('GetEcrAuthorizationToken')),
    );
    const diagnosis = first(await explain(corpus.REGISTRY_AUTH_DENIED.text, dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual(['identity']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.image');
    expect(diagnosis.stacks).toEqual([PROD]);
  });

  test('parameter without identity statement', async () => {
    const dir = mutated(PROD, (resources) =>
      editPolicy(resources, 'aws_iam_role_policy', rolePolicyOf('my-app1_execution-role'), 'policy', withoutSid('ReadParameters')),
    );
    const diagnosis = first(await explain(corpus.PARAMETER_DENIED.text, dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual(['identity']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.secrets.DB_HOST');
    expect(diagnosis.reason).toContain('execution role');
  });

  test('key policy without Secrets Manager grant', async () => {
    const dir = mutated(SHARED, (resources) =>
      editPolicy(resources, 'aws_kms_key', keyPolicyOf('app-secrets'), 'policy', withoutSid('DecryptViaSecretsManager')),
    );
    const diagnosis = first(await explain(corpus.KMS_NOT_ALLOWED.text, dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['key-policy']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.secrets.DB_PASSWORD');
    expect(diagnosis.stacks).toEqual([SHARED]);
  });

  test('key policy without SSM grant', async () => {
    const dir = mutated(SHARED, (resources) => editPolicy(resources, 'aws_kms_key', keyPolicyOf('app-config'), 'policy', withoutSid('DecryptViaSsm')));
    const explanation = await explain(corpus.KMS_DECRYPT_SSM.text, dir, { zone: example.zone });
    expect(explanation.diagnoses).toHaveLength(1);
    expect(first(explanation).sides).toEqual(['key-policy']);
    expect(first(explanation).resource).toContain(':key/app-config-');
    expect(first(explanation).manifestPath).toMatch(/^services\.my-app1\.containers\.app\.secrets\.(API_ENDPOINT|DB_HOST|FEATURE_FLAGS)$/);
  });

  test('log stream without identity statement', async () => {
    const dir = mutated(PROD, (resources) => editPolicy(resources, 'aws_iam_role_policy', rolePolicyOf('my-app1_execution-role'), 'policy', withoutSid('WriteLogs')));
    const diagnosis = first(await explain(corpus.LOG_STREAM_DENIED.text, dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual(['identity']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app');
  });

  test('trust policy naming another service', async () => {
    const dir = mutated(PROD, (resources) =>
      editPolicy(resources, 'aws_iam_role', byName('my-app1-execution'), 'assume_role_policy', (policy) => {
        policy.Statement[0].Principal.Service = ['ecs.amazonaws.com'];
      }),
    );
    const diagnosis = first(await explain(corpus.ROLE_NOT_ASSUMED.text, dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['trust-policy']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.executionRole');
  });

  test('CloudTrail record against secret policy', async () => {
    const dir = mutated(SHARED, (resources) =>
      editPolicy(resources, 'aws_secretsmanager_secret_policy', secretPolicyOf('shared-api-key'), 'policy', (policy) => {
        policy.Statement[0].Condition.ArnEquals['aws:PrincipalArn'] = [PROD_EXECUTION];
      }),
    );
    const diagnosis = first(await explain(corpus.CLOUDTRAIL_SECRET.text, dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual(['secret-policy']);
    expect(diagnosis.role?.arn).toBe(STAGING_EXECUTION);
    expect(diagnosis.manifestPath).toBe('services.my-app1-staging.containers.app.secrets.PARTNER_API_KEY');
  });

  test('CloudTrail KMS denial against key policy', async () => {
    const dir = mutated(SHARED, (resources) =>
      editPolicy(resources, 'aws_kms_key', keyPolicyOf('app-secrets'), 'policy', (policy) => {
        const statement = policy.Statement.find((candidate) => candidate.Sid === 'DecryptViaSecretsManager');
        statement.Condition.ArnEquals['aws:PrincipalArn'] = [PROD_EXECUTION];
      }),
    );
    const record = JSON.parse(corpus.CLOUDTRAIL_SECRET.text);
    record.errorMessage = 'Access to KMS is not allowed';
    const diagnosis = first(await explain(JSON.stringify(record), dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual(['key-policy']);
    expect(diagnosis.role?.arn).toBe(STAGING_EXECUTION);
    expect(diagnosis.manifestPath).toBe('services.my-app1-staging.containers.app.secrets.PARTNER_API_KEY');
  });

  test('CLI error against identity policy', async () => {
    const dir = mutated(PROD, (resources) =>
      editPolicy(resources, 'aws_iam_role_policy', rolePolicyOf('my-app1_execution-role'), 'policy', (policy) => {
        const statement = policy.Statement.find((candidate) => candidate.Sid === 'ReadSecrets');
        statement.Resource = statement.Resource.filter((resource: string) => !resource.includes('apipark-license-key'));
      }),
    );
    const diagnosis = first(await explain(corpus.CLI_NO_IDENTITY_POLICY.text, dir, { zone: example.zone }));
    expect(diagnosis.sides).toEqual(['identity']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.gateway.secrets.APIPARK_LICENSE_KEY');
  });

  test('endpoint policy without the role', async () => {
    const dir = mutated(PROD, (resources) =>
      editPolicy(resources, 'aws_vpc_endpoint', (block) => block.service_name === 'com.amazonaws.eu-west-1.ssm', 'policy', withoutSid('MyApp1ExecutionRoleReadParameters')),
    );
    const diagnosis = first(await explain(corpus.PARAMETER_DENIED.text, dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['vpc-endpoint-policy']);
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.secrets.DB_HOST');
    expect(diagnosis.stacks).toEqual([PROD]);
  });

  test('endpoint policy allows by default', async () => {
    const diagnosis = first(await explain(corpus.PARAMETER_DENIED.text, example.dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('allowed');
    expect(diagnosis.reason).not.toContain('was not evaluated');
  });

  test('timeout without Secrets Manager endpoint', async () => {
    const dir = mutated(PROD, (resources) => {
      for (const [address, block] of Object.entries(resources.aws_vpc_endpoint)) {
        if (block.service_name === 'com.amazonaws.eu-west-1.secretsmanager') delete resources.aws_vpc_endpoint[address];
      }
    });
    const diagnosis = first(await explain(corpus.SECRET_TIMEOUT.text, dir, { zone: example.zone }));
    expect(diagnosis.decision).toBe('blocked');
    expect(diagnosis.sides).toEqual(['network']);
    expect(diagnosis.service).toBe('my-app1');
    expect(diagnosis.manifestPath).toBe('services.my-app1.network.egress');
    expect(diagnosis.reason).toContain('com.amazonaws.eu-west-1.secretsmanager');
  });

  test('timeout without HTTPS egress under NAT', async () => {
    const dir = mutated(STAGING, (resources) => {
      for (const [address, block] of Object.entries(resources.aws_vpc_security_group_egress_rule)) {
        if (block.from_port === 443) delete resources.aws_vpc_security_group_egress_rule[address];
      }
    });
    const explanation = await explain(corpus.ECR_API_TIMEOUT.text, dir, { zone: example.zone, service: 'my-app1-staging' });
    expect(first(explanation).sides).toEqual(['network']);
    expect(first(explanation).reason).toContain('no egress rule for HTTPS');
  });

  test('ECS Exec without channel statement', async () => {
    const dir = mutated(STAGING, (resources) =>
      editPolicy(resources, 'aws_iam_role_policy', rolePolicyOf('my-app1-staging_task-role'), 'policy', withoutSid('EcsExecChannels')),
    );
    const diagnosis = first(await explain(corpus.EXEC_NOT_CONNECTED.text, dir, { zone: example.zone, service: 'my-app1-staging' }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toEqual(['identity']);
    expect(diagnosis.role?.kind).toBe('taskRole');
    expect(diagnosis.manifestPath).toBe('services.my-app1-staging.taskRole.ecsExec');
  });
});

describe('explain against a manifest without the entry', () => {
  let withoutSecret: Synthesized;

  beforeAll(() => {
    const manifest = exampleManifest();
    delete manifest.services['my-app1'].containers.app.secrets.DB_PASSWORD;
    delete manifest.services['my-app1'].containers.app.secrets.DB_USERNAME;
    withoutSecret = synthManifest(manifest);
  });

  afterAll(() => removeSynthesized(withoutSecret));

  test('unreferenced secret is denied on both sides', async () => {
    const diagnosis = first(await explain(corpus.SECRET_NO_RESOURCE_POLICY.text, withoutSecret.dir, { zone: withoutSecret.zone }));
    expect(diagnosis.decision).toBe('denied');
    expect(diagnosis.sides).toContain('identity');
    expect(diagnosis.sides).toContain('secret-policy');
    expect(diagnosis.reason).toContain('No task definition in the output makes this request');
  });

  test('unreferenced secret gets a YAML entry', async () => {
    const diagnosis = first(await explain(corpus.SECRET_NO_RESOURCE_POLICY.text, withoutSecret.dir, { zone: withoutSecret.zone }));
    expect(diagnosis.manifestState).toBe('missing');
    expect(diagnosis.manifestPath).toBe('services.my-app1.containers.app.secrets.DB_CREDENTIALS');
    expect(diagnosis.yaml).toContain('DB_CREDENTIALS: { secret: my-app1/db-credentials }');
    expect(diagnosis.stacks).toEqual([PROD, SHARED]);
  });

  test('stale output against the full manifest', async () => {
    const zone = validateManifest(exampleManifest());
    const diagnosis = first(await explain(corpus.SECRET_NO_RESOURCE_POLICY.text, withoutSecret.dir, { zone }));
    expect(diagnosis.manifestState).toBe('present');
    expect(diagnosis.manifestPath).toMatch(/^services\.my-app1\.containers\.app\.secrets\.DB_(USERNAME|PASSWORD)$/);
    expect(diagnosis.change).toContain('out of date');
  });
});
