/**
 * Parses the texts a failed ECS task start leaves behind: the stopped reason or service event,
 * a CloudTrail record with `errorCode`/`errorMessage`, or `aws` CLI error output. The parser
 * only extracts facts (principal, action, resource, AWS's hint on which policy type decided);
 * deciding what they mean is left to `diagnose.ts`.
 */
import { Partition, PARTITIONS, parseArn, roleArn } from '../core/arn';

/** The failed step, as far as the message alone shows it. */
export type MessageKind =
  | 'image-pull'
  | 'registry-auth'
  | 'secret-fetch'
  | 'parameter-fetch'
  | 'kms-decrypt'
  | 'log-delivery'
  | 'role-assumption'
  | 'network-timeout'
  | 'ecs-exec-disabled'
  | 'ecs-exec-not-connected'
  | 'access-denied'
  | 'unrecognized';

/** Policy types AWS names in "with an explicit deny in a ..." and "because no ... allows". */
export type PolicyType =
  | 'identity-based policy'
  | 'resource-based policy'
  | 'service control policy'
  | 'resource control policy'
  | 'permissions boundary'
  | 'session policy'
  | 'VPC endpoint policy';

export interface DenialHint {
  readonly explicitDeny: boolean;
  readonly policyType: PolicyType;
}

/** The service call ECS was making when the message was written, from the ECS wording around the error. */
export type StartUpStep = 'ecr-auth' | 'image-pull' | 'secrets-manager' | 'ssm' | 'logs' | 'ecs-exec';

export interface ParsedMessage {
  readonly kind: MessageKind;
  readonly source: 'ecs' | 'cloudtrail' | 'cli';
  /** The principal exactly as the message names it, such as an `assumed-role` session ARN. */
  readonly principal?: string;
  /** The IAM role behind the principal. From a session ARN the role path is unknown, so the ARN has path `/`. */
  readonly roleArn?: string;
  readonly roleName?: string;
  readonly account?: string;
  readonly action?: string;
  readonly resource?: string;
  readonly hint?: DenialHint;
  /** The step ECS was in, when the message names it. */
  readonly step?: StartUpStep;
  /** Secret ARN from "failed to fetch secret <arn>", which ECS adds to secret errors without a resource. */
  readonly secretArn?: string;
  /** Image from "failed to resolve ref <image>" and similar pull errors. */
  readonly image?: { readonly account: string; readonly region: string; readonly repository: string };
  /** Host of a timed-out call, such as `api.ecr.eu-west-1.amazonaws.com`; undefined when only an IP address is given. */
  readonly host?: string;
  /** True when AWS reports the resource as missing (ResourceNotFoundException, invalid parameters, an unknown image), not as denied. */
  readonly notFound?: boolean;
  /** True for "Access to KMS is not allowed", which Secrets Manager returns when the key denies kms:Decrypt. */
  readonly kmsDeniedThroughService?: boolean;
  readonly errorCode?: string;
  /** The message with surrounding white space removed, for the report. */
  readonly text: string;
}

const POLICY_TYPES: readonly PolicyType[] = [
  'identity-based policy',
  'resource-based policy',
  'service control policy',
  'resource control policy',
  'permissions boundary',
  'session policy',
  'VPC endpoint policy',
];

