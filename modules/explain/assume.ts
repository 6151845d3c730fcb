/**
 * Explains "ECS was unable to assume the role": evaluates `sts:AssumeRole` by
 * `ecs-tasks.amazonaws.com` against the role's trust policy in the output, with the
 * `aws:SourceArn` and `aws:SourceAccount` ECS sends for a task in the role's stack.
 */
import { formatArn } from '../core/arn';
import { ExplainContext, findRole, manifestService, taskOfRole } from './context';
import { Diagnosis } from './diagnosis';
import { evaluateSides } from './evaluate';
import { ParsedMessage } from './message';

const ECS_TASKS_PRINCIPAL = 'ecs-tasks.amazonaws.com';
const EXAMPLE_TASK = 'task/cluster/0123456789abcdef0123456789abcdef';

export async function diagnoseAssumption(context: ExplainContext, parsed: ParsedMessage): Promise<Diagnosis[]> {
  const role = parsed.roleArn ? findRole(context, parsed.roleArn) : undefined;
  if (!role) {
    return [
      {
        decision: 'not-evaluated',
        sides: ['unknown'],
        decidingStatements: [],
        reason: `The role ${parsed.roleArn ?? '(not named)'} is not in the synthesized output, so the task definition ECS ran names a role this landing zone does not create.`,
        change: 'Compare the task definition revision that failed with the synthesized one: run `npm run plan` for the service stack and apply it.',
      },
    ];
  }

  const owner = taskOfRole(context, role.arn);
  const env = owner?.task.stack.env ?? context.output.stacks.find((stack) => stack.name === role.stack)?.env;
  // Prefer verify's own request for ECS assuming this role, so both evaluate the same context.
  const derived = context.requests.find((request) => request.principal === ECS_TASKS_PRINCIPAL && request.action === 'sts:AssumeRole' && request.resource === role.arn);
  let sourceArn: string | undefined;
  if (derived) sourceArn = String(derived.context['aws:SourceArn']);
  else if (env) sourceArn = formatArn({ ...env, service: 'ecs', resource: EXAMPLE_TASK });
  const evaluation = await evaluateSides(derived ?? {
    expected: 'allow',
    purpose: `ECS assumes ${role.name}`,
    principal: ECS_TASKS_PRINCIPAL,
    identityPolicies: [],
    action: 'sts:AssumeRole',
    resource: role.arn,
    resourceAccount: role.account,
    resourcePolicy: role.trustPolicy,
    resourceOutside: false,
    context: sourceArn ? { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': role.account } : {},
    guards: [],
  });

  const manifest = manifestService(context, role.arn);
  const kind = owner?.kind ?? manifest?.kind ?? 'executionRole';
  const manifestPath = manifest ? `services.${manifest.service.name}.${kind}` : undefined;
  const base: Diagnosis = {
    service: manifest?.service.name ?? owner?.task.family,
    role: { arn: role.arn, kind },
    action: 'sts:AssumeRole',
    resource: role.arn,
    purpose: `ECS assumes the ${kind === 'taskRole' ? 'task role' : 'execution role'} ${role.name}`,
    decision: evaluation.allowed ? 'allowed' : 'denied',
    sides: evaluation.allowed ? ['none'] : ['trust-policy'],
    decidingStatements: evaluation.decidingStatements,
    reason: '',
    manifestPath,
    manifestState: manifest ? 'present' : 'unknown',
    stacks: [role.stack],
  };

  if (evaluation.allowed) {
    return [{ ...base, reason: `The trust policy of ${role.name} in the output lets ${ECS_TASKS_PRINCIPAL} assume it for a task in ${sourceArn ?? 'its account'} (${evaluation.decidingStatements.join(', ')}).` }];
  }
  return [
    {
      ...base,
      reason: `The trust policy ${role.trustPolicy?.label ?? `of ${role.name}`} does not let ${ECS_TASKS_PRINCIPAL} assume ${role.name} for a task in ${sourceArn ?? 'its account'}.`,
      change: `The manifest derives the trust policy from ${manifestPath ?? 'the service'} (\`trustConditions\` adds aws:SourceAccount and aws:SourceArn); the output differs from it, so run \`npm run synth\`, \`npm run plan\` and apply ${role.stack}.`,
    },
  ];
}
