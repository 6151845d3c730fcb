/**
 * Re-evaluates one request with verify's evaluator (`evaluateRequest` in modules/verify), once as
 * a whole and once per side, so a denial can be pinned on the identity policy, the resource
 * policy or both. Each side is judged with the other side opened up: the identity side with a
 * resource policy that trusts the caller's account, the resource side with an identity policy
 * that allows everything. Like verify, no SCP, RCP, permissions boundary or session policy takes part.
 */
import { parseArn } from '../core/arn';
import { evaluateRequest, RequestResult } from '../verify/evaluate';
import { Finding } from '../verify/findings';
import { ALLOW_EVERYTHING, AccessRequest } from '../verify/requests';

/** The policy that denies, in the words the report uses. */
export type Side =
  | 'identity'
  | 'repository-policy'
  | 'key-policy'
  | 'secret-policy'
  | 'trust-policy'
  | 'resource-policy'
  | 'network'
  | 'ecs-exec-setting'
  | 'none'
  | 'unknown';

export interface SideEvaluation {
  readonly allowed: boolean;
  /** The denying sides; `['none']` when the request is allowed. */
  readonly sides: Side[];
  readonly explicitDeny: boolean;
  /** Statements that allowed the request, or that denied it explicitly. */
  readonly decidingStatements: string[];
  /** verify's own sentence on why the whole request was denied, or empty when allowed. */
  readonly reason: string;
  /** False when the resource is not created in the output, so its resource policy could not be judged. */
  readonly resourceJudged: boolean;
  readonly findings: Finding[];
}

/** The side name of a resource policy, from the service in the resource ARN. */
export function resourceSideOf(request: Pick<AccessRequest, 'resource' | 'action'>): Side {
  if (request.action.startsWith('sts:AssumeRole')) return 'trust-policy';
  switch (parseArn(request.resource)?.service) {
    case 'ecr':
      return 'repository-policy';
    case 'kms':
      return 'key-policy';
    case 'secretsmanager':
      return 'secret-policy';
    default:
      return 'resource-policy';
  }
}

/** Evaluates a request as a whole and per side; `request.expected` is ignored. */
export async function evaluateSides(request: AccessRequest): Promise<SideEvaluation> {
  const findings: Finding[] = [];
  const asAllow: AccessRequest = { ...request, expected: 'allow', guards: [] };
  const whole: RequestResult = await evaluateRequest(asAllow, findings);
  const explicitDeny = whole.reason.startsWith('explicitly denied');
  const resourceJudged = !request.resourceOutside;
  if (whole.decision === 'allowed') {
    return { allowed: true, sides: ['none'], explicitDeny: false, decidingStatements: whole.decidedBy, reason: '', resourceJudged, findings };
  }

  // A service principal such as ecs-tasks.amazonaws.com has no identity policy to blame.
  const servicePrincipal = parseArn(request.principal) === undefined;
  const sides: Side[] = [];
  const decidingStatements = explicitDeny ? [...whole.decidedBy] : [];
  if (!servicePrincipal) {
    const identity = await evaluateRequest({ ...asAllow, resourceOutside: true }, findings);
    if (identity.decision === 'denied') sides.push('identity');
  }
  if (resourceJudged) {
    const identityPolicies = servicePrincipal ? [] : [ALLOW_EVERYTHING];
    const resource = await evaluateRequest({ ...asAllow, identityPolicies }, findings);
    if (resource.decision === 'denied') sides.push(resourceSideOf(request));
  }
  if (sides.length === 0) sides.push('unknown');
  return { allowed: false, sides, explicitDeny, decidingStatements, reason: whole.reason, resourceJudged, findings };
}
