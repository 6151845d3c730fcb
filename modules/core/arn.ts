/**
 * ARN builders and parsers for the resources an ECS task touches at start-up. Every ARN is built
 * from partition, region and account so no `arn:aws:` literal appears in constructs.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

/** Partition, region and account of a resource. IAM ARNs are global, so their region is the empty string. */
export interface ResourceEnv {
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
}

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Returns whether a region name belongs to the partition: `cn-*` to aws-cn, `us-gov-*` to aws-us-gov. */
export function regionBelongsToPartition(region: string, partition: Partition): boolean {
  if (!REGION_PATTERN.test(region)) return false;
  if (region.startsWith('cn-')) return partition === 'aws-cn';
  if (region.startsWith('us-gov-')) return partition === 'aws-us-gov';
  if (region.includes('-iso')) return false;
  return partition === 'aws';
}

export function dnsSuffix(partition: Partition): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** Returns the endpoint host a service uses in a region, as `kms:ViaService` expects it. */
export function serviceEndpoint(service: string, region: string, partition: Partition): string {
  return `${service}.${region}.${dnsSuffix(partition)}`;
}

export function formatArn(parts: {
  partition: Partition;
  service: string;
  region: string;
  account: string;
  resource: string;
}): string {
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.account}:${parts.resource}`;
}

export interface ParsedArn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** Splits an ARN into its six parts; the resource part keeps any further colons. */
export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, account] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

export function accountRootArn(partition: Partition, account: string): string {
  return formatArn({ partition, service: 'iam', region: '', account, resource: 'root' });
}

/** Builds a role ARN; `path` defaults to `/` and must start and end with `/`. */
export function roleArn(partition: Partition, account: string, name: string, path = '/'): string {
  return formatArn({ partition, service: 'iam', region: '', account, resource: `role${path}${name}` });
}

// ---------------------------------------------------------------------------------------------
// Container images

export type ImageReference =
  | {
      readonly kind: 'ecr';
      readonly uri: string;
      readonly account: string;
      readonly region: string;
      readonly partition: Partition;
      readonly repository: string;
      readonly tag?: string;
      readonly digest?: string;
    }
  | {
      readonly kind: 'other';
      readonly uri: string;
      /** Registry host; `docker.io` when the URI names none. */
      readonly registry: string;
      readonly repository: string;
      readonly tag?: string;
      readonly digest?: string;
    };

const ECR_HOST = /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.(amazonaws\.com|amazonaws\.com\.cn)$/;
const REPOSITORY_PATH = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses an image URI such as `111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1.2` or
 * `nginx@sha256:...`. Returns an error string instead of throwing so callers can name the field.
 */
export function parseImageUri(uri: string): ImageReference | { error: string } {
  if (uri.trim() !== uri || uri.length === 0) return { error: 'an image URI has no spaces and is not empty' };

  let rest = uri;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: 'a digest has the form sha256:<64 lowercase hex digits>' };
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: 'a tag has 1 to 128 letters, digits, `_`, `.` or `-` and does not start with `.` or `-`' };
  }

  const firstSlash = rest.indexOf('/');
  const firstPart = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  const hasRegistry = firstSlash >= 0 && (firstPart.includes('.') || firstPart.includes(':') || firstPart === 'localhost');
  const registry = hasRegistry ? firstPart : 'docker.io';
  const repository = hasRegistry ? rest.slice(firstSlash + 1) : rest;

  if (!REPOSITORY_PATH.test(repository)) {
    return { error: 'a repository path has lowercase letters, digits and single `.`, `_`, `-` or `/` separators' };
  }

  const ecr = ECR_HOST.exec(registry);
  if (ecr) {
    const [, account, , region, suffix] = ecr;
    const partition: Partition = suffix === 'amazonaws.com.cn' ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
    return { kind: 'ecr', uri, account, region, partition, repository, tag, digest };
  }
  if (registry.includes('.dkr.ecr')) {
    return { error: 'an ECR host has the form <12-digit account>.dkr.ecr.<region>.amazonaws.com' };
  }
  return { kind: 'other', uri, registry, repository, tag, digest };
}

export function ecrRepositoryArn(env: ResourceEnv, repository: string): string {
  return formatArn({ ...env, service: 'ecr', resource: `repository/${repository}` });
}

export function ecrRegistryHost(env: ResourceEnv): string {
  return `${env.account}.dkr.ecr.${env.region}.${dnsSuffix(env.partition)}`;
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs

export function logGroupArn(env: ResourceEnv, logGroupName: string): string {
  return formatArn({ ...env, service: 'logs', resource: `log-group:${logGroupName}` });
}

/** ARN pattern for every stream of a log group, the resource of `logs:CreateLogStream` and `logs:PutLogEvents`. */
export function logStreamsArn(env: ResourceEnv, logGroupName: string): string {
  return `${logGroupArn(env, logGroupName)}:log-stream:*`;
}

// ---------------------------------------------------------------------------------------------
// Secrets Manager

/** Secrets Manager appends a hyphen and six random characters to every secret name in its ARN. */
export const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

export interface SecretReference {
  readonly env: ResourceEnv;
  /** Secret name without the random suffix. */
  readonly name: string;
  /** The random six-character suffix, when the reference is a complete ARN. */
  readonly suffix?: string;
  readonly jsonKey?: string;
  readonly versionStage?: string;
  readonly versionId?: string;
}

/**
 * Parses a Secrets Manager ARN as ECS accepts it in `valueFrom`:
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>[-XXXXXX][:json-key:version-stage:version-id]`.
 * `complete` states whether the name carries the random suffix. Callers decide, because
 * `name-abcdef` is ambiguous on its own.
 */
