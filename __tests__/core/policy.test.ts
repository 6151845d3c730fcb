import { PolicyDocument, PolicyShapeError, Statement, mergeStatements, renderStatement } from '../../modules/core/policy';
import { QUOTAS, layoutRolePolicy } from '../../modules/core/quotas';

describe('PolicyDocument', () => {
  test('renders keys in a fixed order with sorted lists', () => {
    const document = new PolicyDocument('resource', [
      {
        sid: 'Read',
        principals: { AWS: ['arn:aws:iam::333333333333:root', 'arn:aws:iam::222222222222:root'] },
        actions: ['b:Two', 'a:One', 'a:One'],
        resources: ['*'],
        conditions: { StringEquals: { 'z:Key': ['2', '1'], 'a:Key': ['x'] } },
      },
    ]);
    expect(document.toJson()).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:root"]},"Action":["a:One","b:Two"],"Resource":["*"],"Condition":{"StringEquals":{"a:Key":["x"],"z:Key":["1","2"]}}}]}',
    );
  });

  test('rendering twice gives the same JSON', () => {
    const statements: Statement[] = [{ sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }];
    expect(new PolicyDocument('identity', statements).toJson()).toBe(new PolicyDocument('identity', [...statements]).toJson());
  });

  test('identity statements reject principals', () => {
    expect(() => new PolicyDocument('identity', [{ sid: 'A', principals: '*', actions: ['s3:GetObject'], resources: ['*'] }])).toThrow(PolicyShapeError);
  });

  test('identity statements need a resource', () => {
    expect(() => new PolicyDocument('identity', [{ sid: 'A', actions: ['s3:GetObject'] }])).toThrow('needs a resource');
  });

  test('resource statements need a principal', () => {
    expect(() => new PolicyDocument('resource', [{ sid: 'A', actions: ['ecr:BatchGetImage'] }])).toThrow('needs a principal');
  });

  test('empty resources and duplicate Sids are rejected', () => {
    expect(() => new PolicyDocument('identity', [{ sid: 'A', actions: ['s3:GetObject'], resources: [''] }])).toThrow('resource is empty');
    expect(() =>
      new PolicyDocument('identity', [
        { sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::a/*'] },
        { sid: 'A', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::a/*'] },
      ]),
    ).toThrow('unique');
  });

  test('Sids must be alphanumeric', () => {
    expect(() => new PolicyDocument('identity', [{ sid: 'Read-Logs', actions: ['s3:GetObject'], resources: ['*'] }])).toThrow('letters and digits');
  });
});

describe('mergeStatements', () => {
  const render = (statement: Statement) => renderStatement(statement);

  test('merges statements with the same actions by joining resources', () => {
    const merged = mergeStatements([
      render({ sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::a/*'] }),
      render({ sid: 'B', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0].Resource).toEqual(['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*']);
  });

  test('keeps statements apart when actions and resources both differ', () => {
    const merged = mergeStatements([
      render({ sid: 'A', actions: ['s3:GetObject'], resources: ['arn:aws:s3:::a/*'] }),
      render({ sid: 'B', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::b/*'] }),
    ]);
    expect(merged).toHaveLength(2);
  });

  test('never merges statements with different conditions', () => {
    const merged = mergeStatements([
      render({ sid: 'A', actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'kms:ViaService': ['ssm.eu-west-1.amazonaws.com'] } } }),
      render({ sid: 'B', actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] } } }),
    ]);
    expect(merged).toHaveLength(2);
  });
});

describe('layoutRolePolicy', () => {
  const parameter = (index: number): Statement => ({
    sid: `ReadParameter${index}`,
    actions: ['ssm:GetParameters'],
    resources: [`arn:aws:ssm:eu-west-1:222222222222:parameter/service/${'p'.repeat(180)}/${index}`],
    conditions: { StringEquals: { 'aws:ResourceTag/team': [`team-${index}`] } },
  });

  test('keeps a small policy inline', () => {
    expect(layoutRolePolicy([parameter(1)]).kind).toBe('inline');
  });

  test('splits past the inline quota into managed policies within the size limit', () => {
    const statements = Array.from({ length: 60 }, (_, index) => parameter(index));
    const layout = layoutRolePolicy(statements);
    expect(layout.kind).toBe('managed');
    if (layout.kind !== 'managed') return;
    expect(layout.documents.length).toBeGreaterThan(1);
    expect(layout.documents.length).toBeLessThanOrEqual(QUOTAS.managedPoliciesPerRole);
    for (const document of layout.documents) expect(document.size).toBeLessThanOrEqual(QUOTAS.managedPolicy);
    expect(layout.documents.flatMap((document) => document.statements)).toHaveLength(60);
  });

  test('reports the numbers when even managed policies cannot hold it', () => {
    const statements = Array.from({ length: 400 }, (_, index) => parameter(index));
    const layout = layoutRolePolicy(statements);
    expect(layout).toMatchObject({ kind: 'too-large', limit: QUOTAS.managedPoliciesPerRole * QUOTAS.managedPolicy });
    if (layout.kind === 'too-large') expect(layout.needed).toBeGreaterThan(QUOTAS.managedPoliciesPerRole);
  });
});
