/**
 * The baseline for the synth benchmark: the resources `npm run synth` writes for a generated
 * landing zone, written as a plain cdktf app. It uses provider classes directly, builds each
 * policy as a JSON.stringify of a literal object and reads the generator's layout, so it has no
 * manifest parsing, no validation and no policy core. The bench run compares resource counts
 * per type with the real output and reports any difference.
 */
import { App, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AppautoscalingPolicy, AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretPolicy } from '@cdktf/provider-aws/lib/secretsmanager-secret-policy';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { formatArn, roleArn } from '../../modules/core/arn';
import {
  GATEWAY_REPOSITORY,
  GeneratedService,
  IMAGE_KEY,
  LandingZoneLayout,
  ORGANIZATION_ID,
  PARTITION,
  REGION,
  SHARED_ACCOUNT_KEY,
  WorkloadAccount,
  imageUri,
} from '../generate';

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion', 'kms:Create*', 'kms:Delete*', 'kms:Describe*', 'kms:Disable*', 'kms:Enable*', 'kms:Get*',
  'kms:List*', 'kms:Put*', 'kms:Revoke*', 'kms:ScheduleKeyDeletion', 'kms:TagResource', 'kms:UntagResource', 'kms:Update*',
];
const GATEWAY_PORT = 8288;
const LIFECYCLE = JSON.stringify({
  rules: [
    { rulePriority: 1, description: 'Expire untagged images after 7 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }, action: { type: 'expire' } },
    { rulePriority: 2, description: 'Keep the newest 50 tagged images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 50 }, action: { type: 'expire' } },
  ],
});

const arn = (service: string, account: string, resource: string, region = REGION) => formatArn({ partition: PARTITION, service, region, account, resource });
const rootArn = (account: string) => formatArn({ partition: PARTITION, service: 'iam', region: '', account, resource: 'root' });
const executionRoleArn = (service: GeneratedService) => roleArn(PARTITION, service.account.id, `${service.name}-execution`);

/** Stacks of the baseline app, one per account, named like the real ones. */
export function buildBaselineApp(layout: LandingZoneLayout, outdir: string): App {
  const app = new App({ outdir, skipValidation: false });
  const shared = new AccountBaseline(app, 'shared-services-eu-west-1', layout.sharedAccountId);
  addSharedResources(shared, layout);
  for (const workload of layout.workloads) {
    const stack = workload.key === SHARED_ACCOUNT_KEY ? shared : new AccountBaseline(app, `${workload.key}-${REGION}`, workload.id);
    const cluster = new EcsCluster(stack, 'cluster', { name: stack.node.id, setting: [{ name: 'containerInsights', value: 'enabled' }] });
    for (const service of layout.services.filter((candidate) => candidate.account === workload)) addService(stack, layout, service, cluster);
  }
  return app;
}

class AccountBaseline extends TerraformStack {
  constructor(scope: Construct, id: string, readonly accountId: string) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: REGION,
      allowedAccountIds: [accountId],
      assumeRole: [{ roleArn: roleArn(PARTITION, accountId, 'terraform-deployer'), sessionName: 'ecs-access-deploy' }],
      defaultTags: [{ tags: { 'managed-by': 'ecs-access', 'ecs-access:stack': id } }],
    });
    new S3Backend(this, { bucket: `bench-terraform-state-${accountId}`, key: `ecs-access/${id}/terraform.tfstate`, region: REGION, encrypt: true });
    this.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}

function consumerCondition(services: readonly GeneratedService[]) {
  return { ArnEquals: { 'aws:PrincipalArn': services.map(executionRoleArn) } };
}

