/**
 * Explains AccessDenied-style messages: finds the request in what verify derives from the
 * synthesized output (or builds it when the output never makes it), re-evaluates it per side and
 * maps the denying side back to the manifest.
 */
import { ECR_AUTH_ACTIONS, ECR_PULL_ACTIONS, ECS_EXEC_ACTIONS, KMS_DECRYPT_ACTIONS, LOGS_WRITE_ACTIONS, PARAMETER_READ_ACTIONS, SECRET_READ_ACTIONS } from '../core/actions';
import { SECRET_SUFFIX, parseArn, serviceEndpoint, ssmParameterArn } from '../core/arn';
import { SYMBOLIC_SECRET_SUFFIX } from '../verify/output';
import { AccessRequest } from '../verify/requests';
import {
  ExplainContext,
  findKey,
  findRole,
  findSecret,
  manifestService,
  partitionOfRegion,
  repositoryArnOf,
  roleNameOf,
  sameRole,
  secretIdentity,
  stackOfLabel,
  taskOfRole,
} from './context';
import { Diagnosis, RoleKind } from './diagnosis';
import { evaluateEndpointPolicy, evaluateSides, Side, SideEvaluation } from './evaluate';
import { manifestEntryFor } from './manifest-entry';
import { MessageKind, ParsedMessage } from './message';
import { endpointPolicyFor } from './network';

const ACTIONS_OF_KIND: Partial<Record<MessageKind, readonly string[]>> = {
  'image-pull': [...ECR_PULL_ACTIONS, ...ECR_AUTH_ACTIONS],
  'registry-auth': ECR_AUTH_ACTIONS,
  'secret-fetch': SECRET_READ_ACTIONS,
  'parameter-fetch': PARAMETER_READ_ACTIONS,
  'kms-decrypt': KMS_DECRYPT_ACTIONS,
  'log-delivery': LOGS_WRITE_ACTIONS,
  'ecs-exec-not-connected': ECS_EXEC_ACTIONS,
};

/** Returns the resource the message is about: named directly, or implied by the secret or image it mentions. */
function targetResource(context: ExplainContext, parsed: ParsedMessage): string | undefined {
  if (parsed.kind === 'kms-decrypt' && (!parsed.resource || !parsed.resource.startsWith('arn:')) && parsed.secretArn) {
    return findSecret(context, parsed.secretArn)?.kmsKeyArn;
  }
  if (parsed.resource) return parsed.resource;
  if (parsed.secretArn && parsed.kind === 'secret-fetch') return parsed.secretArn;
  if (parsed.image && parsed.kind === 'image-pull') return repositoryArnOf(parsed.image);
  return undefined;
}

function logGroupOf(arn: string): string | undefined {
  return /log-group:([^:]+)/.exec(arn)?.[1];
}

/** Compares a resource from a message with one in a derived request, allowing for what the message cannot know. */
function sameResource(context: ExplainContext, target: string, requested: string): boolean {
  if (target === requested) return true;
  const parsedTarget = parseArn(target);
  const parsedRequested = parseArn(requested);
  if (!parsedRequested) return false;
  if (!parsedTarget) {
    // A bare name: a parameter name or a secret name.
    if (parsedRequested.service === 'ssm') return requested === ssmParameterArn({ ...parsedRequested, partition: partitionOfRegion(parsedRequested.region) }, target);
    if (parsedRequested.service === 'secretsmanager') return secretIdentity(requested)?.candidates.includes(target) ?? false;
    return false;
  }
  if (parsedTarget.service !== parsedRequested.service || parsedTarget.account !== parsedRequested.account || parsedTarget.region !== parsedRequested.region) return false;
  switch (parsedTarget.service) {
    case 'secretsmanager': {
      const a = secretIdentity(target);
      const b = secretIdentity(requested);
      return a !== undefined && b !== undefined && a.candidates.some((name) => b.candidates.includes(name));
    }
    case 'kms': {
      const key = findKey(context, target);
      // A key id from a real message is unknown to the output, so every key of that account and region stays a candidate.
      return key ? key.arn === requested : parsedTarget.resource.startsWith('key/');
    }
    case 'logs':
      return logGroupOf(target) !== undefined && logGroupOf(target) === logGroupOf(requested);
    default:
      return false;
  }
}

