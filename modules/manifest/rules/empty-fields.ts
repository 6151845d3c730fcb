import { z } from 'zod';
import { ManifestProblem } from '../../core/errors';
import { ManifestSchema } from '../schema';

/** Internal zod 4 shape of a schema; only the parts this walk reads. */
interface SchemaInternals {
  readonly _zod: {
    readonly optin?: string;
    readonly def: {
      readonly type: string;
      readonly shape?: Record<string, z.ZodType>;
      readonly innerType?: z.ZodType;
      readonly valueType?: z.ZodType;
      readonly element?: z.ZodType;
      readonly options?: readonly z.ZodType[];
      readonly in?: z.ZodType;
    };
  };
}

function internals(schema: z.ZodType): SchemaInternals {
  return schema as unknown as SchemaInternals;
}

/** Strips `optional`, `default`, `prefault` and `pipe` wrappers down to the schema that defines the shape. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = internals(current)._zod.def;
    if (def.innerType && ['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(def.type)) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** Returns the schema of property `key` of an object schema, of a record's values, or of any object option of a union. */
function propertySchema(schema: z.ZodType, key: string): z.ZodType | undefined {
  const def = internals(unwrap(schema))._zod.def;
  if (def.type === 'object') return def.shape?.[key];
  if (def.type === 'record') return def.valueType;
  if (def.type === 'union') {
    for (const option of def.options ?? []) {
      const found = propertySchema(option, key);
      if (found) return found;
    }
  }
  return undefined;
}

function isOptional(schema: z.ZodType): boolean {
  return internals(schema)._zod.optin !== undefined;
}

/** Maps whose values are free text: an empty environment value is a legitimate setting. */
const FREE_TEXT_MAPS = new Set(['environment']);

/**
 * Finds object fields set to an empty or blank string, or to YAML null. An optional field left
 * empty would otherwise reach Terraform as `""` (an empty ARN, bucket or alias) and fail at apply.
 * So an empty optional field gets the fix to remove it, and an empty required one a request for a value.
 */
export function findEmptyFields(raw: unknown): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const visit = (value: unknown, schema: z.ZodType | undefined, path: string[]): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      const element = schema && internals(unwrap(schema))._zod.def.element;
      value.forEach((item, index) => visit(item, element, [...path, String(index)]));
      return;
    }
    if (FREE_TEXT_MAPS.has(path.at(-1) ?? '')) return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childSchema = schema && propertySchema(schema, key);
      const childPath = [...path, key];
      const empty = child === null || (typeof child === 'string' && child.trim() === '');
      if (empty && childSchema) {
        const optional = isOptional(childSchema);
        problems.push({
          id: 'field-empty',
          path: childPath.join('.'),
          rule: optional ? 'an optional field is either left out or given a value; empty is neither' : 'this field needs a value',
          received: child,
          fix: optional ? 'remove the field' : 'give a value',
        });
        continue;
      }
      visit(child, childSchema, childPath);
    }
  };
  visit(raw, ManifestSchema, []);
  return problems;
}
