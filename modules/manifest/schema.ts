import { z } from 'zod';

/**
 * The manifest's shape. Structural rules live here; rules that relate fields to each other
 * (references, accounts, partitions) run in `validateManifest`, so each one can name its own id.
 */

const name = (what: string) =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, `${what} names use lowercase letters, digits and hyphens, starting with a letter or digit`);

export const AccountSchema = z
  .strictObject({
    id: z.string().meta({ pattern: '^[0-9]{12}$' }).describe('Twelve-digit AWS account id, quoted so YAML keeps leading zeros.'),
    alias: z.string().optional().describe('Readable account name used in stack names and reports. Default: the account key.'),
    deploymentRoleArn: z
      .string()
      .optional()
      .describe('Role the AWS provider assumes to deploy this account. Default: none, the ambient credentials deploy.'),
    stateBucket: z.string().optional().describe('S3 bucket for Terraform state, with native S3 locking. Default: local state.'),
    stateRegion: z.string().optional().describe('Region of the state bucket. Default: the stack region.'),
    outsideOrganization: z
      .boolean()
      .default(false)
      .describe('The account is not a member of `organizationId`, so organization-wide access does not reach it. Default: a member.'),
  })
  .describe('An AWS account of the landing zone.');

export const KmsKeySchema = z
  .strictObject({
    account: z.string().describe('Key of the account in `accounts` that owns the key.'),
    region: z.string().optional().describe('Default: `defaults.region`.'),
    alias: z.string().optional().describe('Alias without `alias/`. Default: the key name.'),
    description: z.string().optional(),
    administrators: z
      .array(z.string())
      .default([])
      .describe('Role ARNs that may administer, but not use, the key. The account root always may.'),
    deletionWindowDays: z.number().int().min(7).max(30).default(30),
    existingArn: z
      .string()
      .optional()
      .describe("ARN of a key that already exists (`arn:<partition>:kms:<region>:<account>:key/<id>`). It is not created and its key policy is not managed, so its owner must allow the consumers. Default: the key is created."),
  })
  .describe('A customer-managed KMS key, created in its account with rotation on unless `existingArn` names one.');

export const AccessModeSchema = z
  .enum(['roles', 'organization'])
  .describe('`roles`: only the execution roles that use the resource. `organization`: any principal of `organizationId`.');

export const RepositorySchema = z
  .strictObject({
    account: z.string().describe('Key of the account in `accounts` that owns the repository.'),
    region: z.string().optional().describe('Default: `defaults.region`.'),
    kmsKey: z.string().optional().describe('Key name from `kmsKeys`. Default: AES-256 encryption by ECR.'),
    access: AccessModeSchema.default('roles'),
    keepTaggedImages: z.number().int().min(1).max(1000).default(50).describe('Lifecycle rule: tagged images kept.'),
    untaggedExpiryDays: z.number().int().min(1).max(365).default(7).describe('Lifecycle rule: days before untagged images expire.'),
  })
  .describe('An ECR repository, created with immutable tags and scan on push.');

export const SecretSchema = z
  .strictObject({
    account: z.string().describe('Key of the account in `accounts` that owns the secret.'),
    region: z.string().optional().describe('Default: `defaults.region`.'),
    kmsKey: z.string().optional().describe('Key name from `kmsKeys`. Required when another account reads the secret.'),
    existingArn: z
      .string()
      .optional()
      .describe('Complete ARN of a secret that already exists; only its resource policy is managed, and it replaces any policy the secret has. Default: the secret is created, without a value.'),
    access: AccessModeSchema.default('roles'),
    description: z.string().optional(),
  })
  .describe('A Secrets Manager secret. Its value is never placed in Terraform state.');

export const SecretSourceSchema = z.union([
  z.strictObject({
    secret: z.string().describe('Name from `secrets`, or the ARN of a secret outside the landing zone.'),
    jsonKey: z.string().optional(),
    versionStage: z.string().optional(),
    versionId: z.string().optional(),
    kmsKey: z
      .string()
      .optional()
      .describe('Key name from `kmsKeys` that encrypts a secret given by ARN, so the execution role may decrypt it. A secret under `secrets` names its key there.'),
  }),
  z.strictObject({
    parameter: z.string().describe('SSM parameter name, in the account and region of the service, or its ARN.'),
    kmsKey: z.string().optional().describe('Key name from `kmsKeys` when the SecureString uses a customer-managed key.'),
  }),
]);

const environment = z.record(z.string(), z.string()).default({});
const secrets = z.record(z.string(), SecretSourceSchema).default({});

