/**
 * Other causes of a message whose request the synthesized output allows. The evaluation cannot
 * see any of them. Causes the message itself points at come first, general ones after.
 */
import { ServiceInfo } from '../manifest/model';
import { ExplainContext, findSecret, manifestService } from './context';
import { Diagnosis } from './diagnosis';
import { ParsedMessage, PolicyType } from './message';

/** Kinds that ECS reports as ResourceInitializationError or CannotPullContainerError, which a timeout produces as well. */
const START_UP_KINDS = new Set(['image-pull', 'registry-auth', 'secret-fetch', 'parameter-fetch', 'kms-decrypt', 'log-delivery']);

/** Policy types the synthesized output never contains. */
const OUTSIDE_OUTPUT = new Set<PolicyType>(['service control policy', 'resource control policy', 'permissions boundary', 'session policy']);

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** Causes the message points at: an unknown role, a missing resource, the policy type AWS names, and kind-specific ones. */
function specificCauses(context: ExplainContext, parsed: ParsedMessage, diagnoses: readonly Diagnosis[], services: readonly ServiceInfo[], stacks: readonly string[]): string[] {
  const causes: string[] = [];
  if (parsed.roleArn && context.zone && !manifestService(context, parsed.roleArn)) {
    causes.push(
      `The role ${parsed.roleArn} is not a role of any service in the manifest, so the task runs with a role this landing zone does not manage: the deployed task definition names another execution role or task role than the synthesized one.`,
    );
  }
  if (parsed.notFound) {
    causes.push(
      parsed.kind === 'image-pull'
        ? 'AWS reports the image as not found, not as denied: push the tag the task definition names, or correct the image in the manifest.'
        : `AWS reports the resource as not found, not as denied: it does not exist in that account and region yet (apply ${stacks.join(', ') || 'the stack that creates it'}), its name or region in the task definition differs from where it was created, or it is scheduled for deletion.`,
    );
  }

  const hint = parsed.hint;
  if (hint && OUTSIDE_OUTPUT.has(hint.policyType)) {
    causes.push(`AWS says the ${hint.policyType} decided (${hint.explicitDeny ? 'an explicit deny' : 'no statement allows'}). The synthesized output contains no ${hint.policyType}, so look there first.`);
  } else if (hint) {
    const decided = diagnoses.flatMap((diagnosis) => diagnosis.decidingStatements);
    const named = hint.explicitDeny ? `an explicit deny in ${article(hint.policyType)} ${hint.policyType}` : `no ${hint.policyType}`;
    causes.push(`AWS says ${named} decided, while the synthesized output allows it${decided.length > 0 ? ` (${decided.join(', ')})` : ''}: the deployed policy is not the synthesized one.`);
  }

  if (parsed.kind === 'role-assumption') {
    causes.push('The principal that registered or started the task lacks `iam:PassRole` on the role, which the same message reports.');
    causes.push("The task ran in another region or account than the trust policy's `aws:SourceArn` and `aws:SourceAccount` allow, or the role does not exist there yet.");
  }
  if (parsed.kind === 'ecs-exec-disabled' || parsed.kind === 'ecs-exec-not-connected') {
    causes.push('The task started before ECS Exec was enabled on the service, and a running task keeps the setting it started with: start new tasks, for example with `aws ecs update-service --force-new-deployment`.');
  }
  if (parsed.kind === 'ecs-exec-not-connected') {
    const readOnly = services.flatMap((service) =>
      service.containers.filter((container) => container.spec.readonlyRootFilesystem !== false).map((container) => `${container.path}.readonlyRootFilesystem`),
    );
    const where = readOnly.length > 0 ? ` (${readOnly.join(', ')})` : '';
    causes.push(`The ECS Exec agent could not start in the container: it writes to the container's file system, and amazon-ecs-exec-checker reports \`readonlyRootFilesystem: true\` as a blocker${where}.`);
  }
  if (parsed.kind === 'log-delivery') {
    causes.push('The log group does not exist in the deployed account (ResourceNotFoundException): apply the service stack, which creates it.');
  }
  return causes;
}

