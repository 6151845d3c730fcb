import { Construct } from 'constructs';
import { ITerraformDependable, dependable } from 'cdktf';
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ServiceInfo } from '../manifest/model';
import { EcsTask } from './ecs-task';
import { ServiceLoadBalancer, cidrAttributes } from './load-balancer';

const HTTPS_PORT = 443;

/** Seconds the load balancer's failed health checks are ignored after a task starts, since the gateway waits for the application to become healthy. */
const HEALTH_CHECK_GRACE_PERIOD_SECONDS = 120;

export interface FargateServiceProps {
  readonly service: ServiceInfo & { readonly network: NonNullable<ServiceInfo['network']> };
  readonly task: EcsTask;
  readonly cluster: EcsCluster;
}

/**
 * An ECS Fargate service for a task: its security group, the load balancer when the manifest
 * sets `loadBalancer`, rolling deployments with circuit-breaker rollback, and target-tracking
 * autoscaling. The service depends on every policy of both roles and on the listeners, so no
 * task starts before its permissions and its route exist.
 */
export class FargateService extends Construct {
  readonly serviceName: string;
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer?: ServiceLoadBalancer;
  readonly ecsService: EcsService;
  readonly scalableTarget: AppautoscalingTarget;
  readonly scalingPolicies: AppautoscalingPolicy[] = [];

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { service, task, cluster } = props;
    this.serviceName = service.name;
    const network = service.network;
    const tags = { 'ecs-access:service': service.name };

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${service.name}-tasks`,
      description: `Tasks of ECS service ${service.name}`,
      vpcId: network.vpcId,
      revokeRulesOnDelete: true,
      tags,
    });

    const ingress = service.ingress;
    if (service.loadBalancer && ingress) {
      this.loadBalancer = new ServiceLoadBalancer(this, 'load-balancer', {
        service: { ...service, loadBalancer: service.loadBalancer, network },
        ingress,
        taskSecurityGroupId: this.securityGroup.id,
      });
      new VpcSecurityGroupIngressRule(this, 'ingress-from-load-balancer', {
        securityGroupId: this.securityGroup.id,
        description: `To the ${ingress.container} container from the load balancer`,
        ipProtocol: 'tcp',
        fromPort: ingress.port,
        toPort: ingress.port,
        referencedSecurityGroupId: this.loadBalancer.securityGroup.id,
        tags,
      });
    }
    this.addEgressRules(service, tags);

    this.ecsService = new EcsService(this, 'service', {
      name: service.name,
      cluster: cluster.arn,
      taskDefinition: task.taskDefinition.arn,
      desiredCount: service.desiredCount,
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: {
        subnets: [...network.subnetIds],
        securityGroups: [this.securityGroup.id],
        assignPublicIp: network.assignPublicIp,
      },
      loadBalancer: this.loadBalancer && ingress ? [{ targetGroupArn: this.loadBalancer.targetGroup.arn, containerName: ingress.container, containerPort: ingress.port }] : undefined,
      healthCheckGracePeriodSeconds: this.loadBalancer ? HEALTH_CHECK_GRACE_PERIOD_SECONDS : undefined,
      deploymentController: { type: 'ECS' },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: service.taskRole.ecsExec,
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      // Autoscaling owns the count after the first deployment, so a plan must not reset it.
      lifecycle: { ignoreChanges: ['desired_count'] },
      dependsOn: [...task.executionRole.policies, ...task.taskRole.policies, ...(this.loadBalancer?.dependables ?? [])],
      tags,
    });

    this.scalableTarget = new AppautoscalingTarget(this, 'scalable-target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${cluster.name}/${this.ecsService.name}`,
      minCapacity: service.autoscaling.minCapacity,
      maxCapacity: service.autoscaling.maxCapacity,
      tags,
    });
    this.addScalingPolicy('cpu', service, {
      targetValue: service.autoscaling.cpuTargetPercent,
      predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    });
    if (this.loadBalancer) {
      this.addScalingPolicy('requests', service, {
        targetValue: service.autoscaling.requestsPerTarget,
        predefinedMetricSpecification: {
          predefinedMetricType: 'ALBRequestCountPerTarget',
          resourceLabel: `${this.loadBalancer.loadBalancer.arnSuffix}/${this.loadBalancer.targetGroup.arnSuffix}`,
        },
      });
    }
  }

  /** Adds resources the service must wait for, such as the VPC endpoints its tasks start through. */
  addDependencies(dependables: readonly ITerraformDependable[]): void {
    this.ecsService.dependsOn = [...(this.ecsService.dependsOn ?? []), ...dependables.map((resource) => dependable(resource))];
  }

  private addScalingPolicy(
    name: string,
    service: ServiceInfo,
    metric: { targetValue: number; predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel?: string } },
  ): void {
    this.scalingPolicies.push(
      new AppautoscalingPolicy(this, `scaling-policy-${name}`, {
        name: `${service.name}-${name}`,
        policyType: 'TargetTrackingScaling',
        serviceNamespace: this.scalableTarget.serviceNamespace,
        scalableDimension: this.scalableTarget.scalableDimension,
        resourceId: this.scalableTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          ...metric,
          scaleInCooldown: service.autoscaling.scaleInCooldownSeconds,
          scaleOutCooldown: service.autoscaling.scaleOutCooldownSeconds,
        },
      }),
    );
  }

  /**
   * Adds the outbound rules of the tasks: HTTPS to anywhere for AWS APIs and registries, then the
   * manifest's rules. With `egress: endpoints` the VPC endpoints add narrower HTTPS rules instead.
   * With `egress: none` the HTTPS rule serves a path made outside this manifest, such as shared
   * endpoints behind a transit gateway.
   */
  private addEgressRules(service: FargateServiceProps['service'], tags: Record<string, string>): void {
    const network = service.network;
    if (network.egress !== 'endpoints') {
      new VpcSecurityGroupEgressRule(this, 'egress-https', {
        securityGroupId: this.securityGroup.id,
        description: 'HTTPS to AWS APIs and registries',
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        cidrIpv4: '0.0.0.0/0',
        tags,
      });
    }
    network.egressRules.forEach((rule, index) => {
      new VpcSecurityGroupEgressRule(this, `egress-${index}`, {
        securityGroupId: this.securityGroup.id,
        description: rule.description,
        ipProtocol: rule.protocol,
        fromPort: rule.port,
        toPort: rule.toPort ?? rule.port,
        ...(rule.cidr !== undefined ? cidrAttributes(rule.cidr) : { prefixListId: rule.prefixListId }),
        tags,
      });
    });
  }
}