export const ContainerSchema = z
  .strictObject({
    image: z.string().describe('Image URI with a tag or a digest.'),
    port: z.number().int().min(1).max(65535).optional().describe('Port the container listens on inside the task.'),
    command: z.array(z.string()).optional(),
    environment,
    secrets,
    cpu: z.number().int().min(0).optional(),
    memory: z.number().int().min(6).optional(),
    logRetentionDays: z.number().int().optional(),
    readonlyRootFilesystem: z.boolean().default(true),
    writablePaths: z.array(z.string()).default([]).describe('Paths backed by a task volume when the root file system is read-only.'),
    user: z.string().optional().describe('User to run as, such as `1000:1000`. Default: the image default.'),
    healthCheck: z
      .strictObject({
        command: z.array(z.string()).min(1),
        intervalSeconds: z.number().int().min(5).max(300).default(30),
        timeoutSeconds: z.number().int().min(2).max(120).default(5),
        retries: z.number().int().min(1).max(10).default(3),
        startPeriodSeconds: z.number().int().min(0).max(300).default(0),
      })
      .optional(),
    repositoryCredentialsSecret: z
      .string()
      .optional()
      .describe('Secret name or ARN with credentials for a private registry outside ECR; must be in the task account.'),
  })
  .describe('A container of the task.');

export const StatementSchema = z.strictObject({
  sid: z.string().regex(/^[A-Za-z0-9]+$/, 'a Sid has only letters and digits'),
  effect: z.enum(['Allow', 'Deny']).default('Allow'),
  actions: z.array(z.string()).min(1),
  resources: z.array(z.string()).min(1),
  conditions: z.record(z.string(), z.record(z.string(), z.array(z.string()))).optional(),
  allowWildcard: z
    .boolean()
    .default(false)
    .describe('Named opt-in for `*` in actions or resources; without it a wildcard is an error.'),
});

export const RoleOptionsSchema = z.strictObject({
  path: z.string().regex(/^\/([\x21-\x7e]*\/)?$/, 'a role path starts and ends with `/`').default('/'),
  permissionsBoundaryArn: z.string().optional(),
  trustConditions: z
    .boolean()
    .default(true)
    .describe('Add `aws:SourceAccount` and `aws:SourceArn` to the trust policy against the confused-deputy problem. Default: on.'),
  trustedServices: z.array(z.string()).optional().describe('Only `ecs-tasks.amazonaws.com` is accepted; present so a wrong value gets a clear error.'),
});

export const GatewaySchema = z
  .strictObject({
    preset: z.enum(['apipark', 'kong', 'custom']),
    image: z.string().optional().describe('Default: the preset image.'),
    port: z.number().int().min(1).max(65535).optional(),
    environment,
    secrets,
    healthCheckPath: z.string().optional(),
    healthCheckCommand: z
      .array(z.string())
      .min(1)
      .optional()
      .describe("Container health check, such as `[CMD, /healthcheck]`. Default: the preset's, or wget on `healthCheckPath`."),
    user: z.string().optional().describe("Non-root user to run as. Default: the preset's user, or the image's."),
    upstreamContainer: z
      .string()
      .optional()
      .describe('Application container the gateway forwards to. Default: the only application container with a `port`.'),
  })
  .describe('The API gateway container that receives all traffic and forwards it to the application.');

export const EgressRuleSchema = z
  .strictObject({
    description: z.string().min(1),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    port: z.number().int().min(1).max(65535),
    toPort: z.number().int().min(1).max(65535).optional().describe('Last port of a range. Default: `port` alone.'),
    cidr: z.string().optional().describe('IPv4 or IPv6 CIDR the tasks may reach.'),
    prefixListId: z.string().optional().describe('Managed prefix list the tasks may reach, such as `pl-0a1b2c3d`.'),
  })
  .describe('An outbound rule of the task security group, for a database or another service; give `cidr` or `prefixListId`.');

export const NetworkSchema = z
  .strictObject({
    vpcId: z.string().describe('Id of the existing VPC, such as `vpc-0a1b2c3d4e5f60718`.'),
    subnetIds: z.array(z.string()).min(1).describe('Subnets the tasks run in, usually private ones in two or more availability zones.'),
    assignPublicIp: z.boolean().default(false).describe('Give each task a public IP; only for tasks in public subnets without NAT.'),
    egress: z
      .enum(['nat', 'endpoints', 'none'])
      .default('nat')
      .describe('How tasks reach AWS APIs: `nat` through a NAT gateway, `endpoints` through VPC endpoints created here, `none` when the subnets have no route out.'),
    routeTableIds: z
      .array(z.string())
      .default([])
      .describe('Route tables of `subnetIds`; with `egress: endpoints` they get the S3 gateway endpoint that serves ECR image layers.'),
    egressRules: z.array(EgressRuleSchema).default([]),
  })
  .describe('Where the tasks run: an existing VPC and its subnets.');

export const LoadBalancerSchema = z
  .strictObject({
    scheme: z.enum(['internet-facing', 'internal']).default('internal'),
    subnetIds: z.array(z.string()).min(2).describe('Subnets of the load balancer, in at least two availability zones.'),
    certificateArn: z
      .string()
      .optional()
      .describe('ACM certificate for the HTTPS listener. Default: none, and the load balancer serves plain HTTP with a warning.'),
    sslPolicy: z.string().default('ELBSecurityPolicy-TLS13-1-2-2021-06').describe('TLS policy of the HTTPS listener.'),
    allowedCidrs: z.array(z.string()).min(1).describe('IPv4 or IPv6 CIDRs that may connect to the load balancer.'),
    healthCheckPath: z.string().optional().describe("Path the target group checks on the gateway port. Default: the gateway preset's path."),
    idleTimeoutSeconds: z.number().int().min(1).max(4000).default(60),
    deletionProtection: z.boolean().default(false),
  })
  .describe('An Application Load Balancer in front of the gateway container.');