const NOT_AUTHORIZED = /(?:User|Principal): (\S+) is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)(?: on resource: (\S+))?/;
const ASSUME_FAILED = /ECS was unable to assume the role '([^']+)'/;
const FETCH_SECRET = /failed to fetch secret (arn:[^\s]+?) from secrets manager/;
const IMAGE_HOST = /(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([A-Za-z0-9._\/-]+)/;
const URL_HOST = /https?:\/\/([A-Za-z0-9.-]+\.amazonaws\.com(?:\.cn)?)/;
const NOT_FOUND = /ResourceNotFoundException|ParameterNotFound|invalid parameters|RepositoryNotFoundException|ImageNotFoundException|manifest unknown|: not found|does not exist/i;
const TIMEOUT = /i\/o timeout|context deadline exceeded|RequestCanceled|Client\.Timeout exceeded|connection timed out|dial tcp [^:]+:443: connect: connection refused|no such host/i;

function hintOf(text: string): DenialHint | undefined {
  for (const policyType of POLICY_TYPES) {
    const escaped = policyType.replace(/ /g, '\\s+');
    if (new RegExp(`explicit\\s+deny\\s+in\\s+an?\\s+${escaped}`, 'i').test(text)) return { explicitDeny: true, policyType };
    if (new RegExp(`because\\s+no\\s+${escaped}\\s+allows`, 'i').test(text)) return { explicitDeny: false, policyType };
  }
  return undefined;
}

/** Strips punctuation that ends a sentence from an ARN taken out of running text. */
function cleanResource(value: string | undefined): string | undefined {
  return value?.replace(/^["'(]+/, '').replace(/["',;)]+$/, '').replace(/\.$/, '');
}

/** Turns an `assumed-role` session ARN or a role ARN into the role's name and ARN. */
export function roleOfPrincipal(principal: string): { roleArn: string; roleName: string; account: string } | undefined {
  const parsed = parseArn(principal);
  if (!parsed || !PARTITIONS.includes(parsed.partition as Partition)) return undefined;
  const partition = parsed.partition as Partition;
  if (parsed.service === 'sts' && parsed.resource.startsWith('assumed-role/')) {
    const roleName = parsed.resource.split('/')[1];
    if (!roleName) return undefined;
    return { roleArn: roleArn(partition, parsed.account, roleName), roleName, account: parsed.account };
  }
  if (parsed.service === 'iam' && parsed.resource.startsWith('role/')) {
    const segments = parsed.resource.split('/');
    return { roleArn: principal, roleName: segments[segments.length - 1], account: parsed.account };
  }
  return undefined;
}

function stepOf(text: string): StartUpStep | undefined {
  if (/unable to retrieve ecr registry auth/i.test(text)) return 'ecr-auth';
  if (/from asm\b|from secrets manager/i.test(text)) return 'secrets-manager';
  if (/unable to retrieve secrets? from ssm/i.test(text)) return 'ssm';
  if (/failed to validate logger args|Cloudwatch log stream|awslogs/i.test(text)) return 'logs';
  if (/CannotPullContainerError|pull image manifest|failed to resolve ref|layer/i.test(text)) return 'image-pull';
  if (/ExecuteCommand|execute command/i.test(text)) return 'ecs-exec';
  return undefined;
}

function kindOfAction(action: string): MessageKind {
  const [service, name] = action.split(':');
  if (action === 'ecr:GetAuthorizationToken') return 'registry-auth';
  if (service === 'ecr') return 'image-pull';
  if (service === 'secretsmanager') return 'secret-fetch';
  if (service === 'ssm') return 'parameter-fetch';
  if (service === 'kms') return 'kms-decrypt';
  if (service === 'logs') return 'log-delivery';
  if (service === 'sts' && name.startsWith('AssumeRole')) return 'role-assumption';
  if (service === 'ssmmessages') return 'ecs-exec-not-connected';
  return 'access-denied';
}

function kindOfStep(step: StartUpStep | undefined): MessageKind {
  switch (step) {
    case 'ecr-auth':
      return 'registry-auth';
    case 'image-pull':
      return 'image-pull';
    case 'secrets-manager':
      return 'secret-fetch';
    case 'ssm':
      return 'parameter-fetch';
    case 'logs':
      return 'log-delivery';
    default:
      return 'unrecognized';
  }
}

interface CloudTrailRecord {
  errorCode?: string;
  errorMessage?: string;
  eventSource?: string;
  eventName?: string;
  userIdentity?: { arn?: string; sessionContext?: { sessionIssuer?: { arn?: string } } };
  requestParameters?: Record<string, unknown>;
  resources?: { ARN?: string; arn?: string }[];
}

/** Accepts a CloudTrail record, a `{"Records": [...]}` file or an event from `lookup-events` whose `CloudTrailEvent` is a JSON string. */
function cloudTrailRecord(text: string): CloudTrailRecord | undefined {
  if (!text.startsWith('{')) return undefined;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(text) as Record<string, unknown>;
    if (Array.isArray(record.Records)) record = (record.Records as Record<string, unknown>[]).find((entry) => entry.errorCode) ?? {};
    if (typeof record.CloudTrailEvent === 'string') record = JSON.parse(record.CloudTrailEvent) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  return typeof record.errorCode === 'string' || typeof record.errorMessage === 'string' ? (record as CloudTrailRecord) : undefined;
}

/** Finds the resource a CloudTrail record names in `resources` or in the request parameters ECS start-up calls use. */
function cloudTrailResource(record: CloudTrailRecord): string | undefined {
  const listed = record.resources?.map((entry) => entry.ARN ?? entry.arn).find(Boolean);
  if (listed) return listed;
  const parameters = record.requestParameters ?? {};
  for (const field of ['secretId', 'keyId', 'name', 'logGroupName']) {
    if (typeof parameters[field] === 'string') return parameters[field] as string;
  }
  if (Array.isArray(parameters.names) && typeof parameters.names[0] === 'string') return parameters.names[0];
  return undefined;
}

function fromCloudTrail(record: CloudTrailRecord, text: string): ParsedMessage {
  const message = record.errorMessage ?? '';
  const denied = NOT_AUTHORIZED.exec(message);
  const principal = record.userIdentity?.arn ?? denied?.[1];
  const issuer = record.userIdentity?.sessionContext?.sessionIssuer?.arn;
  const roleSource = issuer ?? principal;
  const role = roleSource ? roleOfPrincipal(roleSource) : undefined;
  const service = record.eventSource?.split('.')[0];
  const kmsDenied = /Access to KMS is not allowed/i.test(message);
  const called = cleanResource(denied?.[3]) ?? cloudTrailResource(record);
  // Secrets Manager reports a key that denies kms:Decrypt on the GetSecretValue event, so the key is the request.
  const action = kmsDenied ? 'kms:Decrypt' : denied?.[2] ?? (service && record.eventName ? `${service}:${record.eventName}` : undefined);
  const resource = kmsDenied ? undefined : called;
  let kind: MessageKind = 'access-denied';
  if (kmsDenied) kind = 'kms-decrypt';
  else if (action) kind = kindOfAction(action);
  let step: StartUpStep | undefined;
  if (service === 'secretsmanager') step = 'secrets-manager';
  if (service === 'ssm') step = 'ssm';
  return {
    kind,
    source: 'cloudtrail',
    principal,
    roleArn: role?.roleArn,
    roleName: role?.roleName,
    account: role?.account,
    action,
    resource,
    hint: hintOf(message),
    kmsDeniedThroughService: kmsDenied || undefined,
    secretArn: service === 'secretsmanager' && called?.startsWith('arn:') ? called : undefined,
    step,
    errorCode: record.errorCode,
    text,
  };
}

function imageOf(text: string): ParsedMessage['image'] {
  const match = IMAGE_HOST.exec(text);
  if (!match) return undefined;
  let repository = match[3];
  // Registry API URLs put the repository between `/v2/` and `/manifests/` or `/blobs/`.
  const api = /^v2\/(.+?)\/(?:manifests|blobs)\//.exec(repository);
  if (api) repository = api[1];
  return { account: match[1], region: match[2], repository: repository.replace(/[.:]+$/, '') };
}

/** Parses one message; never throws, and returns kind `unrecognized` for text it cannot place. */
export function parseMessage(input: string): ParsedMessage {
  const text = input.trim();
  const record = cloudTrailRecord(text);
  if (record) return fromCloudTrail(record, text);

  const source: ParsedMessage['source'] = /An error occurred \(/.test(text) ? 'cli' : 'ecs';
  const errorCode = /An error occurred \(([A-Za-z]+)\)/.exec(text)?.[1] ?? /\b([A-Za-z]+Exception)\b/.exec(text)?.[1];
  const step = stepOf(text);

  const assume = ASSUME_FAILED.exec(text);
  if (assume) {
    const role = roleOfPrincipal(assume[1]);
    return { kind: 'role-assumption', source, roleArn: role?.roleArn ?? assume[1], roleName: role?.roleName, account: role?.account, action: 'sts:AssumeRole', resource: assume[1], errorCode, text };
  }
  if (/execute command was not enabled/i.test(text)) return { kind: 'ecs-exec-disabled', source, step: 'ecs-exec', errorCode, text };
  if (/TargetNotConnectedException/.test(text)) return { kind: 'ecs-exec-not-connected', source, step: 'ecs-exec', errorCode, text };

  const denied = NOT_AUTHORIZED.exec(text);
  const secretArn = FETCH_SECRET.exec(text)?.[1];
  const image = imageOf(text);
  const kmsDenied = /Access to KMS is not allowed|ciphertext refers to a customer master key/i.test(text);
  if (denied) {
    const role = roleOfPrincipal(denied[1]);
    return {
      kind: kindOfAction(denied[2]),
      source,
      principal: denied[1],
      roleArn: role?.roleArn,
      roleName: role?.roleName,
      account: role?.account,
      action: denied[2],
      resource: cleanResource(denied[3]),
      hint: hintOf(text),
      step,
      secretArn,
      image,
      errorCode,
      text,
    };
  }
  if (kmsDenied) {
    return { kind: 'kms-decrypt', source, action: 'kms:Decrypt', step, secretArn, kmsDeniedThroughService: true, errorCode, text };
  }
  if (TIMEOUT.test(text)) {
    return { kind: 'network-timeout', source, step, secretArn, image, host: URL_HOST.exec(text)?.[1], errorCode, text };
  }
  if (/403 Forbidden|AccessDenied|not authorized/i.test(text) || NOT_FOUND.test(text) || step) {
    return { kind: kindOfStep(step), source, step, secretArn, image, notFound: NOT_FOUND.test(text) || undefined, errorCode, text };
  }
  return { kind: 'unrecognized', source, errorCode, text };
}
