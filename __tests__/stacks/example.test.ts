import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '../../modules/core/errors';
import { validateManifest } from '../../modules/manifest/validate';
import { synthesize } from '../../stacks/app';
import { exampleManifest, findResource, policyOf, removeSynthesized, resources, statementBySid, Synthesized, synthManifest } from '../helpers/synth';

let example: Synthesized;
beforeAll(() => {
  example = synthManifest(exampleManifest());
});
afterAll(() => removeSynthesized(example));

const prod = () => example.stacks['prod-eu-west-1'];
const executionPolicy = (stack = prod(), service = 'my-app1') => policyOf(findResource(stack, 'aws_iam_role_policy', (r) => r.name === `${service}-execution-policy`));
const taskDefinition = (stack = prod(), family = 'my-app1') => findResource(stack, 'aws_ecs_task_definition', (r) => r.family === family);
const containers = (stack = prod(), family = 'my-app1') => JSON.parse(taskDefinition(stack, family).container_definitions) as any[];

describe('example landing zone', () => {
  test('synthesizes one stack per account and region', () => {
    expect(Object.keys(example.stacks).sort()).toEqual(['prod-eu-west-1', 'shared-services-eu-west-1', 'staging-eu-west-1']);
  });

  test('each stack deploys only its own account', () => {
    expect(prod().provider.aws[0]).toMatchObject({
      region: 'eu-west-1',
      allowed_account_ids: ['222222222222'],
      assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/terraform-deployer' }],
    });
    expect(example.stacks['shared-services-eu-west-1'].provider.aws[0].allowed_account_ids).toEqual(['111111111111']);
  });

  test('a state bucket gives an S3 backend with native locking', () => {
    expect(prod().terraform.backend.s3).toMatchObject({ bucket: 'example-terraform-state-222222222222', use_lockfile: true, key: 'ecs-access/prod-eu-west-1/terraform.tfstate' });
  });

  test('no state bucket gives a local backend', () => {
    expect(example.stacks['staging-eu-west-1'].terraform.backend).toEqual({ local: { path: 'terraform.staging-eu-west-1.tfstate' } });
  });
});

describe('execution role', () => {
  test('uses * only for the ECR authorization token', () => {
    for (const statement of executionPolicy().Statement) {
      if (statement.Resource.includes('*')) expect(statement.Action).toEqual(['ecr:GetAuthorizationToken']);
    }
    expect(statementBySid(executionPolicy(), 'GetEcrAuthorizationToken').Resource).toEqual(['*']);
  });

  test('grants only resources the task definition references', () => {
    const definitions = containers();
    const referenced = new Set<string>();
    for (const container of definitions) {
      const host = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/.exec(container.image);
      if (host) referenced.add(`arn:aws:ecr:${host[2]}:${host[1]}:repository/${host[3]}`);
      referenced.add(`arn:aws:logs:eu-west-1:222222222222:log-group:${container.logConfiguration.options['awslogs-group']}:log-stream:*`);
      for (const secret of container.secrets) {
        const arn: string = secret.valueFrom;
        if (arn.includes(':secretsmanager:')) referenced.add(`${arn.split(':').slice(0, 7).join(':')}-??????`);
        else referenced.add(arn);
      }
    }
    const granted = executionPolicy()
      .Statement.filter((statement: any) => statement.Action[0] !== 'kms:Decrypt' && statement.Sid !== 'GetEcrAuthorizationToken')
      .flatMap((statement: any) => statement.Resource);
    expect(new Set(granted)).toEqual(referenced);
  });

  test('decrypts each key only through the service that uses it', () => {
    const policy = executionPolicy();
    expect(statementBySid(policy, 'DecryptAppSecretsViaSecretsManager').Condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/app-secrets'] },
      StringEquals: { 'kms:ViaService': ['secretsmanager.eu-west-1.amazonaws.com'] },
    });
    expect(statementBySid(policy, 'DecryptAppConfigViaSsm').Condition.StringEquals['kms:ViaService']).toEqual(['ssm.eu-west-1.amazonaws.com']);
    expect(policy.Statement.filter((statement: any) => statement.Action.includes('kms:Decrypt'))).toHaveLength(2);
  });

  test('never asks for logs:CreateLogGroup because the groups are managed', () => {
    const actions = executionPolicy().Statement.flatMap((statement: any) => statement.Action);
    expect(actions).not.toContain('logs:CreateLogGroup');
    const groups = Object.values(resources(prod(), 'aws_cloudwatch_log_group')).map((group: any) => [group.name, group.retention_in_days]);
    expect(groups).toEqual(expect.arrayContaining([['/ecs/my-app1/app', 30], ['/ecs/my-app1/gateway', 30]]));
  });

  test('trust is ecs-tasks without source conditions by default', () => {
    const role = findResource(prod(), 'aws_iam_role', (r) => r.name === 'my-app1-execution');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Sid: 'AssumedByEcsTasks', Effect: 'Allow', Principal: { Service: ['ecs-tasks.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
    ]);
  });

  test('task role trust is bound to the account and its ECS resources', () => {
    const role = findResource(prod(), 'aws_iam_role', (r) => r.name === 'my-app1-task');
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual({
      ArnLike: { 'aws:SourceArn': ['arn:aws:ecs:eu-west-1:222222222222:*'] },
      StringEquals: { 'aws:SourceAccount': ['222222222222'] },
    });
  });

  test('has no AWS managed policy unless asked', () => {
    expect(resources(prod(), 'aws_iam_role_policy_attachment')).toEqual({});
  });
});

