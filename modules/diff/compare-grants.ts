import { Subject } from './entities';
import { clauseKey, formatClause, Grant } from './grants';

export type Direction = 'broadening' | 'narrowing';

/** One access change: a grant added, removed, or replaced by a wider or narrower one. */
export interface AccessChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly direction: Direction;
  /** Why the change has its direction, such as `new principal` or `condition removed: ...`. */
  readonly reasons: readonly string[];
  /** The grant in HEAD for `added` and `changed`, the grant in BASE for `removed`. */
  readonly grant: Grant;
  /** The BASE grant a `changed` grant replaces. */
  readonly previous?: Grant;
}

/**
 * Compares the grants of one stack. An added grant that covers a removed one (wider wildcard,
 * fewer conditions, account instead of role) is one broadening change. An added grant that a
 * removed one covers is one narrowing change. A grant whose conditions changed in a way that is
 * neither wider nor narrower counts as broadening, because it may allow requests BASE did not.
 */
export function compareGrants(base: ReadonlyMap<string, Grant>, head: ReadonlyMap<string, Grant>): AccessChange[] {
  const added = [...head.values()].filter((grant) => !base.has(grant.key));
  const removed = [...base.values()].filter((grant) => !head.has(grant.key));
  const consumed = new Set<string>();
  const changes: AccessChange[] = [];

  for (const grant of added) {
    if (grant.effect === 'Deny') {
      changes.push({ change: 'added', direction: 'narrowing', reasons: ['deny added'], grant });
      continue;
    }
    const candidates = removed.filter((old) => old.effect === 'Allow' && old.policy === grant.policy).sort((a, b) => similarity(grant, b) - similarity(grant, a));

    const widened = candidates.filter((old) => covers(grant, old));
    if (widened.length > 0) {
      for (const old of widened) consumed.add(old.key);
      const reasons = differences(grant, widened[0], 'wider');
      if (widened.length > 1) reasons.push(`also replaces ${widened.length - 1} more removed grant${widened.length === 2 ? '' : 's'} it covers`);
      changes.push({ change: 'changed', direction: 'broadening', reasons, grant, previous: widened[0] });
      continue;
    }
    const narrowed = candidates.find((old) => covers(old, grant));
    if (narrowed) {
      consumed.add(narrowed.key);
      changes.push({ change: 'changed', direction: 'narrowing', reasons: differences(narrowed, grant, 'narrower'), grant, previous: narrowed });
      continue;
    }
    const reworded = candidates.find((old) => old.principal.key === grant.principal.key && sameAction(old, grant) && old.resource.key === grant.resource.key);
    if (reworded) {
      consumed.add(reworded.key);
      changes.push({ change: 'changed', direction: 'broadening', reasons: conditionChange(reworded, grant), grant, previous: reworded });
      continue;
    }
    changes.push({ change: 'added', direction: 'broadening', reasons: [novelty(grant, base)], grant });
  }

  for (const grant of removed) {
    if (consumed.has(grant.key)) continue;
    if (grant.effect === 'Deny') changes.push({ change: 'removed', direction: 'broadening', reasons: ['deny removed'], grant });
    else changes.push({ change: 'removed', direction: 'narrowing', reasons: ['access removed'], grant });
  }
  return changes;
}

/** Counts how many of principal, action and resource two grants share. Pairing tries the most similar grants first. */
function similarity(a: Grant, b: Grant): number {
  return Number(a.principal.key === b.principal.key) + Number(sameAction(a, b)) + Number(a.resource.key === b.resource.key);
}

function sameAction(a: Grant, b: Grant): boolean {
  return a.action.toLowerCase() === b.action.toLowerCase();
}

/** Names the part of a new grant that BASE never had, checking principal, then action, then resource. */
function novelty(grant: Grant, base: ReadonlyMap<string, Grant>): string {
  const samePrincipal = [...base.values()].filter((old) => old.principal.key === grant.principal.key);
  if (samePrincipal.length === 0) return 'new principal';
  const sameActions = samePrincipal.filter((old) => sameAction(old, grant));
  if (sameActions.length === 0) return 'new action';
  if (!sameActions.some((old) => old.resource.key === grant.resource.key)) return 'new resource';
  return 'new grant';
}

// ---------------------------------------------------------------------------------------------
// Coverage: does one grant allow every request another allows?

const patternCache = new Map<string, RegExp>();

/** IAM wildcard matching: `*` is any run of characters, `?` is one character. */
export function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === value) return true;
  if (!pattern.includes('*') && !pattern.includes('?')) return ignoreCase && pattern.toLowerCase() === value.toLowerCase();
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patternCache.get(cacheKey);
  if (!regex) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    patternCache.set(cacheKey, regex);
  }
  return regex.test(value);
}

function principalCovers(wide: Subject, narrow: Subject): boolean {
  if (wide.key === narrow.key || wide.key === '*') return true;
  // An account principal lets that account's IAM delegate to any of its roles.
  return wide.entity?.kind === 'account' && narrow.entity !== undefined && narrow.entity.account === wide.entity.name;
}

function subjectCovers(wide: Subject, narrow: Subject): boolean {
  if (wide.key === narrow.key || wide.key === '*') return true;
  return wide.value !== undefined && narrow.value !== undefined && wildcardMatches(wide.value, narrow.value, false);
}

/** True when `wide` allows every request `narrow` allows: same kind and effect, each part at least as wide, and no condition `narrow` lacks. */
export function covers(wide: Grant, narrow: Grant): boolean {
  if (wide.policy !== narrow.policy || wide.effect !== narrow.effect) return false;
  if (!principalCovers(wide.principal, narrow.principal)) return false;
  if (!wildcardMatches(wide.action, narrow.action, true)) return false;
  if (!subjectCovers(wide.resource, narrow.resource)) return false;
  const narrowClauses = new Set(narrow.conditions.map(clauseKey));
  return wide.conditions.every((clause) => narrowClauses.has(clauseKey(clause)));
}

function differences(wide: Grant, narrow: Grant, word: 'wider' | 'narrower'): string[] {
  const [after, before] = word === 'wider' ? [wide, narrow] : [narrow, wide];
  const reasons: string[] = [];
  if (wide.principal.key !== narrow.principal.key) reasons.push(`${word} principal: ${before.principal.label} → ${after.principal.label}`);
  if (!sameAction(wide, narrow)) reasons.push(`${word} action: ${before.action} → ${after.action}`);
  if (wide.resource.key !== narrow.resource.key) reasons.push(`${word} resource: ${before.resource.label} → ${after.resource.label}`);
  const wideClauses = new Set(wide.conditions.map(clauseKey));
  for (const clause of narrow.conditions) {
    if (!wideClauses.has(clauseKey(clause))) reasons.push(`condition ${word === 'wider' ? 'removed' : 'added'}: ${formatClause(clause)}`);
  }
  return reasons;
}

function conditionChange(before: Grant, after: Grant): string[] {
  const beforeKeys = new Set(before.conditions.map(clauseKey));
  const afterKeys = new Set(after.conditions.map(clauseKey));
  return [
    ...before.conditions.filter((clause) => !afterKeys.has(clauseKey(clause))).map((clause) => `condition removed: ${formatClause(clause)}`),
    ...after.conditions.filter((clause) => !beforeKeys.has(clauseKey(clause))).map((clause) => `condition added: ${formatClause(clause)}`),
  ];
}
