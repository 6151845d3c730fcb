/**
 * Evaluates requests with `@cloud-copilot/iam-simulate` (AGPL-3.0, a development dependency only).
 *
 * The simulator receives the principal's identity policies, the resource policy and a request
 * context that verify fills itself, because the simulator does not derive it from the principal:
 * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalOrgID`, `kms:ViaService`,
 * `kms:CallerAccount` and `kms:ResourceAliases`, never `kms:EncryptionContext:*`.
 * It applies AWS's evaluation rules, which verify relies on:
 * - an explicit Deny in any policy wins;
 * - same account: the identity policy OR the resource policy allowing is enough, except for KMS,
 *   where the key policy must allow the principal itself or name the account root, which
 *   delegates to the identity policy;
 * - cross account: the identity policy AND the resource policy must both allow; a resource
 *   policy that names the caller's account root admits the account, and the identity policy
 *   then decides.
 * No SCP, RCP, permissions boundary or session policy takes part.
 *
 * A probe that must be denied is judged on each side it names as well: the side is simulated on
 * its own (the identity side with a resource policy that trusts the caller's account; the
 * resource side with an allow-everything identity policy across accounts, or none in the same
 * account), so a mistake in one policy is reported even while the other policy still denies.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { accountRootArn, parseArn, Partition } from '../core/arn';
import { Finding, statementLabel } from './findings';
import { ALLOW_EVERYTHING, AccessRequest, IdentityPolicyInput, PolicySide } from './requests';

export type Decision = 'allowed' | 'denied';

export interface RequestResult {
  readonly request: AccessRequest;
  readonly decision: Decision;
  /** Statements that allowed the request, or that denied it explicitly. */
  readonly decidedBy: string[];
  /** Reason the request failed its expectation, or a note on how it was judged. */
  readonly reason: string;
  readonly passed: boolean;
}

interface SideAnalysis {
  result: string;
  allowStatements: { policyId?: string; statement: { sid(): string | undefined; index(): number } }[];
  denyStatements: { policyId?: string; statement: { sid(): string | undefined; index(): number } }[];
}

interface Outcome {
  decision: Decision;
  explicitDeny: boolean;
  identity?: SideAnalysis;
  resource?: SideAnalysis;
  error?: string;
}

function trustAccountPolicy(principal: string): unknown {
  const parsed = parseArn(principal);
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: accountRootArn((parsed?.partition ?? 'aws') as Partition, parsed?.account ?? '') }, Action: '*', Resource: '*' }],
  };
}

async function simulate(request: AccessRequest, identityPolicies: readonly IdentityPolicyInput[], resourcePolicy: unknown): Promise<Outcome> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: { ...request.context },
    },
    identityPolicies: identityPolicies.map((policy) => ({ name: policy.label, policy: policy.document })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    return { decision: 'denied', explicitDeny: false, error: response.errors.message };
  }
  const overall = response.overallResult;
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  return {
    decision: overall === 'Allowed' ? 'allowed' : 'denied',
    explicitDeny: overall === 'ExplicitlyDenied',
    identity: analysis?.identityAnalysis as SideAnalysis | undefined,
    resource: analysis?.resourceAnalysis as SideAnalysis | undefined,
  };
}

function labels(side: SideAnalysis | undefined, kind: 'allow' | 'deny', fallback: string): string[] {
  const statements = kind === 'allow' ? side?.allowStatements : side?.denyStatements;
  return (statements ?? []).map((entry) => statementLabel(entry.policyId ?? fallback, entry.statement.sid(), entry.statement.index() - 1));
}

/** Labels of the deciding statements, leaving out the synthetic policies verify adds itself. */
function decidedBy(outcome: Outcome, request: AccessRequest, resourceReal = !request.resourceOutside): string[] {
  const kind = outcome.decision === 'allowed' ? 'allow' : 'deny';
  const identity = labels(outcome.identity, kind, 'identity policy').filter((label) => !label.startsWith('probe:'));
  const resource = resourceReal && request.resourcePolicy ? labels(outcome.resource, kind, request.resourcePolicy.label) : [];
  return [...identity, ...resource];
}

