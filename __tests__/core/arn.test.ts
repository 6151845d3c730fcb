import {
  ResourceEnv,
  ecrRepositoryArn,
  logStreamsArn,
  parseImageUri,
  parseSecretArn,
  regionBelongsToPartition,
  roleArn,
  secretPolicyResource,
  secretValueFrom,
  serviceEndpoint,
  ssmParameterArn,
  ssmParameterNameProblem,
} from '../../modules/core/arn';

const prod: ResourceEnv = { partition: 'aws', region: 'eu-west-1', account: '222222222222' };
const china: ResourceEnv = { partition: 'aws-cn', region: 'cn-north-1', account: '444444444444' };
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageUri', () => {
  test('reads account, region and repository of an ECR image with a tag', () => {
    const image = parseImageUri('111111111111.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.4.2');
    expect(image).toMatchObject({ kind: 'ecr', account: '111111111111', region: 'eu-west-1', repository: 'team/app', tag: '1.4.2', partition: 'aws' });
    expect(image).not.toHaveProperty('digest', expect.anything());
  });

  test('reads a digest-pinned ECR image', () => {
    const image = parseImageUri(`111111111111.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}`);
    expect(image).toMatchObject({ kind: 'ecr', repository: 'app', digest: DIGEST, tag: undefined });
  });

  test('keeps both tag and digest so validation can reject them', () => {
    const image = parseImageUri(`111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.0@${DIGEST}`);
    expect(image).toMatchObject({ tag: '1.0', digest: DIGEST });
  });

  test('recognises China and GovCloud ECR hosts', () => {
    expect(parseImageUri('444444444444.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1')).toMatchObject({ kind: 'ecr', partition: 'aws-cn' });
    expect(parseImageUri('555555555555.dkr.ecr.us-gov-west-1.amazonaws.com/app:1')).toMatchObject({ kind: 'ecr', partition: 'aws-us-gov' });
    expect(parseImageUri('111111111111.dkr.ecr-fips.us-east-1.amazonaws.com/app:1')).toMatchObject({ kind: 'ecr', region: 'us-east-1' });
  });

  test('treats Docker Hub short names as other registries', () => {
    expect(parseImageUri('nginx:1.27')).toMatchObject({ kind: 'other', registry: 'docker.io', repository: 'nginx', tag: '1.27' });
    expect(parseImageUri('apipark/apipark:v1.7.3')).toMatchObject({ kind: 'other', registry: 'docker.io', repository: 'apipark/apipark' });
  });

  test('treats public ECR, GHCR and registries with ports as other registries', () => {
    expect(parseImageUri('public.ecr.aws/nginx/nginx:1.27')).toMatchObject({ kind: 'other', registry: 'public.ecr.aws', repository: 'nginx/nginx' });
    expect(parseImageUri('ghcr.io/org/tool:2')).toMatchObject({ kind: 'other', registry: 'ghcr.io' });
    expect(parseImageUri('registry.local:5000/app:3')).toMatchObject({ kind: 'other', registry: 'registry.local:5000', repository: 'app', tag: '3' });
  });

  test.each([
    ['', 'empty'],
    ['111111111111.dkr.ecr.eu-west-1.amazonaws.com/App:1', 'uppercase repository'],
    ['11111.dkr.ecr.eu-west-1.amazonaws.com/app:1', 'short ECR account'],
    ['app@sha256:1234', 'short digest'],
    ['app:-bad', 'tag starting with a hyphen'],
    [' app:1', 'leading space'],
  ])('rejects %j (%s)', (uri) => {
    expect(parseImageUri(uri)).toHaveProperty('error');
  });
});

