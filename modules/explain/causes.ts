/**
 * Other causes of a message whose request the synthesized output allows, most specific first.
 * The evaluation cannot see any of them.
 */
import { ExplainContext, findSecret, manifestService } from './context';
import { Diagnosis } from './diagnosis';
import { ParsedMessage } from './message';

/** Kinds that ECS reports as ResourceInitializationError or CannotPullContainerError, which a timeout produces as well. */
const START_UP_KINDS = new Set(['image-pull', 'registry-auth', 'secret-fetch', 'parameter-fetch', 'kms-decrypt', 'log-delivery']);

const OUTSIDE_OUTPUT = new Set(['service control policy', 'resource control policy', 'permissions boundary', 'session policy', 'VPC endpoint policy']);

export function otherCauses(context: ExplainContext, parsed: ParsedMessage, diagnoses: readonly Diagnosis[]): string[] {
  const causes: string[] = [];
  const stacks = [...new Set(diagnoses.flatMap((diagnosis) => diagnosis.stacks ?? []))];
  const services = [...new Set(diagnoses.map((diagnosis) => diagnosis.service).filter((name): name is string => name !== undefined))];

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
  if (parsed.hint && OUTSIDE_OUTPUT.has(parsed.hint.policyType)) {
    causes.push(
      `AWS says the ${parsed.hint.policyType} decided (${parsed.hint.explicitDeny ? 'an explicit deny' : 'no statement allows'}). The synthesized output contains no ${parsed.hint.policyType}, so look there first.`,
    );
  }
  if (parsed.hint && !OUTSIDE_OUTPUT.has(parsed.hint.policyType)) {
    const decided = diagnoses.flatMap((diagnosis) => diagnosis.decidingStatements);
    causes.push(
      `AWS says ${parsed.hint.explicitDeny ? `an explicit deny in an ${parsed.hint.policyType}` : `no ${parsed.hint.policyType}`} decided, while the synthesized output allows it${decided.length > 0 ? ` (${decided.join(', ')})` : ''}: the deployed policy is not the synthesized one.`,
    );
  }
  causes.push(
    `The deployed state differs from the synthesized output: run \`npm run plan\`${stacks.length > 0 ? ` for ${stacks.join(', ')}` : ''} and apply any change it shows. A policy edited in the console or a role deleted and recreated (which changes its unique id in resource policies) shows up here.`,
  );

  const boundaries = (context.zone?.services ?? [])
    .filter((service) => services.includes(service.name))
    .flatMap((service) => [service.executionRole, service.taskRole].filter((role) => role.permissionsBoundaryArn).map((role) => `${role.name}: ${role.permissionsBoundaryArn}`));
  if (!parsed.hint || !OUTSIDE_OUTPUT.has(parsed.hint.policyType)) {
    const set = boundaries.length > 0 ? ` (the manifest sets ${boundaries.join('; ')})` : '';
    causes.push(`A service control policy or resource control policy of the organization, or a permissions boundary on the role${set}, denies it. Neither is part of the evaluation.`);
  }

  if (START_UP_KINDS.has(parsed.kind)) {
    const egress = (context.zone?.services ?? []).filter((service) => services.includes(service.name)).map((service) => `${service.name}: egress ${service.network?.egress ?? 'not set'}`);
    causes.push(
      `A network timeout: ECS reports a call that never reached the API with the same ResourceInitializationError or CannotPullContainerError prefix. Look for "i/o timeout" or "context deadline exceeded" in the full reason and run explain on that text${egress.length > 0 ? ` (${egress.join('; ')})` : ''}.`,
    );
  }

  if (parsed.kind === 'secret-fetch' || parsed.kind === 'kms-decrypt') {
    const secret = parsed.secretArn ? findSecret(context, parsed.secretArn) : parsed.resource ? findSecret(context, parsed.resource) : undefined;
    const declared = secret ? context.zone?.secrets.get(secret.name) : undefined;
    const key = declared?.kmsKey ? `${declared.kmsKey.alias} (secrets.${declared.name}.kmsKey)` : 'the key the manifest names';
    causes.push(
      `The secret is encrypted with a different key than ${key}: compare \`aws secretsmanager describe-secret --secret-id <secret ARN> --query KmsKeyId\` with that key, and re-encrypt the secret or change the manifest.`,
    );
  }
  if (parsed.kind === 'role-assumption') {
    causes.push('The principal that registered or started the task lacks `iam:PassRole` on the role, which the same message reports.');
    causes.push("The task ran in another region or account than the trust policy's `aws:SourceArn` and `aws:SourceAccount` allow, or the role does not exist there yet.");
  }
  if (parsed.kind === 'log-delivery') {
    causes.push('The log group does not exist in the deployed account (ResourceNotFoundException): apply the service stack, which creates it.');
  }
  const viaEndpoints = (context.zone?.services ?? []).filter((service) => services.includes(service.name) && service.network?.egress === 'endpoints');
  if (viaEndpoints.length > 0) {
    causes.push(`A VPC endpoint policy denies it: ${viaEndpoints.map((service) => service.name).join(', ')} reach AWS through VPC endpoints, whose policies the evaluation does not include.`);
  }
  return causes;
}
