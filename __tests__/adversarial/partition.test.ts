import { Synthesized, findResource, manifestProblems, policyOf, removeSynthesized, statementBySid, synthManifest } from '../helpers/synth';


describe('aws-cn manifest problems', () => {
  it('suggest the China ECR host', () => {
    const problems = manifestProblems({
      partition: 'aws-cn',
      defaults: { region: 'cn-north-1' },
      accounts: { shared: { id: '111111111111' }, prod: { id: '222222222222' } },
      repositories: { app: { account: 'shared' } },
      services: {
        web: { account: 'prod', containers: { web: { image: '111111111111.dkr.ecr.cn-northwest-1.amazonaws.com.cn/app:1.0' } } },
      },
    });
    const mismatch = problems.find((problem) => problem.id === 'image-repository-mismatch');
    expect(mismatch?.fix).toBe('use the host 111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn');
  });
});

describe('aws-cn synthesis', () => {
  const manifest = {
    partition: 'aws-cn',
    defaults: { region: 'cn-north-1' },
    accounts: { shared: { id: '111111111111' }, prod: { id: '222222222222' } },
    kmsKeys: { secrets: { account: 'shared' } },
    secrets: { db: { account: 'shared', kmsKey: 'secrets' } },
    services: {
      web: {
        account: 'prod',
        region: 'cn-northwest-1',
        executionRole: { path: '/ecs/', attachManagedPolicy: true },
        containers: { web: { image: 'busybox:1.36', secrets: { DB: { secret: 'db' } } } },
      },
    },
  };
  let result: Synthesized;
  beforeAll(() => {
    result = synthManifest(manifest);
  });
  afterAll(() => removeSynthesized(result));

  it('keeps the global ECS principal', () => {
    const role = findResource(result.stacks['prod-cn-northwest-1'], 'aws_iam_role', (candidate) => candidate.name === 'web-execution');
    expect(policyOf(role, 'assume_role_policy').Statement[0].Principal).toEqual({ Service: ['ecs-tasks.amazonaws.com'] });
  });

  it('decrypts through the China endpoint', () => {
    const key = findResource(result.stacks['shared-cn-north-1'], 'aws_kms_key', () => true);
    const decrypt = statementBySid(policyOf(key), 'DecryptViaSecretsManager');
    expect(decrypt.Condition.StringEquals['kms:ViaService']).toEqual(['secretsmanager.cn-north-1.amazonaws.com.cn']);
    expect(decrypt.Condition.ArnEquals['aws:PrincipalArn']).toEqual(['arn:aws-cn:iam::222222222222:role/ecs/web-execution']);
  });

  it('attaches the aws-cn managed policy', () => {
    const attachment = findResource(result.stacks['prod-cn-northwest-1'], 'aws_iam_role_policy_attachment', () => true);
    expect(attachment.policy_arn).toBe('arn:aws-cn:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy');
  });
});