describe('secret references', () => {
  test('keeps the JSON key suffix for the task definition and strips it for IAM', () => {
    const ref = parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/db-AbC123:password::', true);
    if ('error' in ref) throw new Error(ref.error);
    expect(ref).toMatchObject({ name: 'app/db', suffix: 'AbC123', jsonKey: 'password' });
    expect(secretValueFrom(ref)).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/db-AbC123:password::');
    expect(secretPolicyResource(ref)).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:app/db-AbC123');
  });

  test('turns a partial ARN into the six-character pattern', () => {
    const ref = parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key', false);
    if ('error' in ref) throw new Error(ref.error);
    expect(secretPolicyResource(ref)).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-??????');
    expect(secretValueFrom(ref)).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key');
  });

  test('renders version stage and version id in their positions', () => {
    const ref = { env: prod, name: 'db' };
    expect(secretValueFrom({ ...ref, versionStage: 'AWSPREVIOUS' })).toBe('arn:aws:secretsmanager:eu-west-1:222222222222:secret:db::AWSPREVIOUS:');
    expect(secretValueFrom({ ...ref, jsonKey: 'user', versionId: 'v-1' })).toBe('arn:aws:secretsmanager:eu-west-1:222222222222:secret:db:user::v-1');
  });

  test('rejects a complete ARN without the random suffix', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:db', true)).toHaveProperty('error');
  });

  test('rejects a suffix with two or four fields', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC123:key', true)).toHaveProperty('error');
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC123:a:b:c:d', true)).toHaveProperty('error');
  });

  test('rejects both a version stage and a version id', () => {
    expect(parseSecretArn('arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbC123::AWSCURRENT:v1', true)).toHaveProperty('error');
  });

  test('rejects ARNs of other services', () => {
    expect(parseSecretArn('arn:aws:ssm:eu-west-1:111111111111:parameter/db', false)).toHaveProperty('error');
  });
});

describe('SSM parameter ARNs', () => {
  test('have exactly one slash after parameter with or without a leading slash', () => {
    expect(ssmParameterArn(prod, '/my-app1/db-host')).toBe('arn:aws:ssm:eu-west-1:222222222222:parameter/my-app1/db-host');
    expect(ssmParameterArn(prod, 'plain-name')).toBe('arn:aws:ssm:eu-west-1:222222222222:parameter/plain-name');
  });

  test('use the partition of the environment', () => {
    expect(ssmParameterArn(china, '/app/x')).toBe('arn:aws-cn:ssm:cn-north-1:444444444444:parameter/app/x');
  });

  test.each([
    ['my-app1/db-host', 'starts with `/`'],
    ['/app//x', '`//`'],
    ['/app/', 'does not end'],
    ['/aws/reserved', 'aws'],
    ['bad name', 'only letters'],
    ['', 'not empty'],
  ])('name %j is rejected', (name, fragment) => {
    expect(ssmParameterNameProblem(name)).toContain(fragment);
  });

  test.each(['/my-app1/db-host', 'plain-name', '/a.b_c-d/e'])('name %j is accepted', (name) => {
    expect(ssmParameterNameProblem(name)).toBeUndefined();
  });
});

describe('other ARN builders', () => {
  test('log streams pattern covers every stream of one group', () => {
    expect(logStreamsArn(prod, '/ecs/my-app1/app')).toBe('arn:aws:logs:eu-west-1:222222222222:log-group:/ecs/my-app1/app:log-stream:*');
  });

  test('ECR repository ARN carries the repository path', () => {
    expect(ecrRepositoryArn(china, 'team/app')).toBe('arn:aws-cn:ecr:cn-north-1:444444444444:repository/team/app');
  });

  test('role ARN includes the path', () => {
    expect(roleArn('aws-us-gov', '555555555555', 'x-execution', '/ecs/')).toBe('arn:aws-us-gov:iam::555555555555:role/ecs/x-execution');
  });

  test('service endpoints use the China DNS suffix in aws-cn', () => {
    expect(serviceEndpoint('secretsmanager', 'cn-north-1', 'aws-cn')).toBe('secretsmanager.cn-north-1.amazonaws.com.cn');
    expect(serviceEndpoint('ssm', 'eu-west-1', 'aws')).toBe('ssm.eu-west-1.amazonaws.com');
  });

  test('regions belong to exactly one partition', () => {
    expect(regionBelongsToPartition('eu-west-1', 'aws')).toBe(true);
    expect(regionBelongsToPartition('cn-north-1', 'aws')).toBe(false);
    expect(regionBelongsToPartition('cn-north-1', 'aws-cn')).toBe(true);
    expect(regionBelongsToPartition('us-gov-west-1', 'aws-us-gov')).toBe(true);
    expect(regionBelongsToPartition('us-gov-west-1', 'aws')).toBe(false);
    expect(regionBelongsToPartition('eu-west', 'aws')).toBe(false);
  });
});
