import { PolicyDocument, Statement, policySize, renderStatement } from './policy';

/**
 * IAM and resource-policy size quotas, in characters without white space, from the IAM, ECR,
 * KMS and Secrets Manager quota pages. The managed-policy count is the default, adjustable to 20.
 */
export const QUOTAS = {
  /** All inline policies of one role together. */
  inlinePoliciesPerRole: 10_240,
  managedPolicy: 6_144,
  managedPoliciesPerRole: 10,
  /** Default trust policy length; adjustable to 8,192. */
  trustPolicy: 2_048,
  ecrRepositoryPolicy: 10_240,
  kmsKeyPolicy: 32_768,
  secretPolicy: 20_480,
} as const;

/** Layout of a role's identity statements: one inline policy, or several managed policies. */
export type RolePolicyLayout =
  | { readonly kind: 'inline'; readonly document: PolicyDocument }
  | { readonly kind: 'managed'; readonly documents: readonly PolicyDocument[] }
  | { readonly kind: 'too-large'; readonly size: number; readonly limit: number; readonly needed: number };

/**
 * Lays out identity statements within IAM's quotas: inline while the rendered document fits the
 * per-role inline quota, otherwise packed into managed policies of at most 6,144 characters,
 * up to the per-role attachment count. A statement too large for one managed policy is first
 * split by resources. Anything larger is reported as `too-large` with the numbers.
 */
export function layoutRolePolicy(statements: readonly Statement[], maxManagedPolicies: number = QUOTAS.managedPoliciesPerRole): RolePolicyLayout {
  const whole = new PolicyDocument('identity', statements);
  if (whole.size <= QUOTAS.inlinePoliciesPerRole) return { kind: 'inline', document: whole };

  const overhead = policySize(JSON.stringify({ Version: '2012-10-17', Statement: [] }));
  const groups: Statement[][] = [];
  let current: Statement[] = [];
  let currentSize = overhead;
  for (const statement of statements.flatMap((whole) => splitByResources(whole, QUOTAS.managedPolicy - overhead))) {
    const size = policySize(JSON.stringify(renderStatement(statement))) + 1;
    if (size + overhead > QUOTAS.managedPolicy) {
      return { kind: 'too-large', size: size + overhead, limit: QUOTAS.managedPolicy, needed: Number.POSITIVE_INFINITY };
    }
    if (currentSize + size > QUOTAS.managedPolicy && current.length > 0) {
      groups.push(current);
      current = [];
      currentSize = overhead;
    }
    current.push(statement);
    currentSize += size;
  }
  if (current.length > 0) groups.push(current);
  if (groups.length > maxManagedPolicies) {
    return { kind: 'too-large', size: whole.size, limit: maxManagedPolicies * QUOTAS.managedPolicy, needed: groups.length };
  }
  return { kind: 'managed', documents: groups.map((group) => new PolicyDocument('identity', group)) };
}

function statementSize(statement: Statement): number {
  return policySize(JSON.stringify(renderStatement(statement))) + 1;
}

/**
 * Splits a statement whose resource list alone exceeds one managed policy into parts of the
 * same actions and conditions over disjoint resources, so each part fits. The parts together
 * grant exactly what the statement did.
 */
function splitByResources(statement: Statement, budget: number): Statement[] {
  const resources = [...new Set(statement.resources ?? [])].sort();
  if (statementSize(statement) <= budget || resources.length < 2) return [statement];
  const emptySize = statementSize({ ...statement, sid: `${statement.sid}Part00`, resources: [] });
  const parts: string[][] = [];
  let current: string[] = [];
  let currentSize = emptySize;
  for (const resource of resources) {
    const size = JSON.stringify(resource).length + 1;
    if (currentSize + size > budget && current.length > 0) {
      parts.push(current);
      current = [];
      currentSize = emptySize;
    }
    current.push(resource);
    currentSize += size;
  }
  parts.push(current);
  return parts.map((part, index) => ({ ...statement, sid: `${statement.sid}Part${index + 1}`, resources: part }));
}
