import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { IngressInfo, LoadBalancerInfo, ServiceInfo } from '../manifest/model';

const HTTPS_PORT = 443;
const HTTP_PORT = 80;

/**
 * Fits a name into an AWS limit such as the 32 characters of load balancer and target group
 * names. A name that is too long is cut and ends in a short hash of the whole, so two long
 * service names that share a prefix still differ.
 */
export function limitedName(base: string, suffix: string, maxLength = 32): string {
  const whole = `${base}-${suffix}`;
  if (whole.length <= maxLength) return whole;
  const hash = createHash('sha256').update(whole).digest('hex').slice(0, 6);
  const room = maxLength - suffix.length - hash.length - 2;
  return `${base.slice(0, room).replace(/-+$/, '')}-${hash}-${suffix}`;
}

/** Returns the security group rule attribute for a CIDR: `cidrIpv6` for IPv6, `cidrIpv4` otherwise. */
export function cidrAttributes(cidr: string): { cidrIpv4?: string; cidrIpv6?: string } {
  return cidr.includes(':') ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
}

export interface ServiceLoadBalancerProps {
  readonly service: ServiceInfo & { readonly loadBalancer: LoadBalancerInfo; readonly network: NonNullable<ServiceInfo['network']> };
  readonly ingress: IngressInfo;
  /** Security group of the tasks, the only destination of the load balancer, on the ingress port. */
  readonly taskSecurityGroupId: string;
}

/**
 * An Application Load Balancer in front of one service's ingress container. With a certificate
 * it serves HTTPS on 443 and redirects HTTP on 80 to it. Without one it serves HTTP on 80 only.
 * Its security group accepts those ports from the manifest's CIDRs and sends only to the tasks.
 */
export class ServiceLoadBalancer extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  readonly listeners: LbListener[] = [];

  constructor(scope: Construct, id: string, props: ServiceLoadBalancerProps) {
    super(scope, id);
    const { service, ingress, taskSecurityGroupId } = props;
    const settings = service.loadBalancer;
    const tags = { 'ecs-access:service': service.name };

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name: `${service.name}-load-balancer`,
      description: `Load balancer of ECS service ${service.name}`,
      vpcId: service.network.vpcId,
      // The two groups refer to each other, so their rules must go before either group can.
      revokeRulesOnDelete: true,
      tags,
    });
    const listenerPorts = settings.certificateArn === undefined ? [HTTP_PORT] : [HTTPS_PORT, HTTP_PORT];
    for (const port of listenerPorts) {
      settings.allowedCidrs.forEach((cidr, index) => {
        new VpcSecurityGroupIngressRule(this, `ingress-${port}-${index}`, {
          securityGroupId: this.securityGroup.id,
          description: `${port === HTTPS_PORT ? 'HTTPS' : 'HTTP'} from ${cidr}`,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          ...cidrAttributes(cidr),
          tags,
        });
      });
    }
    new VpcSecurityGroupEgressRule(this, 'egress-to-tasks', {
      securityGroupId: this.securityGroup.id,
      description: `To the ${ingress.container} container of ${service.name}`,
      ipProtocol: 'tcp',
      fromPort: ingress.port,
      toPort: ingress.port,
      referencedSecurityGroupId: taskSecurityGroupId,
      tags,
    });

    this.loadBalancer = new Lb(this, 'load-balancer', {
      name: limitedName(service.name, 'alb'),
      loadBalancerType: 'application',
      internal: settings.scheme === 'internal',
      subnets: [...settings.subnetIds],
      securityGroups: [this.securityGroup.id],
      idleTimeout: settings.idleTimeoutSeconds,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: settings.deletionProtection,
      tags,
    });

    // The port is in the name, so a new port creates a new group before the old one goes.
    this.targetGroup = new LbTargetGroup(this, 'target-group', {
      name: limitedName(service.name, String(ingress.port)),
      targetType: 'ip',
      protocol: 'HTTP',
      port: ingress.port,
      vpcId: service.network.vpcId,
      deregistrationDelay: '30',
      healthCheck: {
        enabled: true,
        protocol: 'HTTP',
        port: 'traffic-port',
        path: settings.healthCheckPath,
        matcher: '200-399',
        interval: 30,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      lifecycle: { createBeforeDestroy: true },
      tags,
    });

    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    if (settings.certificateArn !== undefined) {
      this.listeners.push(
        new LbListener(this, 'https-listener', {
          loadBalancerArn: this.loadBalancer.arn,
          port: HTTPS_PORT,
          protocol: 'HTTPS',
          sslPolicy: settings.sslPolicy,
          certificateArn: settings.certificateArn,
          defaultAction: forward,
          tags,
        }),
        new LbListener(this, 'http-redirect-listener', {
          loadBalancerArn: this.loadBalancer.arn,
          port: HTTP_PORT,
          protocol: 'HTTP',
          defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: String(HTTPS_PORT), statusCode: 'HTTP_301' } }],
          tags,
        }),
      );
    } else {
      this.listeners.push(new LbListener(this, 'http-listener', { loadBalancerArn: this.loadBalancer.arn, port: HTTP_PORT, protocol: 'HTTP', defaultAction: forward, tags }));
    }
  }

  /** Everything a service must wait for before it registers tasks: the listeners, which attach the target group to the load balancer. */
  get dependables(): ITerraformDependable[] {
    return [...this.listeners];
  }
}
