/**
 * Explains failures outside IAM: a network path with no route to an AWS API (timeouts that ECS
 * reports as ResourceInitializationError or CannotPullContainerError), and ECS Exec that is not
 * enabled or cannot connect. The network check reads what the output creates (VPC endpoints,
 * security group rules, the ECS service's network configuration) and the manifest's `egress`.
 * Route tables, NAT gateways, network ACLs and VPC DNS attributes are not in the output.
 */
import { ECS_EXEC_ACTIONS } from '../core/actions';
import { INTERFACE_ENDPOINT_SERVICES, InterfaceEndpointService, endpointServiceName } from '../core/endpoints';
import { ServiceInfo } from '../manifest/model';
import { ExplainContext, ResourceBlock, StackResources, findRole, repositoryArnOf, sameRole, secretIdentity, secretUsesOf } from './context';
import { Diagnosis } from './diagnosis';
import { evaluateSides } from './evaluate';
import { yamlAt } from './manifest-entry';
import { ParsedMessage } from './message';

/** Endpoint services a task may need: the start-up ones, S3 for image layers, and ssmmessages for ECS Exec. */
export type EndpointName = (typeof INTERFACE_ENDPOINT_SERVICES)[number] | 's3' | 'ssmmessages';

const HOST_PREFIXES: readonly [RegExp, EndpointName][] = [
  [/^api\.ecr\./, 'ecr.api'],
  [/\.dkr\.ecr\.|^dkr\.ecr\./, 'ecr.dkr'],
  [/starport-layer-bucket|(^|\.)s3[.-]/, 's3'],
  [/^secretsmanager\./, 'secretsmanager'],
  [/^ssmmessages\./, 'ssmmessages'],
  [/^ssm\./, 'ssm'],
  [/^kms\./, 'kms'],
  [/^logs\./, 'logs'],
];

/** Returns the endpoints the timed-out call needed, from its host or, when only an IP address is given, from the ECS step. */
export function endpointsOf(parsed: ParsedMessage): EndpointName[] {
  if (parsed.host) {
    const found = HOST_PREFIXES.find(([pattern]) => pattern.test(parsed.host!));
    if (found) return [found[1]];
  }
  switch (parsed.step) {
    case 'ecr-auth':
      return ['ecr.api'];
    case 'image-pull':
      return ['ecr.dkr', 's3'];
    case 'secrets-manager':
      return ['secretsmanager', 'kms'];
    case 'ssm':
      return ['ssm', 'kms'];
    case 'logs':
      return ['logs'];
    case 'ecs-exec':
      return ['ssmmessages'];
    default:
      return [...INTERFACE_ENDPOINT_SERVICES, 's3'];
  }
}

interface ServiceOutput {
  readonly stack: string;
  readonly resources: StackResources;
  readonly block: ResourceBlock;
}

/** Finds the `aws_ecs_service` of a manifest service, with its stack. */
function ecsServiceOf(context: ExplainContext, name: string): ServiceOutput | undefined {
  for (const [stack, resources] of context.stacks) {
    const block = Object.values(resources.aws_ecs_service ?? {}).find((candidate) => candidate.name === name);
    if (block) return { stack, resources, block };
  }
  return undefined;
}

/** Returns the services the message may be about: the ones that use its secret, image or role, else every service. */
export function candidateServices(context: ExplainContext, parsed: ParsedMessage, serviceFilter?: string): ServiceInfo[] {
  let services = [...(context.zone?.services ?? [])];
  if (serviceFilter) return services.filter((service) => service.name === serviceFilter);
  if (parsed.roleArn) {
    const byRole = services.filter((service) => sameRole(service.executionRole.arn, parsed.roleArn!) || sameRole(service.taskRole.arn, parsed.roleArn!));
    if (byRole.length > 0) return byRole;
  }
  if (parsed.secretArn) {
    const identity = secretIdentity(parsed.secretArn);
    if (identity) services = services.filter((service) => secretUsesOf(service, identity.env, identity.candidates).length > 0);
  }
  if (parsed.image) {
    const repository = repositoryArnOf(parsed.image);
    services = services.filter((service) => service.containers.some((container) => container.repository?.arn === repository));
  }
  return services;
}

function coversPort443(rule: ResourceBlock): boolean {
  if (rule.ip_protocol === '-1') return true;
  return typeof rule.from_port === 'number' && typeof rule.to_port === 'number' && rule.from_port <= 443 && rule.to_port >= 443;
}

/** Returns the egress rules of the task security group that allow HTTPS to the given destination. */
function httpsRules(output: ServiceOutput, destination: (rule: ResourceBlock) => boolean): ResourceBlock[] {
  const group = String(output.block.network_configuration?.security_groups?.[0] ?? '');
  return Object.values(output.resources.aws_vpc_security_group_egress_rule ?? {}).filter(
    (rule) => rule.security_group_id === group && coversPort443(rule) && destination(rule),
  );
}

const toInternet = (rule: ResourceBlock) => rule.cidr_ipv4 === '0.0.0.0/0' || rule.cidr_ipv6 === '::/0';

function endpointLabel(stack: string, address: string): string {
  return `${stack}/aws_vpc_endpoint.${address}`;
}