/** Explains a denial in terms of the side that did not allow. */
function denialReason(outcome: Outcome, request: AccessRequest): string {
  if (outcome.explicitDeny) return `explicitly denied by ${decidedBy(outcome, request).join(', ')}`;
  const crossAccount = parseArn(request.principal)?.account !== request.resourceAccount;
  const reasons: string[] = [];
  // A service principal such as ecs-tasks.amazonaws.com has no identity policy to blame.
  const servicePrincipal = parseArn(request.principal) === undefined;
  if (!servicePrincipal && outcome.identity?.result !== 'Allowed') {
    reasons.push(request.identityPolicies.length > 0 ? `no statement in the identity policies of ${request.principal} allows it` : `${request.principal} has no identity policy`);
  }
  if (request.resourceOutside) return reasons.join('; ') || 'denied';
  if (request.resourcePolicy === undefined && crossAccount) {
    reasons.push('the resource has no resource policy in the output, and a cross-account request needs one');
  } else if (request.resourcePolicy && !outcome.resource?.allowStatements.length) {
    reasons.push(`no statement in ${request.resourcePolicy.label} allows this principal`);
  }
  return reasons.join('; ') || 'denied';
}

async function sideAlone(side: PolicySide, request: AccessRequest): Promise<Outcome> {
  if (side === 'identity') return simulate(request, request.identityPolicies, trustAccountPolicy(request.principal));
  const sameAccount = parseArn(request.principal)?.account === request.resourceAccount;
  return simulate(request, sameAccount ? [] : [ALLOW_EVERYTHING], request.resourcePolicy?.document);
}

/** Evaluates one request and judges it against its expectation. */
export async function evaluateRequest(request: AccessRequest, findings: Finding[]): Promise<RequestResult> {
  const resourcePolicy = request.resourceOutside ? trustAccountPolicy(request.principal) : request.resourcePolicy?.document;
  const outcome = await simulate(request, request.identityPolicies, resourcePolicy);
  if (outcome.error) {
    findings.push({ id: 'simulation-failed', severity: 'error', source: request.resourcePolicy?.label ?? request.principal, message: `${request.action} on ${request.resource}: ${outcome.error}` });
    return { request, decision: 'denied', decidedBy: [], reason: `simulation failed: ${outcome.error}`, passed: false };
  }
  const outsideNote = request.resourceOutside ? 'resource policy not in the output; identity side only' : '';

  if (request.expected === 'allow') {
    const passed = outcome.decision === 'allowed';
    const reason = passed ? outsideNote : denialReason(outcome, request);
    return { request, decision: outcome.decision, decidedBy: decidedBy(outcome, request), reason, passed };
  }

  if (outcome.decision === 'allowed') {
    return { request, decision: 'allowed', decidedBy: decidedBy(outcome, request), reason: `allowed by ${decidedBy(outcome, request).join(', ') || 'the policies'}`, passed: false };
  }
  for (const side of request.guards) {
    const alone = await sideAlone(side, request);
    if (alone.decision === 'allowed') {
      const statements = decidedBy(alone, request, side === 'resource');
      const resourcePolicy = request.resourcePolicy?.label ?? 'the resource policy';
      const policy = side === 'identity' ? 'the identity policy' : resourcePolicy;
      const other = side === 'identity' ? resourcePolicy : `the identity policy of ${request.principal}`;
      return {
        request,
        decision: 'denied',
        decidedBy: statements,
        reason: `${policy} alone allows it (${statements.join(', ')}); only ${other} stops it`,
        passed: false,
      };
    }
  }
  const reason = [denialReason(outcome, request), outsideNote].filter(Boolean).join('; ');
  return { request, decision: 'denied', decidedBy: decidedBy(outcome, request), reason, passed: true };
}
