/**
 * Re-evaluates one request with verify's evaluator (`evaluateRequest` in modules/verify), once as
 * a whole and once per side, so a denial can be pinned on the identity policy, the resource
 * policy or both. Each side is judged with the other side opened up: the identity side with a
 * resource policy that trusts the caller's account, the resource side with an identity policy
 * that allows everything. Like verify, no SCP, RCP, permissions boundary or session policy takes part.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Partition, accountRootArn, parseArn } from '../core/arn';
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
  | 'vpc-endpoint-policy'
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
  /** The VPC endpoint whose policy denies, when that is one of the sides. */
  readonly endpointLabel?: string;
  readonly findings: Finding[];
}

/** Returns the side name of a resource policy, from the service in the resource ARN. */
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

type JsonStatement = { Principal?: unknown; Condition?: Record<string, Record<string, unknown>>; [field: string]: unknown };

/**
 * Rewrites `Principal: {AWS: [...]}` as `Principal: "*"` plus the equivalent conditions, because
 * iam-simulate 0.1.173 rejects endpoint policies whose principal is not `*` although AWS accepts
 * them. An account root becomes `aws:PrincipalAccount`, any other ARN `aws:PrincipalArn`.
 */
export function endpointPolicyForSimulator(document: unknown): unknown {
  const policy = document as { Statement?: JsonStatement | JsonStatement[] };
  const statements: JsonStatement[] = [];
  if (Array.isArray(policy.Statement)) statements.push(...policy.Statement);
  else if (policy.Statement) statements.push(policy.Statement);
  const rewritten = statements.map((statement) => {
    const principal = statement.Principal as { AWS?: string | string[] } | string | undefined;
    if (principal === undefined || principal === '*' || typeof principal === 'string' || principal.AWS === undefined || principal.AWS === '*') return { ...statement, Principal: '*' };
    const arns = [principal.AWS].flat();
    const accounts = arns.map((arn) => /^arn:[^:]+:iam::(\d{12}):root$/.exec(arn)?.[1] ?? (/^\d{12}$/.test(arn) ? arn : undefined));
    const condition = { ...(statement.Condition ?? {}) };
    if (accounts.every((account) => account !== undefined)) {
      condition.StringEquals = { ...(condition.StringEquals ?? {}), 'aws:PrincipalAccount': accounts as string[] };
    } else {
      // A mix of roots and other principals cannot be written as one condition; the roots are widened to their role ARNs' match.
      condition.ArnLike = { ...(condition.ArnLike ?? {}), 'aws:PrincipalArn': arns.map((arn) => arn.replace(/:root$/, ':*')) };
    }
    return { ...statement, Principal: '*', Condition: condition };
  });
  return { ...policy, Statement: rewritten };
}

interface EndpointAnalysis {
  allowStatements?: { policyId?: string; statement: { sid(): string | undefined; index(): number } }[];
}

/**
 * Evaluates a request against one VPC endpoint policy alone, which verify does not: the identity
 * side allows everything and the resource side trusts the caller's account, so only the endpoint
 * policy can deny. Uses the same simulator and request context as verify. A policy the simulator
 * rejects is reported as allowed with `error` set, so it never becomes a denying side.
 */
export async function evaluateEndpointPolicy(
  request: AccessRequest,
  endpoint: { label: string; document: unknown },
): Promise<{ allowed: boolean; decidingStatements: string[]; error?: string }> {
  const principal = parseArn(request.principal);
  const trustCaller = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: accountRootArn((principal?.partition ?? 'aws') as Partition, principal?.account ?? '') }, Action: '*', Resource: '*' }],
  };
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: { ...request.context },
      },
      identityPolicies: [{ name: ALLOW_EVERYTHING.label, policy: ALLOW_EVERYTHING.document }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: trustCaller,
      vpcEndpointPolicies: [{ name: endpoint.label, policy: endpointPolicyForSimulator(endpoint.document) }],
    },
    {},
  );
  if (response.resultType === 'error') return { allowed: true, decidingStatements: [], error: JSON.stringify(response.errors) };
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  const statements = ((analysis as { endpointAnalysis?: EndpointAnalysis } | undefined)?.endpointAnalysis?.allowStatements ?? []).map(
    (entry) => `${endpoint.label}#${entry.statement.sid() ?? entry.statement.index()}`,
  );
  return { allowed: response.overallResult === 'Allowed', decidingStatements: statements };
}