function keyPolicy(shared: string, services: readonly GeneratedService[], via: 'ssm' | 'secretsmanager', withAdministrators: boolean): string {
  const statements: object[] = [{ Sid: 'AccountRootAdministers', Effect: 'Allow', Principal: { AWS: [rootArn(shared)] }, Action: ['kms:*'], Resource: ['*'] }];
  if (withAdministrators) {
    statements.push({
      Sid: 'KeyAdministrators',
      Effect: 'Allow',
      Principal: { AWS: [rootArn(shared)] },
      Action: KEY_ADMIN_ACTIONS,
      Resource: ['*'],
      Condition: { ArnEquals: { 'aws:PrincipalArn': [roleArn(PARTITION, shared, 'security-admin')] } },
    });
  }
  const consumers = services.filter((service) => service.account.id !== shared);
  if (consumers.length > 0) {
    const accounts = [...new Set(consumers.map((service) => service.account.id))];
    statements.push({
      Sid: via === 'ssm' ? 'DecryptViaSsm' : 'DecryptViaSecretsManager',
      Effect: 'Allow',
      Principal: { AWS: accounts.map(rootArn) },
      Action: ['kms:Decrypt'],
      Resource: ['*'],
      Condition: { ...consumerCondition(consumers), StringEquals: { 'kms:CallerAccount': accounts, 'kms:ViaService': [`${via}.${REGION}.amazonaws.com`] } },
    });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

function addKey(stack: TerraformStack, name: string, description: string, policy: string): KmsKey {
  const key = new KmsKey(stack, `kms-key-${name}`, { description, enableKeyRotation: true, deletionWindowInDays: 30, policy, tags: { 'ecs-access:key': name } });
  new KmsAlias(stack, `kms-alias-${name}`, { name: `alias/${name}`, targetKeyId: key.keyId });
  return key;
}

function addRepository(stack: TerraformStack, name: string, key: KmsKey, policy: string): void {
  const repository = new EcrRepository(stack, `ecr-repository-${name}`, {
    name,
    imageTagMutability: 'IMMUTABLE',
    imageScanningConfiguration: { scanOnPush: true },
    encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: key.arn }],
    tags: { 'ecs-access:repository': name },
  });
  new EcrLifecyclePolicy(stack, `ecr-lifecycle-${name}`, { repository: repository.name, policy: LIFECYCLE });
  new EcrRepositoryPolicy(stack, `ecr-policy-${name}`, { repository: repository.name, policy });
}

function addSecret(stack: TerraformStack, name: string, description: string, key: KmsKey, readers: readonly GeneratedService[], shared: string): void {
  const secret = new SecretsmanagerSecret(stack, `secret-${name.replace('/', '--')}`, { name, description, kmsKeyId: key.arn, tags: { 'ecs-access:secret': name } });
  const consumers = readers.filter((service) => service.account.id !== shared);
  if (consumers.length === 0) return;
  const accounts = [...new Set(consumers.map((service) => service.account.id))];
  new SecretsmanagerSecretPolicy(stack, `secret-policy-${name.replace('/', '--')}`, {
    secretArn: secret.arn,
    blockPublicPolicy: true,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ReadByExecutionRoles', Effect: 'Allow', Principal: { AWS: accounts.map(rootArn) }, Action: ['secretsmanager:GetSecretValue'], Resource: ['*'], Condition: consumerCondition(consumers) },
      ],
    }),
  });
}

function addSharedResources(stack: AccountBaseline, layout: LandingZoneLayout): void {
  const shared = layout.sharedAccountId;
  const imageKey = addKey(stack, IMAGE_KEY, 'Encrypts container images at rest', keyPolicy(shared, [], 'ssm', false));
  addRepository(
    stack,
    GATEWAY_REPOSITORY,
    imageKey,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'PullFromOrganization', Effect: 'Allow', Principal: '*', Action: PULL_ACTIONS, Condition: { StringEquals: { 'aws:PrincipalOrgID': [ORGANIZATION_ID] } } }],
    }),
  );
  for (const workload of layout.workloads) {
    const services = layout.services.filter((service) => service.account === workload);
    const secretsKey = addKey(stack, workload.secretsKey, `Encrypts the secrets that ${workload.key} reads`, keyPolicy(shared, services, 'secretsmanager', true));
    addKey(stack, workload.configKey, `Encrypts SecureString parameters in ${workload.key}`, keyPolicy(shared, services, 'ssm', true));
    addSecret(stack, workload.licenseSecret, 'APIPark license key', secretsKey, services, shared);
    addSecret(stack, workload.datastoresSecret, 'Passwords of the APIPark stores', secretsKey, services, shared);
    addSecret(stack, workload.partnerSecret, 'Key for the partner API', secretsKey, services, shared);
    for (const service of services) {
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'PullByExecutionRoles', Effect: 'Allow', Principal: { AWS: [rootArn(workload.id)] }, Action: PULL_ACTIONS, Condition: consumerCondition([service]) },
        ],
      });
      addRepository(stack, service.repository, imageKey, policy);
      addSecret(stack, service.dbSecret, `Database credentials of ${service.name}`, secretsKey, [service], shared);
    }
  }
}

function trustPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AssumedByEcsTasks',
        Effect: 'Allow',
        Principal: { Service: ['ecs-tasks.amazonaws.com'] },
        Action: ['sts:AssumeRole'],
        Condition: { ArnLike: { 'aws:SourceArn': [arn('ecs', account, '*')] }, StringEquals: { 'aws:SourceAccount': [account] } },
      },
    ],
  });
}