export function parseSecretArn(arn: string, complete: boolean): SecretReference | { error: string } {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'secretsmanager' || !parsed.resource.startsWith('secret:')) {
    return { error: 'a Secrets Manager ARN has the form arn:<partition>:secretsmanager:<region>:<account>:secret:<name>' };
  }
  if (!PARTITIONS.includes(parsed.partition as Partition)) return { error: `unknown partition "${parsed.partition}"` };
  if (!/^\d{12}$/.test(parsed.account)) return { error: 'the account part of the ARN is twelve digits' };
  const fields = parsed.resource.slice('secret:'.length).split(':');
  if (fields.length !== 1 && fields.length !== 4) {
    return { error: 'after the secret name ECS expects either nothing or exactly three fields: json-key:version-stage:version-id' };
  }
  const [fullName, jsonKey, versionStage, versionId] = fields;
  if (fullName.length === 0) return { error: 'the secret name is empty' };
  if (versionStage && versionId) return { error: 'give either a version stage or a version id, not both' };
  let name = fullName;
  let suffix: string | undefined;
  if (complete) {
    if (!SECRET_SUFFIX.test(fullName)) return { error: 'a complete secret ARN ends with a hyphen and six random characters' };
    name = fullName.slice(0, -7);
    suffix = fullName.slice(-6);
  }
  const env: ResourceEnv = { partition: parsed.partition as Partition, region: parsed.region, account: parsed.account };
  return {
    env,
    name,
    suffix,
    jsonKey: jsonKey || undefined,
    versionStage: versionStage || undefined,
    versionId: versionId || undefined,
  };
}

/** Returns the secret's ARN without the `valueFrom` suffix: complete when the random suffix is known, partial otherwise. */
export function secretArn(ref: SecretReference): string {
  const name = ref.suffix ? `${ref.name}-${ref.suffix}` : ref.name;
  return formatArn({ ...ref.env, service: 'secretsmanager', resource: `secret:${name}` });
}

/**
 * Returns the resource an IAM or resource policy grants for the secret. A partial ARN becomes
 * `<name>-??????` so it matches exactly six suffix characters and never a secret whose name
 * merely starts with this one.
 */
export function secretPolicyResource(ref: SecretReference): string {
  if (ref.suffix) return secretArn(ref);
  return formatArn({ ...ref.env, service: 'secretsmanager', resource: `secret:${ref.name}-??????` });
}

/** Returns the `valueFrom` string for the task definition: the ARN plus `:json-key:version-stage:version-id` when any is set. */
export function secretValueFrom(ref: SecretReference): string {
  const base = secretArn(ref);
  if (!ref.jsonKey && !ref.versionStage && !ref.versionId) return base;
  return `${base}:${ref.jsonKey ?? ''}:${ref.versionStage ?? ''}:${ref.versionId ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// SSM Parameter Store

/**
 * Builds a parameter ARN. The ARN has exactly one `/` after `parameter`, whether or not the
 * name starts with one: `/app/db` and `app` become `parameter/app/db` and `parameter/app`.
 */
export function ssmParameterArn(env: ResourceEnv, name: string): string {
  const trimmed = name.startsWith('/') ? name.slice(1) : name;
  return formatArn({ ...env, service: 'ssm', resource: `parameter/${trimmed}` });
}

/** Returns the reason a parameter name is invalid, or undefined when it is valid. */
export function ssmParameterNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'a parameter name is not empty';
  if (name.length > 1011) return 'a parameter name has at most 1011 characters';
  if (!/^[A-Za-z0-9_.\-/]+$/.test(name)) return 'a parameter name has only letters, digits, `_`, `.`, `-` and `/`';
  if (name.includes('/') && !name.startsWith('/')) return 'a hierarchical parameter name (one with `/`) starts with `/`';
  if (name.includes('//')) return 'a parameter name has no empty path segment (`//`)';
  if (name.endsWith('/')) return 'a parameter name does not end with `/`';
  if (/^\/?(aws|ssm)/i.test(name)) return 'a parameter name does not start with `aws` or `ssm`, which AWS reserves';
  if (name.split('/').length - 1 > 15) return 'a parameter hierarchy has at most 15 levels';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// KMS

export function kmsKeyArn(env: ResourceEnv, keyId: string): string {
  return formatArn({ ...env, service: 'kms', resource: `key/${keyId}` });
}

/** ARN pattern matching every key of an account and region; narrowed by an alias condition where used. */
export function kmsKeysInAccountArn(env: ResourceEnv): string {
  return formatArn({ ...env, service: 'kms', resource: 'key/*' });
}

export function kmsAliasArn(env: ResourceEnv, alias: string): string {
  return formatArn({ ...env, service: 'kms', resource: aliasName(alias) });
}

/** Returns `alias/<name>` whether or not the input already starts with `alias/`. */
export function aliasName(alias: string): string {
  return alias.startsWith('alias/') ? alias : `alias/${alias}`;
}

// ---------------------------------------------------------------------------------------------
// ECS

/** Returns the ARN pattern the ECS developer guide gives for `aws:SourceArn` in task role trust policies. */
export function ecsSourceArnPattern(env: ResourceEnv): string {
  return formatArn({ ...env, service: 'ecs', resource: '*' });
}
