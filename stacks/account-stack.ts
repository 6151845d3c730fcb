import { Construct } from 'constructs';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsTask } from '../modules/constructs/ecs-task';
import { VpcEndpoints } from '../modules/constructs/network';
import { FargateService } from '../modules/constructs/service';
import { vpcGroups } from '../modules/core/endpoints';
import { SharedKey, SharedRepository, SharedSecret } from '../modules/constructs/shared-resources';
import { LandingZone, StackScope } from '../modules/manifest/model';

export interface AccountStackProps {
  readonly zone: LandingZone;
  readonly scope: StackScope;
}

/**
 * Everything one account has in one region: its shared keys, repositories and secrets with
 * their resource policies, and its ECS services. Each stack has its own provider and backend,
 * so no stack reads another's state.
 */
export class AccountStack extends TerraformStack {
  readonly tasks: EcsTask[] = [];
  readonly services: FargateService[] = [];

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    super(scope, id);
    const { zone, scope: stack } = props;
    const account = stack.account;

    new AwsProvider(this, 'aws', {
      region: stack.env.region,
      allowedAccountIds: [account.id],
      assumeRole: account.deploymentRoleArn ? [{ roleArn: account.deploymentRoleArn, sessionName: 'ecs-access-deploy' }] : undefined,
      defaultTags: [{ tags: { 'managed-by': 'ecs-access', 'ecs-access:stack': id } }],
    });

    if (account.stateBucket) {
      new S3Backend(this, {
        bucket: account.stateBucket,
        key: `ecs-access/${id}/terraform.tfstate`,
        region: account.stateRegion ?? stack.env.region,
        encrypt: true,
      });
      // Native S3 locking (Terraform 1.10 and later); cdktf 0.21's S3 backend type predates the option.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    const keys = new Map(stack.keys.map((key) => [key.name, new SharedKey(this, `kms-key-${key.name}`, { zone, key })]));
    for (const repository of stack.repositories) {
      new SharedRepository(this, `ecr-repository-${repository.name}`, { zone, repository, key: repository.kmsKey && keys.get(repository.kmsKey.name) });
    }
    for (const secret of stack.secrets) {
      new SharedSecret(this, `secret-${secret.name}`, { zone, secret, key: secret.kmsKey && keys.get(secret.kmsKey.name) });
    }

    if (stack.services.length > 0) {
      const cluster = new EcsCluster(this, 'cluster', {
        name: `${account.alias}-${stack.env.region}`,
        setting: [{ name: 'containerInsights', value: 'enabled' }],
      });
      for (const service of stack.services) {
        const task = new EcsTask(this, `service-${service.name}`, { service });
        this.tasks.push(task);
        // Only a service with a network can run. Without one, only its task definition is written.
        if (service.network) this.services.push(new FargateService(task, 'fargate', { service: { ...service, network: service.network }, task, cluster }));
      }
      this.addVpcEndpoints(stack);
    }
  }

  /** Creates the VPC endpoints each VPC with an `egress: endpoints` service needs, and makes its services wait for them. */
  private addVpcEndpoints(stack: StackScope): void {
    const byName = new Map(this.services.map((fargate) => [fargate.serviceName, fargate]));
    for (const group of vpcGroups(stack.services)) {
      if (!group.needsEndpoints) continue;
      const taskSecurityGroupIds = new Map([...byName].map(([name, fargate]) => [name, fargate.securityGroup.id]));
      const endpoints = new VpcEndpoints(this, `vpc-endpoints-${group.vpcId}`, { env: stack.env, group, taskSecurityGroupIds });
      for (const service of group.services) byName.get(service.name)?.addDependencies(endpoints.dependables);
    }
  }
}
