import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ENDPOINT_POLICY_MAX_SIZE, INTERFACE_ENDPOINT_SERVICES, VpcGroup, endpointServiceName, interfaceEndpointPolicy, s3EndpointPolicy } from '../core/endpoints';
import { ManifestError } from '../core/errors';
import { PolicyDocument } from '../core/policy';
import { ResourceEnv } from '../core/arn';

const HTTPS_PORT = 443;

export interface VpcEndpointsProps {
  readonly env: ResourceEnv;
  readonly group: VpcGroup;
  /** Security group of each service's tasks in the VPC, by service name. */
  readonly taskSecurityGroupIds: ReadonlyMap<string, string>;
}

/**
 * The VPC endpoints that let tasks without a NAT route start: interface endpoints for ECR, Logs,
 * Secrets Manager, SSM and KMS with private DNS, and the S3 gateway endpoint for image layers.
 * Each endpoint's policy allows the roles of the VPC's services exactly what they call there.
 */
export class VpcEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly endpoints: VpcEndpoint[] = [];

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const { env, group, taskSecurityGroupIds } = props;
    const tags = { 'ecs-access:vpc': group.vpcId };

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `ecs-access-endpoints-${group.vpcId}`,
      description: `Interface endpoints for the ECS tasks of ${group.vpcId}`,
      vpcId: group.vpcId,
      revokeRulesOnDelete: true,
      tags,
    });

    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      const policy = interfaceEndpointPolicy(service, group.services);
      if (!policy) continue;
      this.checkSize(policy, service, group);
      this.endpoints.push(
        new VpcEndpoint(this, `endpoint-${service.replace('.', '-')}`, {
          vpcId: group.vpcId,
          serviceName: endpointServiceName(service, env.region),
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: [...group.subnetIds],
          securityGroupIds: [this.securityGroup.id],
          policy: policy.toJson(),
          tags: { ...tags, Name: `${group.vpcId}-${service}` },
        }),
      );
    }

    const s3Policy = s3EndpointPolicy(env, group.services);
    this.checkSize(s3Policy, 's3', group);
    const s3 = new VpcEndpoint(this, 'endpoint-s3', {
      vpcId: group.vpcId,
      serviceName: endpointServiceName('s3', env.region),
      vpcEndpointType: 'Gateway',
      routeTableIds: [...group.routeTableIds],
      policy: s3Policy.toJson(),
      tags: { ...tags, Name: `${group.vpcId}-s3` },
    });
    this.endpoints.push(s3);

    for (const service of group.services) {
      const taskGroupId = taskSecurityGroupIds.get(service.name);
      if (taskGroupId === undefined) continue;
      const serviceTags = { ...tags, 'ecs-access:service': service.name };
      new VpcSecurityGroupIngressRule(this, `ingress-${service.name}`, {
        securityGroupId: this.securityGroup.id,
        description: `HTTPS from the tasks of ${service.name}`,
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        referencedSecurityGroupId: taskGroupId,
        tags: serviceTags,
      });
      if (service.network?.egress !== 'endpoints') continue;
      new VpcSecurityGroupEgressRule(this, `egress-${service.name}-interface`, {
        securityGroupId: taskGroupId,
        description: 'HTTPS to the interface endpoints',
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        referencedSecurityGroupId: this.securityGroup.id,
        tags: serviceTags,
      });
      new VpcSecurityGroupEgressRule(this, `egress-${service.name}-s3`, {
        securityGroupId: taskGroupId,
        description: 'HTTPS to S3 through the gateway endpoint, for image layers',
        ipProtocol: 'tcp',
        fromPort: HTTPS_PORT,
        toPort: HTTPS_PORT,
        prefixListId: s3.prefixListId,
        tags: serviceTags,
      });
    }
  }

  /** The endpoints a service in this VPC must wait for before its tasks start. */
  get dependables(): ITerraformDependable[] {
    return [...this.endpoints];
  }

  private checkSize(policy: PolicyDocument, service: string, group: VpcGroup): void {
    if (policy.size <= ENDPOINT_POLICY_MAX_SIZE) return;
    throw new ManifestError([
      {
        id: 'endpoint-policy-too-large',
        path: `services.${group.services[0].name}.network`,
        rule: `a VPC endpoint policy has at most ${ENDPOINT_POLICY_MAX_SIZE} characters, and the ${service} endpoint of ${group.vpcId} needs more for services ${group.services.map((s) => s.name).join(', ')}`,
        received: policy.size,
        fix: 'move some of these services to another VPC, or reduce the secrets and statements they use',
      },
    ]);
  }
}