function matchesVia(parsed: ParsedMessage, request: AccessRequest): boolean {
  if (!request.action.startsWith('kms:')) return true;
  const via = String(request.context['kms:ViaService'] ?? '');
  if (parsed.step === 'secrets-manager') return via.startsWith('secretsmanager.');
  if (parsed.step === 'ssm') return via.startsWith('ssm.');
  return true;
}

function secretReaders(context: ExplainContext, secretArn: string): Set<string> {
  const readers = context.requests.filter((request) => (SECRET_READ_ACTIONS as readonly string[]).includes(request.action) && sameResource(context, secretArn, request.resource));
  return new Set(readers.map((request) => request.principal));
}

/** Returns the requests verify derived from the output that the message may be about. */
export function matchingRequests(context: ExplainContext, parsed: ParsedMessage, serviceFilter?: string): AccessRequest[] {
  const actions = parsed.action ? [parsed.action] : ACTIONS_OF_KIND[parsed.kind] ?? [];
  const target = targetResource(context, parsed);
  // "Access to KMS is not allowed" names the secret but no role: only roles that read that secret qualify.
  const readers = parsed.kind === 'kms-decrypt' && !parsed.roleArn && parsed.secretArn ? secretReaders(context, parsed.secretArn) : undefined;
  return context.requests.filter((request) => {
    if (parsed.roleArn && !sameRole(request.principal, parsed.roleArn)) return false;
    if (readers && !readers.has(request.principal)) return false;
    if (!actions.includes(request.action)) return false;
    if (!matchesVia(parsed, request)) return false;
    if (serviceFilter && taskOfRole(context, request.principal)?.task.family !== serviceFilter) return false;
    return target === undefined || sameResource(context, target, request.resource);
  });
}

/**
 * Builds the request for a message the output's task definitions never make, such as a secret
 * the task definition does not reference, so it can still be evaluated against the output.
 */
export function requestOutsideOutput(context: ExplainContext, parsed: ParsedMessage): AccessRequest | undefined {
  const target = targetResource(context, parsed);
  if (!parsed.roleArn || !parsed.action || !target) return undefined;
  const role = findRole(context, parsed.roleArn);
  if (!role) return undefined;
  const principalContext: Record<string, string | string[]> = { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.account };
  if (context.zone?.organizationId) principalContext['aws:PrincipalOrgID'] = context.zone.organizationId;
  const base = {
    expected: 'allow' as const,
    purpose: `${role.name} calls ${parsed.action} on a resource no request derived from the output names`,
    principal: role.arn,
    identityPolicies: role.policies.filter((policy) => policy.document).map((policy) => ({ label: policy.label, document: policy.document })),
    action: parsed.action,
    guards: [],
  };
  const parsedTarget = parseArn(target);
  const account = parsedTarget?.account || role.account;

  if (parsedTarget?.service === 'secretsmanager') {
    const secret = findSecret(context, target);
    if (secret) return { ...base, resource: secret.arn, resourceAccount: secret.env.account, resourcePolicy: secret.policy, resourceOutside: false, context: principalContext };
    const name = target.split(':').slice(0, 7).join(':');
    const resource = SECRET_SUFFIX.test(name) ? name : `${name}-${SYMBOLIC_SECRET_SUFFIX}`;
    return { ...base, resource, resourceAccount: account, resourceOutside: account !== role.account, context: principalContext };
  }
  if (parsedTarget?.service === 'kms') {
    const key = findKey(context, target);
    const region = parsedTarget.region;
    const via = parsed.step === 'ssm' ? 'ssm' : 'secretsmanager';
    const kmsContext = { ...principalContext, 'kms:ViaService': serviceEndpoint(via, region, partitionOfRegion(region)), 'kms:CallerAccount': role.account, 'kms:ResourceAliases': [...(key?.aliases ?? [])] };
    return { ...base, resource: key?.arn ?? target, resourceAccount: account, resourcePolicy: key?.policy, resourceOutside: !key, context: kmsContext };
  }
  if (parsedTarget?.service === 'ecr') {
    const repository = context.output.repositories.find((candidate) => candidate.arn === target);
    return { ...base, resource: target, resourceAccount: account, resourcePolicy: repository?.policy, resourceOutside: !repository, context: principalContext };
  }
  // Parameters and log groups have no resource policy; any other resource's policy (a bucket policy, say) is not in the output.
  const withoutPolicy = ['ssm', 'logs'].includes(parsedTarget?.service ?? '');
  return { ...base, resource: target, resourceAccount: account, resourceOutside: !withoutPolicy || account !== role.account, context: principalContext };
}

