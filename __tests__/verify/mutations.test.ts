import { factsFromManifest, verifySynthesizedOutput, VerifyFacts, VerifyReport } from '../../modules/verify';
import { SynthesizedExample, editPolicy, mutatedCopy, remove, resourceNamed, statementWithSid, StackJson, synthesizeExample } from './output-copy';

let example: SynthesizedExample;
let facts: VerifyFacts;
const copies: string[] = [];

beforeAll(() => {
  example = synthesizeExample();
  facts = factsFromManifest(example.zone);
});

afterAll(() => {
  remove(example.root);
  for (const copy of copies) remove(`${copy}/..`);
});

async function verifyMutant(stack: string, change: (json: StackJson) => void): Promise<VerifyReport> {
  const dir = mutatedCopy(example.dir, stack, change);
  copies.push(dir);
  return verifySynthesizedOutput(dir, { facts });
}

function failures(report: VerifyReport) {
  return report.results.filter((result) => !result.passed);
}

function prodExecutionPolicy(json: StackJson) {
  return resourceNamed(json, 'aws_iam_role_policy', 'service-my-app1_execution-role').block;
}

describe('verify of a changed output', () => {
  test('removed repository policy fails the pull', async () => {
    const report = await verifyMutant('shared-services-eu-west-1', (json) => {
      delete json.resource.aws_ecr_repository_policy[resourceNamed(json, 'aws_ecr_repository_policy', 'my-ecs-repo-app1').id];
    });
    const failed = failures(report);
    expect(report.passed).toBe(false);
    expect(failed.length).toBeGreaterThan(0);
    for (const result of failed) {
      expect(result.request.expected).toBe('allow');
      expect(result.request.resource).toBe('arn:aws:ecr:eu-west-1:111111111111:repository/my-ecs-repo-app1');
      expect(result.reason).toContain('the resource has no resource policy in the output, and a cross-account request needs one');
    }
    const pulls = failed.filter((result) => result.request.action === 'ecr:BatchGetImage').map((result) => result.request.principal);
    expect(pulls.sort()).toEqual(['arn:aws:iam::222222222222:role/my-app1-execution', 'arn:aws:iam::333333333333:role/my-app1-staging-execution']);
  });

  test('identity policy without ViaService fails', async () => {
    const report = await verifyMutant('prod-eu-west-1', (json) => {
      editPolicy(prodExecutionPolicy(json), 'policy', (policy) => {
        delete statementWithSid(policy, 'DecryptAppSecretsViaSecretsManager').Condition.StringEquals;
      });
    });
    const failed = failures(report);
    expect(report.passed).toBe(false);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((result) => result.request.action === 'kms:Decrypt' && result.request.expected === 'deny')).toBe(true);
    const direct = failed.find((result) => result.request.context['kms:ViaService'] === undefined);
    expect(direct?.reason).toContain('the identity policy alone allows it');
    expect(direct?.reason).toContain('#DecryptAppSecretsViaSecretsManager');
  });

  test('key policy without ViaService fails', async () => {
    const report = await verifyMutant('shared-services-eu-west-1', (json) => {
      editPolicy(resourceNamed(json, 'aws_kms_key', 'kms-key-app-secrets').block, 'policy', (policy) => {
        delete statementWithSid(policy, 'DecryptViaSecretsManager').Condition.StringEquals['kms:ViaService'];
      });
    });
    const failed = failures(report);
    expect(report.passed).toBe(false);
    expect(failed.length).toBeGreaterThan(0);
    for (const result of failed) {
      expect(result.request.resource).toBe('arn:aws:kms:eu-west-1:111111111111:key/app-secrets-symbolic');
      expect(result.reason).toMatch(/^shared-services-eu-west-1\/aws_kms_key\.kms-key-app-secrets_key_\w+ alone allows it/);
    }
  });

  test('wildcard pull resource fails lint', async () => {
    const report = await verifyMutant('prod-eu-west-1', (json) => {
      editPolicy(prodExecutionPolicy(json), 'policy', (policy) => {
        statementWithSid(policy, 'PullImages').Resource = ['*'];
      });
    });
    expect(report.passed).toBe(false);
    const wildcard = report.findings.filter((finding) => finding.id === 'wildcard-resource');
    expect(wildcard).toHaveLength(1);
    expect(wildcard[0].severity).toBe('error');
    expect(wildcard[0].source).toMatch(/^prod-eu-west-1\/aws_iam_role_policy\.service-my-app1_execution-role_policy_\w+#PullImages$/);
    expect(wildcard[0].message).toContain('ecr:BatchGetImage');
  });

  test('changed PrincipalArn denies the consumer', async () => {
    const report = await verifyMutant('shared-services-eu-west-1', (json) => {
      editPolicy(resourceNamed(json, 'aws_secretsmanager_secret_policy', 'shared-api-key').block, 'policy', (policy) => {
        const condition = statementWithSid(policy, 'ReadByExecutionRoles').Condition.ArnEquals;
        condition['aws:PrincipalArn'] = condition['aws:PrincipalArn'].map((arn: string) => arn.replace('my-app1-staging-execution', 'my-app1-staging-executor'));
      });
    });
    const failed = failures(report);
    expect(report.passed).toBe(false);
    expect(failed).toHaveLength(1);
    expect(failed[0].request.principal).toBe('arn:aws:iam::333333333333:role/my-app1-staging-execution');
    expect(failed[0].request.resource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-AbCdEf');
    expect(failed[0].reason).toMatch(/^no statement in shared-services-eu-west-1\/aws_secretsmanager_secret_policy\.secret-shared-api-key_policy_\w+ allows this principal$/);
  });

  test('secret pattern widened to name-* fails', async () => {
    const report = await verifyMutant('prod-eu-west-1', (json) => {
      editPolicy(prodExecutionPolicy(json), 'policy', (policy) => {
        const statement = statementWithSid(policy, 'ReadSecrets');
        statement.Resource = statement.Resource.map((arn: string) => arn.replace('my-app1/db-credentials-??????', 'my-app1/db-credentials-*'));
      });
    });
    const failed = failures(report);
    expect(report.passed).toBe(false);
    expect(failed).toHaveLength(1);
    expect(failed[0].request.resource).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials-extra-AbCdEf');
    expect(failed[0].decision).toBe('allowed');
    expect(failed[0].reason).toContain('#ReadSecrets');
  });

  test('cross-account secret on AWS managed key fails', async () => {
    const report = await verifyMutant('shared-services-eu-west-1', (json) => {
      delete resourceNamed(json, 'aws_secretsmanager_secret', 'shared-api-key').block.kms_key_id;
    });
    const findings = report.findings.filter((finding) => finding.id === 'secret-key-aws-managed');
    expect(report.passed).toBe(false);
    expect(findings.map((finding) => finding.message.split(' ')[0]).sort()).toEqual(['my-app1', 'my-app1-staging']);
    expect(findings[0].source).toMatch(/^shared-services-eu-west-1\/aws_secretsmanager_secret\.secret-shared-api-key_secret_\w+$/);
  });

  test('intruder named in repository policy fails', async () => {
    const report = await verifyMutant('shared-services-eu-west-1', (json) => {
      editPolicy(resourceNamed(json, 'aws_ecr_repository_policy', 'my-ecs-repo-common').block, 'policy', (policy) => {
        statementWithSid(policy, 'PullByExecutionRoles').Condition.ArnEquals['aws:PrincipalArn'].push('arn:aws:iam::222222222222:role/intruder');
      });
    });
    const failed = failures(report);
    expect(failed).toHaveLength(1);
    expect(failed[0].request.principal).toBe('arn:aws:iam::222222222222:role/intruder');
    expect(failed[0].decision).toBe('allowed');
  });
});