/** Returns the endpoint a direct call of `action` goes through, or undefined for kms:Decrypt that another service makes on the caller's behalf. */
function endpointOfAction(action: string, viaService: boolean): EndpointName | undefined {
  const prefix = action.split(':')[0];
  if (action === 'ecr:GetAuthorizationToken') return 'ecr.api';
  if (prefix === 'ecr') return 'ecr.dkr';
  if (prefix === 'kms') return viaService ? undefined : 'kms';
  return (['secretsmanager', 'ssm', 'logs'] as const).find((name) => name === prefix);
}

/** Finds the policy of the VPC endpoint a service's call passes through, when the service uses `egress: endpoints` and the endpoint has one. */
export function endpointPolicyFor(context: ExplainContext, service: ServiceInfo, action: string, viaService: boolean): { label: string; document: unknown; stack: string } | undefined {
  const name = endpointOfAction(action, viaService);
  const output = ecsServiceOf(context, service.name);
  if (!name || !output || service.network?.egress !== 'endpoints') return undefined;
  const serviceName = endpointServiceName(name as InterfaceEndpointService, service.env.region);
  const found = Object.entries(output.resources.aws_vpc_endpoint ?? {}).find(([, block]) => block.vpc_id === service.network?.vpcId && block.service_name === serviceName);
  if (!found || typeof found[1].policy !== 'string') return undefined;
  try {
    return { label: endpointLabel(output.stack, found[0]), document: JSON.parse(found[1].policy), stack: output.stack };
  } catch {
    return undefined;
  }
}

/** Checks one service's path to each endpoint; returns a blocked diagnosis for the first gap, or the complete path. */
function networkOfService(context: ExplainContext, service: ServiceInfo, endpoints: EndpointName[]): Diagnosis {
  const network = service.network;
  const egressPath = `services.${service.name}.network.egress`;
  const base = { service: service.name, decidingStatements: [] as string[], manifestPath: egressPath, manifestState: 'present' as const };
  const output = ecsServiceOf(context, service.name);
  if (!network || !output) {
    return { ...base, decision: 'not-evaluated', sides: ['unknown'], reason: `Service ${service.name} has no ECS service with a network configuration in the output, so its network path cannot be checked.` };
  }
  const region = service.env.region;
  const subnets = (output.block.network_configuration?.subnets ?? []) as string[];
  const stacks = [output.stack];

  if (network.egress === 'none') {
    return {
      ...base,
      decision: 'blocked',
      sides: ['network'],
      stacks,
      reason: `Service ${service.name} runs in subnets ${subnets.join(', ')} with \`egress: none\`: the manifest says they have no route out, and the output creates no VPC endpoints, so calls to ${endpoints.join(', ')} time out.`,
      change: `Set ${egressPath} to \`endpoints\` (VPC endpoints created here; give \`routeTableIds\` for the S3 gateway endpoint) or \`nat\` (subnets that route to a NAT gateway), then run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`,
      yaml: yamlAt(['services', service.name, 'network', 'egress'], 'endpoints'),
    };
  }

  if (network.egress === 'nat') {
    const rules = httpsRules(output, toInternet);
    if (rules.length === 0) {
      return {
        ...base,
        decision: 'blocked',
        sides: ['network'],
        manifestPath: `services.${service.name}.network`,
        stacks,
        reason: `The task security group of ${service.name} in the output has no egress rule for HTTPS (443) to 0.0.0.0/0, so calls to ${endpoints.join(', ')} through the NAT gateway are dropped.`,
        change: `The output normally writes this rule for \`egress: nat\`; run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`,
      };
    }
    return {
      ...base,
      decision: 'allowed',
      sides: ['none'],
      stacks,
      reason: `The output lets ${service.name} send HTTPS to 0.0.0.0/0 from subnets ${subnets.join(', ')} (\`egress: nat\`). The NAT route itself is not in the output: check that the route tables of these subnets send 0.0.0.0/0 to a NAT gateway that is available.`,
    };
  }

  const vpcEndpoints = Object.entries(output.resources.aws_vpc_endpoint ?? {}).filter(([, block]) => block.vpc_id === network.vpcId);
  const present: string[] = [];
  for (const name of endpoints) {
    // endpointServiceName only formats `com.amazonaws.<region>.<service>`, so it serves ssmmessages too.
    const serviceName = endpointServiceName(name as InterfaceEndpointService, region);
    const found = vpcEndpoints.find(([, block]) => block.service_name === serviceName);
    if (!found) {
      const notCreatedHere = name === 'ssmmessages';
      return {
        ...base,
        decision: 'blocked',
        sides: ['network'],
        stacks,
        reason: notCreatedHere
          ? `Service ${service.name} uses \`egress: endpoints\`, and the output creates endpoints only for task start-up (${INTERFACE_ENDPOINT_SERVICES.join(', ')}, s3), not ${serviceName}, which ECS Exec needs.`
          : `Service ${service.name} uses \`egress: endpoints\`, but the output has no VPC endpoint ${serviceName} in ${network.vpcId}, so calls to it from subnets ${subnets.join(', ')} time out.`,
        change: notCreatedHere
          ? `Create an interface endpoint for ${serviceName} in ${network.vpcId} outside this landing zone, or set ${egressPath} to \`nat\`.`
          : `The output normally creates this endpoint for \`egress: endpoints\`, so it is out of date or was edited: run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`,
      };
    }
    const [address, block] = found;
    const groups = (block.security_group_ids ?? []) as string[];
    const rules =
      name === 's3'
        ? httpsRules(output, (rule) => toInternet(rule) || String(rule.prefix_list_id ?? '').includes(`aws_vpc_endpoint.${address}.`))
        : httpsRules(output, (rule) => toInternet(rule) || groups.includes(String(rule.referenced_security_group_id)));
    if (rules.length === 0) {
      return {
        ...base,
        decision: 'blocked',
        sides: ['network'],
        manifestPath: `services.${service.name}.network`,
        stacks,
        reason: `The task security group of ${service.name} has no egress rule for HTTPS (443) to the endpoint ${endpointLabel(output.stack, address)}.`,
        change: `The output normally writes this rule for \`egress: endpoints\`; run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`,
      };
    }
    present.push(serviceName);
  }
  return {
    ...base,
    decision: 'allowed',
    sides: ['none'],
    stacks,
    reason: `The output gives ${service.name} a path to ${present.join(', ')} through VPC endpoints in ${network.vpcId}, with HTTPS allowed from the task security group in subnets ${subnets.join(', ')}.`,
  };
}