const ROLE_WORDS: Record<RoleKind, string> = { executionRole: 'execution role', taskRole: 'task role', service: 'service principal' };

const SIDE_WORDS: Record<Side, string> = {
  identity: 'identity policy',
  'repository-policy': 'repository policy',
  'key-policy': 'key policy',
  'secret-policy': 'secret policy',
  'trust-policy': 'trust policy',
  'resource-policy': 'resource policy',
  'vpc-endpoint-policy': 'VPC endpoint policy',
  network: 'network path',
  'ecs-exec-setting': 'ECS Exec setting',
  none: 'nothing',
  unknown: 'unknown',
};

export function sideWords(side: Side): string {
  return SIDE_WORDS[side];
}

/** Writes one sentence per denying side, naming the policy in the output and what it lacks. */
function denialSentences(request: AccessRequest, evaluation: SideEvaluation, roleWords: string): string[] {
  const roleName = roleNameOf(request.principal);
  if (evaluation.explicitDeny) return [`${request.action} on ${request.resource} is explicitly denied by ${evaluation.decidingStatements.join(', ')}.`];
  const sentences: string[] = [];
  for (const side of evaluation.sides) {
    if (side === 'identity') {
      const labels = request.identityPolicies.map((policy) => policy.label);
      sentences.push(
        labels.length > 0
          ? `No statement in the ${roleWords} policy of ${roleName} (${labels.join(', ')}) allows ${request.action} on ${request.resource}.`
          : `The ${roleWords} ${roleName} has no policy in the output, so nothing allows ${request.action}.`,
      );
    } else if (side === 'vpc-endpoint-policy') {
      sentences.push(`The VPC endpoint policy ${evaluation.endpointLabel ?? ''} has no statement that allows ${roleName} to call ${request.action} through the endpoint.`);
    } else if (side !== 'unknown') {
      sentences.push(
        request.resourcePolicy
          ? `The ${sideWords(side)} ${request.resourcePolicy.label} has no statement that allows ${roleName} to call ${request.action}.`
          : `The resource ${request.resource} has no ${sideWords(side)} in the output, and a request from account ${parseArn(request.principal)?.account} into account ${request.resourceAccount} needs one.`,
      );
    } else {
      sentences.push(`Each side allows the request on its own but not together: ${evaluation.reason}.`);
    }
  }
  return sentences;
}

/** Returns the output label of a repository, secret or key, which starts with its stack name. */
function resourceLabel(context: ExplainContext, arn: string): string | undefined {
  return findSecret(context, arn)?.label ?? findKey(context, arn)?.label ?? context.output.repositories.find((repository) => repository.arn === arn)?.label;
}

/** Lists the stacks to plan and apply after the fix: the role's, the denying resource policy's and the denying endpoint's. */
function stacksToApply(context: ExplainContext, request: AccessRequest, evaluation: SideEvaluation): string[] {
  const stacks = new Set<string>();
  const role = findRole(context, request.principal);
  if (role && (evaluation.sides.includes('identity') || evaluation.allowed)) stacks.add(role.stack);
  const resourceStack = stackOfLabel(request.resourcePolicy?.label ?? resourceLabel(context, request.resource));
  const resourceSideDenies = evaluation.sides.some((side) => !['identity', 'vpc-endpoint-policy', 'unknown'].includes(side));
  if (resourceStack && resourceSideDenies) stacks.add(resourceStack);
  if (resourceStack && evaluation.allowed) stacks.add(resourceStack);
  if (evaluation.endpointLabel) stacks.add(stackOfLabel(evaluation.endpointLabel)!);
  if (stacks.size === 0 && role) stacks.add(role.stack);
  return [...stacks];
}