/** Causes behind any denial the output does not show: deployed state, organization policies, timeouts, a different key. */
function generalCauses(context: ExplainContext, parsed: ParsedMessage, services: readonly ServiceInfo[], stacks: readonly string[]): string[] {
  const causes: string[] = [
    `The deployed state differs from the synthesized output: run \`npm run plan\`${stacks.length > 0 ? ` for ${stacks.join(', ')}` : ''} and apply any change it shows. A policy edited in the console or a role deleted and recreated (which changes its unique id in resource policies) shows up here.`,
  ];

  if (!parsed.hint || !OUTSIDE_OUTPUT.has(parsed.hint.policyType)) {
    const boundaries = services.flatMap((service) =>
      [service.executionRole, service.taskRole].filter((role) => role.permissionsBoundaryArn).map((role) => `${role.name}: ${role.permissionsBoundaryArn}`),
    );
    const set = boundaries.length > 0 ? ` (the manifest sets ${boundaries.join('; ')})` : '';
    causes.push(`A service control policy or resource control policy of the organization, or a permissions boundary on the role${set}, denies it. Neither is part of the evaluation.`);
  }

  if (START_UP_KINDS.has(parsed.kind)) {
    const egress = services.map((service) => `${service.name}: egress ${service.network?.egress ?? 'not set'}`);
    causes.push(
      `A network timeout: ECS reports a call that never reached the API with the same ResourceInitializationError or CannotPullContainerError prefix. Look for "i/o timeout" or "context deadline exceeded" in the full reason and run explain on that text${egress.length > 0 ? ` (${egress.join('; ')})` : ''}.`,
    );
  }

  if (parsed.kind === 'secret-fetch' || parsed.kind === 'kms-decrypt') {
    const named = parsed.secretArn ?? parsed.resource;
    const secret = named ? findSecret(context, named) : undefined;
    const declared = secret ? context.zone?.secrets.get(secret.name) : undefined;
    const key = declared?.kmsKey ? `${declared.kmsKey.alias} (secrets.${declared.name}.kmsKey)` : 'the key the manifest names';
    causes.push(
      `The secret is encrypted with a different key than ${key}: compare \`aws secretsmanager describe-secret --secret-id <secret ARN> --query KmsKeyId\` with that key, and re-encrypt the secret or change the manifest.`,
    );
  }
  return causes;
}

/** Causes of a timeout whose network path the output completes: what the output does not contain or was not applied. */
function networkCauses(parsed: ParsedMessage, services: readonly ServiceInfo[], stacks: readonly string[]): string[] {
  const causes: string[] = [
    `The deployed network differs from the synthesized output: run \`npm run plan\`${stacks.length > 0 ? ` for ${stacks.join(', ')}` : ''} and apply any change it shows, such as a missing endpoint or security group rule.`,
  ];
  const endpoints = services.filter((service) => service.network?.egress === 'endpoints');
  const nat = services.filter((service) => service.network?.egress === 'nat');
  if (endpoints.length > 0) {
    causes.push(
      `An interface endpoint's private DNS name does not resolve in the VPC (${endpoints.map((service) => service.network?.vpcId).join(', ')}), so calls go to the public endpoint with no route out: the VPC needs \`enableDnsSupport\` and \`enableDnsHostnames\`.`,
    );
  }
  if (nat.length > 0) {
    causes.push(`The route tables of the subnets of ${nat.map((service) => service.name).join(', ')} do not send 0.0.0.0/0 to an available NAT gateway, or the NAT gateway's subnet has no route to an internet gateway.`);
  }
  causes.push('A network ACL of the task subnets blocks port 443 outbound or the ephemeral ports (1024-65535) of the replies.');
  if (parsed.host && services.some((service) => !parsed.host!.includes(`.${service.env.region}.`))) {
    causes.push(`The call went to ${parsed.host}, a region other than the service's, which its endpoints do not serve.`);
  }
  return causes;
}

/** Lists what else produces the message, for explanations whose requests the output allows. */
export function otherCauses(context: ExplainContext, parsed: ParsedMessage, diagnoses: readonly Diagnosis[]): string[] {
  const stacks = [...new Set(diagnoses.flatMap((diagnosis) => diagnosis.stacks ?? []))];
  const names = new Set(diagnoses.map((diagnosis) => diagnosis.service));
  const services = (context.zone?.services ?? []).filter((service) => names.has(service.name));
  if (parsed.kind === 'network-timeout') return networkCauses(parsed, services, stacks);
  return [...specificCauses(context, parsed, diagnoses, services, stacks), ...generalCauses(context, parsed, services, stacks)];
}
