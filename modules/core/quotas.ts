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

/** How a role's identity statements are attached: one inline policy, or several managed policies. */
export type RolePolicyLayout =
  | { readonly kind: 'inline'; readonly document: PolicyDocument }
  | { readonly kind: 'managed'; readonly documents: readonly PolicyDocument[] }
  | { readonly kind: 'too-large'; readonly size: number; readonly limit: number; readonly needed: number };

/**
 * Lays out identity statements within IAM's quotas: inline while the rendered document fits the
 * per-role inline quota, otherwise packed into managed policies of at most 6,144 characters,
 * up to the per-role attachment count. Anything larger is reported as `too-large` with the numbers.
 */
export function layoutRolePolicy(statements: readonly Statement[], maxManagedPolicies: number = QUOTAS.managedPoliciesPerRole): RolePolicyLayout {
  const whole = new PolicyDocument('identity', statements);
  if (whole.size <= QUOTAS.inlinePoliciesPerRole) return { kind: 'inline', document: whole };

  const overhead = policySize(JSON.stringify({ Version: '2012-10-17', Statement: [] }));
  const groups: Statement[][] = [];
  let current: Statement[] = [];
  let currentSize = overhead;
  for (const statement of statements) {
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
