/** Maps zod issues from the manifest schema to manifest problems with stable ids. */
import { z } from 'zod';
import { ManifestProblem } from '../core/errors';
import { closestMatch } from '../core/spelling';
import { ManifestSchema } from './schema';

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(manifest)' : path.map(String).join('.');
}

/**
 * Container fields people carry over from hand-written task definitions to ask for a log
 * configuration. Log groups are created by Terraform with a retention, so ECS must never create
 * them (`awslogs-create-group` would also need `logs:CreateLogGroup` on the execution role).
 */
const LOG_CONFIGURATION_FIELDS = new Set(['logConfiguration', 'logOptions', 'logDriver', 'logGroup', 'logGroupName', 'createLogGroup', 'awslogs-create-group', 'awslogs-group']);

type SchemaNode = { _zod: { def: { type: string; shape?: Record<string, SchemaNode>; valueType?: SchemaNode; innerType?: SchemaNode; element?: SchemaNode; options?: SchemaNode[] } } };

/** Lists the field names the schema allows in the object at `path`, or none when it is not an object. */
export function fieldsAt(path: readonly PropertyKey[]): string[] {
  let nodes: SchemaNode[] = [ManifestSchema as unknown as SchemaNode];
  const unwrap = (node: SchemaNode): SchemaNode[] => {
    const def = node._zod.def;
    if (def.innerType) return unwrap(def.innerType);
    if (def.type === 'union' && def.options) return def.options.flatMap(unwrap);
    return [node];
  };
  for (const key of path) {
    nodes = nodes.flatMap(unwrap).flatMap((node) => {
      const def = node._zod.def;
      if (def.type === 'object' && def.shape && typeof key === 'string' && def.shape[key]) return [def.shape[key]];
      if (def.type === 'record' && def.valueType) return [def.valueType];
      if (def.type === 'array' && def.element) return [def.element];
      return [];
    });
  }
  return [...new Set(nodes.flatMap(unwrap).flatMap((node) => Object.keys(node._zod.def.shape ?? {})))].filter((field) => field !== '$schema');
}

/** Returns the allowed field an unknown one is most likely a misspelling of. */
function suggestedField(parent: readonly PropertyKey[], key: string): string | undefined {
  return closestMatch(key, fieldsAt(parent), Math.max(1, Math.min(3, Math.floor(key.length / 3))));
}

/**
 * Maps every zod issue to manifest problems. A required field reported missing is left out when
 * an unknown field beside it is a misspelling of it, because that one problem explains both.
 */
export function schemaProblemsOf(issues: readonly z.core.$ZodIssue[], raw: unknown): ManifestProblem[] {
  const typos = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const key of issue.keys) {
      const suggestion = suggestedField(issue.path, key);
      if (suggestion) typos.add(joinPath([...issue.path, suggestion]));
    }
  }
  return issues
    .flatMap((issue) => schemaProblems(issue, raw))
    .filter((problem) => !(problem.id === 'field-missing' && typos.has(problem.path)));
}

/** Maps one zod issue to manifest problems: one per unknown field, so each gets its own path. */
export function schemaProblems(issue: z.core.$ZodIssue, raw: unknown): ManifestProblem[] {
  const path = joinPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const keyPath = joinPath([...issue.path, key]);
      if (LOG_CONFIGURATION_FIELDS.has(key)) {
        return {
          id: 'log-configuration-not-supported',
          path: keyPath,
          rule: 'log groups are created by Terraform as /ecs/<service>/<container> with a retention, so ECS is never asked to create or choose one',
          received: valueAt(raw, [...issue.path, key]),
          fix: `remove \`${key}\`; set \`logRetentionDays\` to change how long logs are kept`,
        };
      }
      const suggestion = suggestedField(issue.path, key);
      const fix = suggestion ? `did you mean \`${suggestion}\`? Otherwise remove the field` : 'remove the field or check its spelling against schema/manifest.schema.json';
      return { id: 'field-unknown', path: keyPath, rule: `unknown field \`${key}\``, received: valueAt(raw, [...issue.path, key]), fix };
    });
  }
  return [schemaProblem(issue, raw, path)];
}

function schemaProblem(issue: z.core.$ZodIssue, raw: unknown, path: string): ManifestProblem {
  const received = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (received === undefined) {
        return { id: 'field-missing', path, rule: `a value of type ${issue.expected} is required`, received, fix: `add \`${String(issue.path.at(-1) ?? path)}\`` };
      }
      if (issue.path.length === 3 && issue.path[0] === 'accounts' && issue.path[2] === 'id' && typeof received === 'number') {
        return { id: 'account-id-invalid', path, rule: 'an account id is a string of exactly twelve digits; YAML reads an unquoted id as a number and drops leading zeros', received, fix: 'quote the id, such as id: "012345678901"' };
      }
      return { id: 'field-type', path, rule: `expected ${issue.expected}`, received, fix: `give a ${issue.expected}` };
    case 'invalid_key':
      return { id: 'field-name-invalid', path, rule: issue.issues.map((inner) => inner.message).join('; '), received: issue.path.at(-1), fix: 'rename the entry' };
    case 'invalid_value':
      return { id: 'field-value', path, rule: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`, received, fix: 'use one of the listed values' };
    case 'invalid_union':
      return {
        id: 'secret-source-invalid',
        path,
        rule: 'a secret source is either `{ secret, jsonKey?, versionStage?, versionId?, kmsKey? }` or `{ parameter, kmsKey? }`',
        received,
        fix: 'use `secret:` for Secrets Manager or `parameter:` for SSM Parameter Store',
      };
    case 'too_small':
    case 'too_big':
      return { id: 'field-range', path, rule: issue.message, received, fix: 'change the value to fit the range' };
    default:
      return { id: 'field-format', path, rule: issue.message, received, fix: 'correct the value' };
  }
}
