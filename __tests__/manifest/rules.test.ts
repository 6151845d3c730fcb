import { closestOperator, isConditionOperator } from '../../modules/manifest/rules/conditions';
import { healthCheckCommandProblem, normalizedMountPath, writablePathProblem } from '../../modules/manifest/rules/containers';
import { credentialValueKind, isCredentialName, nameWords } from '../../modules/manifest/rules/credentials';
import { findEmptyFields } from '../../modules/manifest/rules/empty-fields';
import { bucketNameProblem, clusterNameProblem, logGroupNameProblem, roleNameProblem } from '../../modules/manifest/rules/names';
import { broadResourceWildcard, isWildcardAction } from '../../modules/manifest/rules/wildcards';
import { editedExample, loadExample } from '../fixtures/manifests/example';

describe('credential names', () => {
  test.each(['DB_PASSWORD', 'API_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'GITHUB_TOKEN', 'JWT_SECRET', 'dbPassword', 'db-passwd', 'MYSQL_PWD', 'AWS_SESSION_TOKEN', 'SERVICE_CREDENTIALS'])('%s is a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  test.each(['PASSWORD_MIN_LENGTH', 'TOKEN_TTL', 'SECRET_NAME', 'SECRET_ARN', 'API_KEY_HEADER', 'PASSWORD_FILE', 'CACHE_KEY', 'PRIMARY_KEY', 'LOG_LEVEL', 'KEYCLOAK_URL', 'MYSQL_USER_NAME', 'TOKENIZER_MODEL'])('%s is not a credential', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });

  test('camel case split into words', () => {
    expect(nameWords('githubApiToken')).toEqual(['GITHUB', 'API', 'TOKEN']);
  });
});

describe('credential values', () => {
  test.each([
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', 'a private key'],
    ['-----BEGIN PRIVATE KEY-----', 'a private key'],
    ['https://deploy:hunter2@git.example.com/repo.git', 'a URL with a user and password'],
    [`ghp_${'a'.repeat(36)}`, 'a GitHub token'],
    ['xoxb-1234567890-abcdef', 'a Slack token'],
  ])('%s detected', (value, kind) => {
    expect(credentialValueKind(value)).toBe(kind);
  });

  test.each(['info', 'https://api.example.com/v1', 'postgres://db.internal:5432/app', 'AKIA-not-a-key', '/var/log/app'])('%s accepted', (value) => {
    expect(credentialValueKind(value)).toBeUndefined();
  });
});

describe('wildcards', () => {
  test.each(['*', 's3:*', 's3:Get*', 's3:GetObjec?'])('action %s is a wildcard', (action) => {
    expect(isWildcardAction(action)).toBe(true);
  });

  test('exact action is not a wildcard', () => {
    expect(isWildcardAction('s3:GetObject')).toBe(false);
  });

  test.each([
    '*',
    'arn:aws:s3:::*',
    'arn:aws:s3:::my-app-*',
    'arn:aws:dynamodb:eu-west-1:222222222222:table/*',
    'arn:aws:dynamodb:*:222222222222:table/orders',
    'arn:aws:dynamodb:eu-west-1:*:table/orders',
    'arn:aws:sqs:eu-west-1:222222222222:orders-*',
    'arn:aws:logs:eu-west-1:222222222222:log-group:*',
    'arn:aws:secretsmanager:eu-west-1:222222222222:secret:*',
  ])('resource %s is broad', (resource) => {
    expect(broadResourceWildcard(resource)).toBeDefined();
  });

  test.each([
    'arn:aws:s3:::my-app-uploads/*',
    'arn:aws:s3:::my-app-uploads/tenant-?/*',
    'arn:aws:dynamodb:eu-west-1:222222222222:table/orders/index/*',
    'arn:aws:logs:eu-west-1:222222222222:log-group:/ecs/app:*',
    'arn:aws:secretsmanager:eu-west-1:222222222222:secret:app/db-??????',
    'arn:aws:s3:::my-app-uploads',
  ])('resource %s is narrow', (resource) => {
    expect(broadResourceWildcard(resource)).toBeUndefined();
  });
});

describe('AWS name limits', () => {
  test('role name of 65 characters rejected', () => {
    expect(roleNameProblem('r'.repeat(65))).toContain('at most 64');
    expect(roleNameProblem('r'.repeat(64))).toBeUndefined();
  });

  test('role name with a space rejected', () => {
    expect(roleNameProblem('my role')).toContain('+=,.@_-');
  });

  test('log group name limits enforced', () => {
    expect(logGroupNameProblem('/ecs/app/web')).toBeUndefined();
    expect(logGroupNameProblem(`/ecs/${'a'.repeat(508)}`)).toContain('1 to 512');
    expect(logGroupNameProblem('/ecs/app web')).toContain('`.-_/#`');
    expect(logGroupNameProblem('')).toContain('1 to 512');
  });

  test('cluster name limits enforced', () => {
    expect(clusterNameProblem('prod-eu-west-1')).toBeUndefined();
    expect(clusterNameProblem('c'.repeat(256))).toBeDefined();
  });

  test.each(['ab', 'Bucket', 'a..b', '192.168.0.1', 'xn--bucket', 'bucket-s3alias', '-bucket', 's3://bucket'])('bucket %s rejected', (name) => {
    expect(bucketNameProblem(name)).toBeDefined();
  });

  test('bucket with dots and hyphens accepted', () => {
    expect(bucketNameProblem('example-terraform-state.111111111111')).toBeUndefined();
  });
});

describe('empty fields', () => {
  test('example has no empty fields', () => {
    expect(findEmptyFields(loadExample())).toEqual([]);
  });

  test('optional field asked to be removed', () => {
    const [problem] = findEmptyFields(editedExample({ 'accounts.prod.stateBucket': '' }));
    expect(problem).toMatchObject({ id: 'field-empty', path: 'accounts.prod.stateBucket', fix: 'remove the field' });
  });

  test('required field asked for a value', () => {
    const [problem] = findEmptyFields(editedExample({ 'services.my-app1.account': '' }));
    expect(problem).toMatchObject({ id: 'field-empty', path: 'services.my-app1.account', fix: 'give a value' });
  });

  test('fields inside secret sources checked', () => {
    const problems = findEmptyFields(editedExample({ 'services.my-app1.containers.app.secrets.DB_HOST.kmsKey': '' }));
    expect(problems.map((problem) => problem.path)).toEqual(['services.my-app1.containers.app.secrets.DB_HOST.kmsKey']);
  });

  test('unknown fields left to the schema', () => {
    expect(findEmptyFields(editedExample({ 'accounts.prod.nickname': '' }))).toEqual([]);
  });
});

describe('container settings', () => {
  test.each(['tmp', '/', '//', '/var/../etc', '/./tmp'])('writable path %s rejected', (path) => {
    expect(writablePathProblem(path)).toBeDefined();
  });

  test('absolute writable path accepted', () => {
    expect(writablePathProblem('/var/log/app')).toBeUndefined();
  });

  test('mount paths compared without trailing slash', () => {
    expect(normalizedMountPath('/tmp/')).toBe('/tmp');
    expect(normalizedMountPath('//tmp//cache')).toBe('/tmp/cache');
  });

  test.each([[['curl', 'http://localhost']], [['CMD']], [['CMD-SHELL', ' ']]])('health check %j rejected', (command) => {
    expect(healthCheckCommandProblem(command)).toBeDefined();
  });

  test.each([[['CMD', 'kong', 'health']], [['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/ || exit 1']]])('health check %j accepted', (command) => {
    expect(healthCheckCommandProblem(command)).toBeUndefined();
  });
});

describe('condition operators', () => {
  test.each(['StringEquals', 'ForAnyValue:StringEquals', 'ForAllValues:StringLike', 'ArnLikeIfExists', 'Null', 'BoolIfExists'])('%s accepted', (operator) => {
    expect(isConditionOperator(operator)).toBe(true);
  });

  test.each(['StringEqual', 'stringequals', 'NullIfExists', 'ForSomeValue:StringEquals', 'ArnMatches'])('%s rejected', (operator) => {
    expect(isConditionOperator(operator)).toBe(false);
  });

  test('near miss gets a suggestion', () => {
    expect(closestOperator('StringEqual')).toBe('StringEquals');
    expect(closestOperator('stringequals')).toBe('StringEquals');
    expect(closestOperator('ArnMatches')).toBeUndefined();
  });
});