function executionPolicy(layout: LandingZoneLayout, service: GeneratedService): string {
  const shared = layout.sharedAccountId;
  const { account } = service;
  const secret = (name: string) => arn('secretsmanager', shared, `secret:${name}-??????`);
  const decrypt = (sid: string, alias: string, via: string) => ({
    Sid: sid,
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [arn('kms', shared, 'key/*')],
    Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [`alias/${alias}`] }, StringEquals: { 'kms:ViaService': [`${via}.${REGION}.amazonaws.com`] } },
  });
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'GetEcrAuthorizationToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      { Sid: 'PullImages', Effect: 'Allow', Action: PULL_ACTIONS, Resource: [arn('ecr', shared, `repository/${GATEWAY_REPOSITORY}`), arn('ecr', shared, `repository/${service.repository}`)] },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['app', 'gateway'].map((container) => arn('logs', account.id, `log-group:/ecs/${service.name}/${container}:log-stream:*`)),
      },
      {
        Sid: 'ReadSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [secret(service.dbSecret), secret(account.datastoresSecret), secret(account.licenseSecret), secret(account.partnerSecret)],
      },
      {
        Sid: 'ReadParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: [arn('ssm', account.id, `parameter/${service.name}/db-host`), arn('ssm', account.id, `parameter/${service.name}/feature-flags`)],
      },
      decrypt('DecryptConfigViaSsm', account.configKey, 'ssm'),
      decrypt('DecryptSecretsViaSecretsManager', account.secretsKey, 'secretsmanager'),
    ],
  });
}

function containerDefinitions(layout: LandingZoneLayout, service: GeneratedService): string {
  const shared = layout.sharedAccountId;
  const { account } = service;
  const secret = (name: string, jsonKey?: string) => arn('secretsmanager', shared, `secret:${name}${jsonKey ? `:${jsonKey}::` : ''}`);
  const parameter = (name: string) => arn('ssm', account.id, `parameter/${service.name}/${name}`);
  const logs = (container: string) => ({
    logDriver: 'awslogs',
    options: { 'awslogs-group': `/ecs/${service.name}/${container}`, 'awslogs-region': REGION, 'awslogs-stream-prefix': 'ecs' },
  });
  const internal = `${account.key}.internal`;
  return JSON.stringify([
    {
      name: 'app',
      image: imageUri(shared, service.repository, service.imageTag),
      cpu: 0,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [],
      environment: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'SERVICE_NAME', value: service.name },
      ],
      secrets: [
        { name: 'DB_HOST', valueFrom: parameter('db-host') },
        { name: 'DB_PASSWORD', valueFrom: secret(service.dbSecret, 'password') },
        { name: 'DB_USERNAME', valueFrom: secret(service.dbSecret, 'username') },
        { name: 'FEATURE_FLAGS', valueFrom: parameter('feature-flags') },
        { name: 'PARTNER_API_KEY', valueFrom: secret(account.partnerSecret) },
      ],
      mountPoints: [{ sourceVolume: 'app-tmp', containerPath: '/tmp', readOnly: false }],
      volumesFrom: [],
      systemControls: [],
      logConfiguration: logs('app'),
      user: '1000:1000',
      healthCheck: { command: ['CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/health || exit 1'], interval: 30, timeout: 5, retries: 3, startPeriod: 0 },
    },
    {
      name: 'gateway',
      image: imageUri(shared, GATEWAY_REPOSITORY, 'apipark-1.7.3'),
      cpu: 0,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: GATEWAY_PORT, hostPort: GATEWAY_PORT, protocol: 'tcp', name: `gateway-${GATEWAY_PORT}` }],
      environment: [
        { name: 'ERROR_DIR', value: '/var/log/apipark' },
        { name: 'ERROR_EXPIRE', value: '7d' },
        { name: 'ERROR_FILE_NAME', value: 'error.log' },
        { name: 'ERROR_LOG_LEVEL', value: 'info' },
        { name: 'ERROR_PERIOD', value: 'day' },
        { name: 'INFLUXDB_ADDR', value: `http://apipark-influxdb.${internal}:8086` },
        { name: 'MYSQL_DB', value: 'apipark' },
        { name: 'MYSQL_IP', value: `apipark-mysql.${internal}` },
        { name: 'MYSQL_PORT', value: '3306' },
        { name: 'MYSQL_USER_NAME', value: 'apipark' },
        { name: 'REDIS_ADDR', value: `apipark-redis.${internal}:6379` },
        { name: 'UPSTREAM_URL', value: 'http://localhost:8080' },
      ],
      secrets: [
        { name: 'ADMIN_PASSWORD', valueFrom: secret(account.datastoresSecret, 'admin') },
        { name: 'APIPARK_LICENSE_KEY', valueFrom: secret(account.licenseSecret) },
        { name: 'INFLUXDB_TOKEN', valueFrom: secret(account.datastoresSecret, 'influxdb') },
        { name: 'MYSQL_PWD', valueFrom: secret(account.datastoresSecret, 'mysql') },
        { name: 'REDIS_PWD', valueFrom: secret(account.datastoresSecret, 'redis') },
      ],
      mountPoints: [
        { sourceVolume: 'gateway-tmp', containerPath: '/tmp', readOnly: false },
        { sourceVolume: 'gateway-var-log-apipark', containerPath: '/var/log/apipark', readOnly: false },
      ],
      volumesFrom: [],
      systemControls: [],
      logConfiguration: logs('gateway'),
      healthCheck: { command: ['CMD-SHELL', `wget -q -O /dev/null http://localhost:${GATEWAY_PORT}/api/v1/system/health || exit 1`], interval: 30, timeout: 5, retries: 3, startPeriod: 30 },
      dependsOn: [{ containerName: 'app', condition: 'HEALTHY' }],
    },
  ]);
}

