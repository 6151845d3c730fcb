/**
 * Wildcard rules for task role statements. `*` and `?` in an action always widen it, so any
 * wildcard action needs the opt-in. In a resource, a wildcard after a named resource
 * (`arn:aws:s3:::my-bucket/*`) only reaches that resource's children, so it is allowed. A wildcard
 * in place of the resource name itself, or of the region or account, needs the opt-in.
 */

/** Services whose ARN resource part starts with the resource name rather than a resource type. */
const NAME_FIRST_SERVICES = new Set(['s3', 'sqs', 'sns', 'execute-api']);

const WILDCARD = /[*?]/;

export function isWildcardAction(action: string): boolean {
  return WILDCARD.test(action);
}

/**
 * Returns why a resource's wildcard is broad, or undefined when the resource has no wildcard or
 * only one below a named resource. The `-??????` suffix of a Secrets Manager partial ARN counts
 * as narrow, because it matches exactly the random suffix of one secret.
 */
export function broadResourceWildcard(resource: string): string | undefined {
  if (!WILDCARD.test(resource)) return undefined;
  if (resource === '*') return '`*` matches every resource';
  const parts = resource.split(':');
  if (parts.length < 6) return 'the resource is a pattern, not an ARN';
  const [, partition, service, region, account] = parts;
  if ([partition, service, region, account].some((field) => WILDCARD.test(field))) {
    return 'a wildcard in the partition, service, region or account matches resources in places this service does not run';
  }
  const resourcePart = parts.slice(5).join(':');
  if (service === 'secretsmanager' && /^secret:[^*?]+-\?{6}$/.test(resourcePart)) return undefined;
  const segments = resourcePart.split(/[/:]/).filter((segment) => segment.length > 0);
  const firstWildcard = segments.findIndex((segment) => WILDCARD.test(segment));
  const nameIndex = NAME_FIRST_SERVICES.has(service) ? 0 : 1;
  if (firstWildcard <= nameIndex) return 'the wildcard stands for the resource name, so it matches every resource of that type';
  return undefined;
}