describe('task role', () => {
  test('is a distinct role with only the manifest statements', () => {
    const definition = taskDefinition();
    expect(definition.task_role_arn).not.toEqual(definition.execution_role_arn);
    const policy = policyOf(findResource(prod(), 'aws_iam_role_policy', (r) => r.name === 'my-app1-task-policy'));
    expect(policy.Statement).toEqual([{ Sid: 'ReadUploads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::my-app1-uploads-222222222222/*'] }]);
  });

  test('gets ECS Exec channels only when asked', () => {
    const staging = example.stacks['staging-eu-west-1'];
    const policy = policyOf(findResource(staging, 'aws_iam_role_policy', (r) => r.name === 'my-app1-staging-task-policy'));
    expect(statementBySid(policy, 'EcsExecChannels').Action).toContain('ssmmessages:CreateDataChannel');
    const prodActions = policyOf(findResource(prod(), 'aws_iam_role_policy', (r) => r.name === 'my-app1-task-policy')).Statement.flatMap((s: any) => s.Action);
    expect(prodActions.some((action: string) => action.startsWith('ssmmessages:'))).toBe(false);
  });
});

describe('task definition', () => {
  test('keeps JSON keys in valueFrom and uses parameter ARNs', () => {
    const app = containers().find((container) => container.name === 'app');
    const valueFrom = Object.fromEntries(app.secrets.map((secret: any) => [secret.name, secret.valueFrom]));
    expect(valueFrom.DB_PASSWORD).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:my-app1/db-credentials:password::');
    expect(valueFrom.PARTNER_API_KEY).toBe('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key');
    expect(valueFrom.DB_HOST).toBe('arn:aws:ssm:eu-west-1:222222222222:parameter/my-app1/db-host');
  });

  test('points awslogs at the managed group of each container', () => {
    for (const container of containers()) {
      expect(container.logConfiguration.options).toMatchObject({ 'awslogs-group': `/ecs/my-app1/${container.name}`, 'awslogs-region': 'eu-west-1' });
      expect(container.logConfiguration.options).not.toHaveProperty('awslogs-create-group');
    }
  });
});

describe('role options', () => {
  test('managed policy opt-in, path, boundary and trust switch apply', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].executionRole = {
      attachManagedPolicy: true,
      path: '/ecs/',
      permissionsBoundaryArn: 'arn:aws:iam::222222222222:policy/boundary',
      trustConditions: true,
    };
    manifest.services['my-app1'].taskRole.trustConditions = false;
    const result = synthManifest(manifest);
    try {
      const stack = result.stacks['prod-eu-west-1'];
      const role = findResource(stack, 'aws_iam_role', (r) => r.name === 'my-app1-execution');
      expect(role.path).toBe('/ecs/');
      expect(role.permissions_boundary).toBe('arn:aws:iam::222222222222:policy/boundary');
      expect(JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals).toEqual({ 'aws:SourceAccount': ['222222222222'] });
      const attachments = Object.values(resources(stack, 'aws_iam_role_policy_attachment')).map((a: any) => a.policy_arn);
      expect(attachments).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy']);
      const taskRole = findResource(stack, 'aws_iam_role', (r) => r.name === 'my-app1-task');
      expect(JSON.parse(taskRole.assume_role_policy).Statement[0]).not.toHaveProperty('Condition');
    } finally {
      removeSynthesized(result);
    }
  });
});

describe('manifest errors', () => {
  test('name the field, rule, value and fix', () => {
    const manifest = exampleManifest();
    manifest.services['my-app1'].containers.app.secrets.DB_PASSWORD = { secret: 'db-password' };
    expect(() => validateManifest(manifest)).toThrow(ManifestError);
    try {
      validateManifest(manifest);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('[secret-bare-name] services.my-app1.containers.app.secrets.DB_PASSWORD.secret');
      expect(message).toContain('(got: "db-password")');
      expect(message).toContain('Fix: declare `db-password` under `secrets`');
    }
  });

  test('leave no output behind when synthesis fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecs-access-fail-'));
    try {
      const manifest = exampleManifest();
      manifest.services['my-app1'].taskRole.statements = Array.from({ length: 400 }, (_, index) => ({
        sid: `Read${index}`,
        actions: ['s3:GetObject'],
        resources: [`arn:aws:s3:::bucket-${index}/${'k'.repeat(200)}/*`],
      }));
      const zone = validateManifest(manifest);
      expect(() => synthesize(zone, join(dir, 'cdktf.out'))).toThrow(/\[policy-too-large\] services\.my-app1\.taskRole/);
      expect(existsSync(join(dir, 'cdktf.out'))).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