function addService(stack: TerraformStack, layout: LandingZoneLayout, service: GeneratedService, cluster: EcsCluster): void {
  const id = `service-${service.name}`;
  const account: WorkloadAccount = service.account;
  const tags = { 'ecs-access:service': service.name };
  const logGroups = ['app', 'gateway'].map(
    (container) => new CloudwatchLogGroup(stack, `${id}-log-group-${container}`, { name: `/ecs/${service.name}/${container}`, retentionInDays: 30, tags }),
  );

  const executionRole = new IamRole(stack, `${id}-execution-role`, {
    name: `${service.name}-execution`,
    path: '/',
    description: `ECS execution role of service ${service.name}`,
    assumeRolePolicy: trustPolicy(account.id),
    tags: { ...tags, 'ecs-access:role': 'executionRole' },
  });
  const executionPolicyResource = new IamRolePolicy(stack, `${id}-execution-role-policy`, {
    name: `${service.name}-execution-policy`,
    role: executionRole.name,
    policy: executionPolicy(layout, service),
  });
  const taskRole = new IamRole(stack, `${id}-task-role`, {
    name: `${service.name}-task`,
    path: '/',
    description: `ECS task role of service ${service.name}`,
    assumeRolePolicy: trustPolicy(account.id),
    tags: { ...tags, 'ecs-access:role': 'taskRole' },
  });
  const taskPolicy = new IamRolePolicy(stack, `${id}-task-role-policy`, {
    name: `${service.name}-task-policy`,
    role: taskRole.name,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'ReadUploads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [arn('s3', '', `${service.name}-uploads-${account.id}/*`, '')] }],
    }),
  });

  const taskDefinition = new EcsTaskDefinition(stack, `${id}-task-definition`, {
    family: service.name,
    cpu: '1024',
    memory: '2048',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
    containerDefinitions: containerDefinitions(layout, service),
    volume: [{ name: 'app-tmp' }, { name: 'gateway-tmp' }, { name: 'gateway-var-log-apipark' }],
    dependsOn: logGroups,
    tags,
  });

  const vpcId = `vpc-${account.hex}aaaaa`;
  const tasksGroup = new SecurityGroup(stack, `${id}-tasks-security-group`, { name: `${service.name}-tasks`, description: `Tasks of ECS service ${service.name}`, vpcId, revokeRulesOnDelete: true, tags });
  const lbGroup = new SecurityGroup(stack, `${id}-lb-security-group`, { name: `${service.name}-load-balancer`, description: `Load balancer of ECS service ${service.name}`, vpcId, revokeRulesOnDelete: true, tags });
  const egress: [string, string, number, string][] = [
    ['egress-0', 'APIPark MySQL', 3306, '10.20.8.0/22'],
    ['egress-1', 'APIPark Redis', 6379, '10.20.8.0/22'],
    ['egress-https', 'HTTPS to AWS APIs and registries', 443, '0.0.0.0/0'],
  ];
  for (const [name, description, port, cidr] of egress) {
    new VpcSecurityGroupEgressRule(stack, `${id}-${name}`, { securityGroupId: tasksGroup.id, description, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr, tags });
  }
  new VpcSecurityGroupEgressRule(stack, `${id}-lb-egress-to-tasks`, {
    securityGroupId: lbGroup.id,
    referencedSecurityGroupId: tasksGroup.id,
    description: `To the gateway container of ${service.name}`,
    ipProtocol: 'tcp',
    fromPort: GATEWAY_PORT,
    toPort: GATEWAY_PORT,
    tags,
  });
  new VpcSecurityGroupIngressRule(stack, `${id}-ingress-from-lb`, {
    securityGroupId: tasksGroup.id,
    referencedSecurityGroupId: lbGroup.id,
    description: 'To the gateway container from the load balancer',
    ipProtocol: 'tcp',
    fromPort: GATEWAY_PORT,
    toPort: GATEWAY_PORT,
    tags,
  });
  for (const [port, protocol] of [[443, 'HTTPS'], [80, 'HTTP']] as const) {
    new VpcSecurityGroupIngressRule(stack, `${id}-lb-ingress-${port}`, {
      securityGroupId: lbGroup.id,
      description: `${protocol} from 10.0.0.0/8`,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      cidrIpv4: '10.0.0.0/8',
      tags,
    });
  }

  const loadBalancer = new Lb(stack, `${id}-lb`, {
    name: `${service.name}-alb`,
    internal: true,
    loadBalancerType: 'application',
    securityGroups: [lbGroup.id],
    subnets: [`subnet-${account.hex}00011`, `subnet-${account.hex}00012`],
    idleTimeout: 60,
    enableDeletionProtection: false,
    dropInvalidHeaderFields: true,
    tags,
  });
  const targetGroup = new LbTargetGroup(stack, `${id}-target-group`, {
    name: `${service.name}-${GATEWAY_PORT}`,
    port: GATEWAY_PORT,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId,
    deregistrationDelay: '30',
    healthCheck: { enabled: true, path: '/api/v1/system/health', port: 'traffic-port', protocol: 'HTTP', matcher: '200-399', interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    lifecycle: { createBeforeDestroy: true },
    tags,
  });
  const https = new LbListener(stack, `${id}-https-listener`, {
    loadBalancerArn: loadBalancer.arn,
    port: 443,
    protocol: 'HTTPS',
    sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    certificateArn: arn('acm', account.id, `certificate/0b1c2d3e-4f5a-4b6c-8d7e-${account.hex}`),
    defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
    tags,
  });
  const redirect = new LbListener(stack, `${id}-http-listener`, {
    loadBalancerArn: loadBalancer.arn,
    port: 80,
    protocol: 'HTTP',
    defaultAction: [{ type: 'redirect', redirect: { port: '443', protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
    tags,
  });

  const ecsService = new EcsService(stack, `${id}-service`, {
    name: service.name,
    cluster: cluster.arn,
    taskDefinition: taskDefinition.arn,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    desiredCount: 2,
    deploymentMaximumPercent: 200,
    deploymentMinimumHealthyPercent: 100,
    deploymentCircuitBreaker: { enable: true, rollback: true },
    deploymentController: { type: 'ECS' },
    enableEcsManagedTags: true,
    enableExecuteCommand: false,
    healthCheckGracePeriodSeconds: 120,
    propagateTags: 'SERVICE',
    networkConfiguration: { subnets: [`subnet-${account.hex}00001`, `subnet-${account.hex}00002`], securityGroups: [tasksGroup.id], assignPublicIp: false },
    loadBalancer: [{ containerName: 'gateway', containerPort: GATEWAY_PORT, targetGroupArn: targetGroup.arn }],
    lifecycle: { ignoreChanges: ['desired_count'] },
    dependsOn: [executionPolicyResource, taskPolicy, https, redirect],
    tags,
  });

  const target = new AppautoscalingTarget(stack, `${id}-scalable-target`, {
    serviceNamespace: 'ecs',
    scalableDimension: 'ecs:service:DesiredCount',
    resourceId: `service/${cluster.name}/${ecsService.name}`,
    minCapacity: 2,
    maxCapacity: 6,
    tags,
  });
  const scaling = (name: string, metric: AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification, targetValue: number) =>
    new AppautoscalingPolicy(stack, `${id}-scaling-${name}`, {
      name: `${service.name}-${name}`,
      policyType: 'TargetTrackingScaling',
      resourceId: target.resourceId,
      scalableDimension: target.scalableDimension,
      serviceNamespace: target.serviceNamespace,
      targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: metric, targetValue, scaleInCooldown: 300, scaleOutCooldown: 60 },
    });
  scaling('cpu', { predefinedMetricType: 'ECSServiceAverageCPUUtilization' }, 60);
  scaling('requests', { predefinedMetricType: 'ALBRequestCountPerTarget', resourceLabel: `${loadBalancer.arnSuffix}/${targetGroup.arnSuffix}` }, 1000);
}