export function diagnoseNetwork(context: ExplainContext, parsed: ParsedMessage, serviceFilter?: string): Diagnosis[] {
  const endpoints = endpointsOf(parsed);
  return candidateServices(context, parsed, serviceFilter).map((service) => networkOfService(context, service, endpoints));
}

/** Explains ECS Exec errors from the service setting, the task role's channels and the path to ssmmessages. */
export async function diagnoseExec(context: ExplainContext, parsed: ParsedMessage, serviceFilter?: string): Promise<Diagnosis[]> {
  const diagnoses: Diagnosis[] = [];
  for (const service of candidateServices(context, parsed, serviceFilter)) {
    const output = ecsServiceOf(context, service.name);
    if (!output) continue;
    const path = `services.${service.name}.taskRole.ecsExec`;
    const stacks = [output.stack];
    if (output.block.enable_execute_command !== true) {
      diagnoses.push({
        service: service.name,
        decision: 'blocked',
        sides: ['ecs-exec-setting'],
        decidingStatements: [],
        reason: `The ECS service ${service.name} in ${output.stack} has \`enable_execute_command\` off, so its tasks start without the ECS Exec agent.`,
        manifestPath: path,
        manifestState: service.taskRole.ecsExec ? 'present' : 'missing',
        stacks,
        change: service.taskRole.ecsExec
          ? `The manifest already sets ${path}; run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}, then start new tasks.`
          : `Set ${path} to true (it also grants the task role the ssmmessages channels), run \`npm run synth\`, \`npm run plan\`, apply ${stacks.join(', ')}, then start new tasks: running tasks keep the setting they started with.`,
        yaml: service.taskRole.ecsExec ? undefined : yamlAt(['services', service.name, 'taskRole', 'ecsExec'], true),
      });
      continue;
    }
    if (parsed.kind === 'ecs-exec-not-connected') {
      const taskRole = findRole(context, service.taskRole.arn);
      if (taskRole) {
        for (const action of ECS_EXEC_ACTIONS) {
          const evaluation = await evaluateSides({
            expected: 'allow',
            purpose: `${service.name} opens an ECS Exec channel`,
            principal: taskRole.arn,
            identityPolicies: taskRole.policies.filter((policy) => policy.document).map((policy) => ({ label: policy.label, document: policy.document })),
            action,
            resource: '*',
            resourceAccount: taskRole.account,
            resourceOutside: false,
            context: { 'aws:PrincipalArn': taskRole.arn, 'aws:PrincipalAccount': taskRole.account },
            guards: [],
          });
          if (!evaluation.allowed) {
            diagnoses.push({
              service: service.name,
              role: { arn: taskRole.arn, kind: 'taskRole' },
              action,
              resource: '*',
              decision: 'denied',
              sides: evaluation.sides,
              decidingStatements: evaluation.decidingStatements,
              reason: `No statement in the task role policy of ${taskRole.name} allows ${action}, which the ECS Exec agent calls with the task role.`,
              manifestPath: path,
              manifestState: 'present',
              stacks,
              change: `The manifest sets ${path}, which grants these actions; run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`,
            });
            break;
          }
        }
      }
      if (service.network?.egress === 'endpoints') diagnoses.push(networkOfService(context, service, ['ssmmessages']));
    }
    if (!diagnoses.some((diagnosis) => diagnosis.service === service.name)) {
      diagnoses.push({
        service: service.name,
        decision: 'allowed',
        sides: ['none'],
        decidingStatements: [],
        reason: `The output enables ECS Exec on ${service.name} and grants its task role the ssmmessages channels.`,
        manifestPath: path,
        manifestState: 'present',
        stacks,
      });
    }
  }
  return diagnoses;
}