export const AutoscalingSchema = z
  .strictObject({
    minCapacity: z.number().int().min(0).default(2),
    maxCapacity: z.number().int().min(1).default(6),
    cpuTargetPercent: z.number().min(10).max(90).default(60).describe('Average CPU utilization the service is scaled to hold.'),
    requestsPerTarget: z
      .number()
      .int()
      .min(1)
      .default(1000)
      .describe('Load balancer requests per task per minute the service is scaled to hold; used only with `loadBalancer`.'),
    scaleInCooldownSeconds: z.number().int().min(0).default(300),
    scaleOutCooldownSeconds: z.number().int().min(0).default(60),
  })
  .describe('Target-tracking scaling of the desired task count.');

export const ServiceSchema = z
  .strictObject({
    account: z.string(),
    region: z.string().optional(),
    cpu: z.number().int().default(512),
    memory: z.number().int().default(1024),
    containers: z.record(z.string(), ContainerSchema),
    gateway: GatewaySchema.optional(),
    network: NetworkSchema.optional().describe('Default: none, and only the task definition and its roles are written, no ECS service.'),
    loadBalancer: LoadBalancerSchema.optional().describe('Needs `network`. Default: none, and the service gets no load balancer.'),
    desiredCount: z.number().int().min(0).default(2).describe('Tasks started at first deployment; autoscaling adjusts it afterwards.'),
    autoscaling: AutoscalingSchema.prefault({}),
    executionRole: RoleOptionsSchema.extend({
      trustConditions: z
        .boolean()
        .default(false)
        .describe(
          'Add `aws:SourceAccount` and `aws:SourceArn` to the trust policy. Default: off, because the ECS developer guide documents these keys for the task role only, and a condition ECS does not supply would stop every task from starting.',
        ),
      attachManagedPolicy: z
        .boolean()
        .default(false)
        .describe('Attach AmazonECSTaskExecutionRolePolicy as well. Default: off, only derived statements.'),
      statements: z
        .array(StatementSchema)
        .optional()
        .describe('Rejected: application permissions belong on the task role.'),
    }).prefault({}),
    taskRole: RoleOptionsSchema.extend({
      statements: z.array(StatementSchema).default([]),
      ecsExec: z.boolean().default(false).describe('Grant the ECS Exec channels and enable it on the service.'),
    }).prefault({}),
  })
  .describe('An ECS Fargate service.');

export const ManifestSchema = z
  .strictObject({
    $schema: z.string().optional(),
    partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']).default('aws').describe('AWS partition of every account. Default: `aws`.'),
    organizationId: z
      .string()
      .meta({ pattern: '^o-[a-z0-9]{10,32}$' })
      .optional()
      .describe('AWS Organizations id (`o-...`), needed for `access: organization`.'),
    defaults: z
      .strictObject({
        region: z.string().describe('Region of every resource and service that names none, such as `eu-west-1`.'),
        logRetentionDays: z
          .number()
          .int()
          .meta({ enum: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] })
          .default(30)
          .describe('Retention of each container log group, in days; one of the values CloudWatch Logs accepts. Default: 30.'),
      })
      .describe('Values used where a resource or service does not set its own.'),
    accounts: z.record(z.string(), AccountSchema).describe('The accounts of the landing zone, by a short key that other sections refer to.'),
    kmsKeys: z.record(z.string(), KmsKeySchema).default({}).describe('Customer-managed KMS keys, by name.'),
    repositories: z.record(z.string(), RepositorySchema).default({}).describe('ECR repositories, by repository name.'),
    secrets: z.record(z.string(), SecretSchema).default({}).describe('Secrets Manager secrets, by secret name.'),
    services: z.record(name('service'), ServiceSchema).describe('ECS Fargate services, by service name.'),
  })
  .describe('A landing zone: accounts, shared resources and the ECS services that use them.');

export type Manifest = z.output<typeof ManifestSchema>;
export type ServiceSpec = z.output<typeof ServiceSchema>;
export type ContainerSpec = z.output<typeof ContainerSchema>;
export type SecretSource = z.output<typeof SecretSourceSchema>;
export type StatementSpec = z.output<typeof StatementSchema>;
export type GatewaySpec = z.output<typeof GatewaySchema>;
export type NetworkSpec = z.output<typeof NetworkSchema>;
export type LoadBalancerSpec = z.output<typeof LoadBalancerSchema>;
export type AutoscalingSpec = z.output<typeof AutoscalingSchema>;
export type EgressRuleSpec = z.output<typeof EgressRuleSchema>;

/** JSON Schema of the manifest, for editor completion (`yaml-language-server` or VS Code's `json.schemas`). */
export function manifestJsonSchema(): object {
  return z.toJSONSchema(ManifestSchema, {
    io: 'input',
    unrepresentable: 'any',
    // zod writes the safe-integer range on every `int()`, which tells an editor user nothing.
    override: ({ jsonSchema }) => {
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
}