/** Adds the VPC endpoint policy as a denying side when the call passes through an endpoint whose policy does not allow it. */
async function withEndpointPolicy(context: ExplainContext, request: AccessRequest, evaluation: SideEvaluation): Promise<SideEvaluation> {
  const owner = manifestService(context, request.principal);
  if (!owner) return evaluation;
  const endpoint = endpointPolicyFor(context, owner.service, request.action, request.context['kms:ViaService'] !== undefined);
  if (!endpoint) return evaluation;
  const result = await evaluateEndpointPolicy(request, endpoint);
  if (result.error) {
    const finding = { id: 'endpoint-policy-not-evaluated', severity: 'warning' as const, source: endpoint.label, message: `the simulator rejected the endpoint policy: ${result.error}` };
    return { ...evaluation, findings: [...evaluation.findings, finding] };
  }
  if (result.allowed) return evaluation;
  const sides: Side[] = evaluation.allowed ? ['vpc-endpoint-policy'] : [...evaluation.sides.filter((side) => side !== 'unknown'), 'vpc-endpoint-policy'];
  const reason = [evaluation.reason, `no statement in ${endpoint.label} allows it`].filter(Boolean).join('; ');
  return { ...evaluation, allowed: false, sides, reason, endpointLabel: endpoint.label, decidingStatements: evaluation.allowed ? [] : evaluation.decidingStatements };
}

/** Evaluates one request and states the result in plain words with the manifest change. */
export async function diagnoseRequest(context: ExplainContext, request: AccessRequest, parsed: ParsedMessage, inTaskDefinition: boolean): Promise<Diagnosis> {
  const evaluation = await withEndpointPolicy(context, request, await evaluateSides(request));
  const owner = taskOfRole(context, request.principal);
  const roleKind: RoleKind = owner?.kind ?? (parseArn(request.principal) ? 'executionRole' : 'service');
  const roleWords = ROLE_WORDS[roleKind];
  const entry = manifestEntryFor(context, request, parsed);
  const stacks = stacksToApply(context, request, evaluation);
  const base: Diagnosis = {
    service: entry?.service ?? owner?.task.family,
    role: { arn: request.principal, kind: roleKind },
    action: request.action,
    resource: request.resource,
    purpose: request.purpose,
    decision: evaluation.allowed ? 'allowed' : 'denied',
    sides: evaluation.sides,
    decidingStatements: evaluation.decidingStatements,
    reason: '',
    manifestPath: entry?.path,
    manifestState: entry?.state,
    stacks,
  };

  const warnings = evaluation.findings.filter((finding) => finding.id === 'endpoint-policy-not-evaluated').map((finding) => ` The VPC endpoint policy ${finding.source} was not evaluated: ${finding.message}.`);
  if (evaluation.allowed) {
    const judged = evaluation.resourceJudged ? '' : ` The resource is not created in the output, so only the identity side was evaluated. Its owner's resource policy may still deny.`;
    return {
      ...base,
      reason: `The synthesized output allows ${roleNameOf(request.principal)} to call ${request.action} on ${request.resource} (${evaluation.decidingStatements.join(', ') || 'no statement named'}).${judged}${warnings.join('')}`,
    };
  }

  const sentences = denialSentences(request, evaluation, roleWords);
  if (!inTaskDefinition) {
    sentences.unshift(
      roleKind === 'taskRole'
        ? 'No statement the manifest declares for the task role covers this request.'
        : `No task definition in the output makes this request, so the ${roleWords} was never granted it.`,
    );
  }
  let change: string;
  if (!entry) {
    change = `Grant the request on the ${evaluation.sides.map(sideWords).join(' and ')}, then run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`;
  } else if (entry.state === 'present') {
    change = `The manifest already asks for this at ${entry.path}, but the synthesized output does not grant it, so the output is out of date or was edited after synthesis. Run \`npm run synth\`, then \`npm run plan\` and apply ${stacks.join(', ')}.`;
  } else if (entry.state === 'missing' && entry.path.endsWith('.statements')) {
    change = `Append the statement below to ${entry.path} (rename its \`sid\` as you like), then run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`;
  } else if (entry.state === 'missing') {
    change = `Add ${entry.path} to the manifest${entry.yaml ? ' as below' : ''}, then run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`;
  } else {
    change = `Check ${entry.path} in the manifest, then run \`npm run synth\`, \`npm run plan\` and apply ${stacks.join(', ')}.`;
  }
  return { ...base, reason: sentences.join(' '), change, yaml: entry?.state === 'missing' ? entry.yaml : undefined };
}
