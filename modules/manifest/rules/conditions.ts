/**
 * IAM condition operators, from the IAM JSON policy reference. An operator outside this list makes
 * IAM reject the whole policy with MalformedPolicyDocument at apply.
 */
const OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
]);

/**
 * Returns whether an operator is valid: a base operator, optionally prefixed with `ForAnyValue:`
 * or `ForAllValues:` and suffixed with `IfExists` (which `Null` does not take).
 */
export function isConditionOperator(operator: string): boolean {
  const base = operator.replace(/^For(AnyValue|AllValues):/, '');
  if (OPERATORS.has(base)) return true;
  const withoutIfExists = base.replace(/IfExists$/, '');
  return withoutIfExists !== base && withoutIfExists !== 'Null' && OPERATORS.has(withoutIfExists);
}

/** Returns a valid operator that differs from `operator` only in case or a missing `s`, to suggest in the fix. */
export function closestOperator(operator: string): string | undefined {
  const target = operator.toLowerCase();
  for (const candidate of OPERATORS) {
    const lower = candidate.toLowerCase();
    if (lower === target || lower === `${target}s` || `${lower}s` === target) return candidate;
  }
  return undefined;
}
