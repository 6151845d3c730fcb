import { parseArn } from '../core/arn';
import { SynthesizedStack, TerraformResource } from './synthesized';

/** The things a report names and the access graph draws. */
export type EntityKind = 'role' | 'repository' | 'key' | 'secret' | 'account' | 'service' | 'anyone' | 'policy' | 'endpoint';

export interface Entity {
  readonly kind: EntityKind;
  /** Role, repository or secret name; key alias without `alias/` (`*` for every key of an account); account id; service host. */
  readonly name: string;
  readonly account?: string;
  readonly region?: string;
}

/** A principal or resource of a grant: `key` decides equality, `label` is what a person reads. */
export interface Subject {
  readonly key: string;
  readonly label: string;
  /** The string as the policy wrote it (an ARN, `*` or a reference); wildcard coverage is tested on it. */
  readonly value?: string;
  /** Set when the value names one entity exactly or a pattern the graph can still draw. */
  readonly entity?: Entity;
}

/** A Terraform reference such as `${aws_iam_role.X.arn}`, when the whole string is one. */
export interface Reference {
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
}

const REFERENCE = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/;

export function parseReference(value: string): Reference | undefined {
  const match = REFERENCE.exec(value);
  return match ? { type: match[1], name: match[2], attribute: match[3] } : undefined;
}

export function entityKey(entity: Entity): string {
  return [entity.kind, entity.account ?? '', entity.region ?? '', entity.name].join(':');
}

export function entityLabel(entity: Entity): string {
  switch (entity.kind) {
    case 'anyone':
      return 'anyone (*)';
    case 'account':
      return `account ${entity.name}`;
    case 'service':
      return `service ${entity.name}`;
    case 'key':
      return entity.name === '*' ? `any key${entity.account ? ` in ${entity.account}` : ''}` : `key ${entity.name}${entity.account ? ` (${entity.account})` : ''}`;
    default:
      return `${entity.kind} ${entity.name}${entity.account ? ` (${entity.account})` : ''}`;
  }
}

function hasWildcard(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

/**
 * Resolves references and ARNs of one stack into readable entities. Names come from the
 * resources' own attributes (a role's `name`, a key's alias), so a report shows
 * `role my-app1-execution` where the JSON contains `${aws_iam_role.service-my-app1_execution-role_F51169D7.arn}`.
 */
export class StackResolver {
  private readonly keyAliases = new Map<string, string>();

  constructor(readonly stack: SynthesizedStack) {
    for (const resource of stack.resources.values()) {
      if (resource.type !== 'aws_kms_alias') continue;
      const target = typeof resource.attributes.target_key_id === 'string' ? parseReference(resource.attributes.target_key_id) : undefined;
      const alias = resource.attributes.name;
      if (target && typeof alias === 'string' && !this.keyAliases.has(`${target.type}.${target.name}`)) {
        this.keyAliases.set(`${target.type}.${target.name}`, alias.replace(/^alias\//, ''));
      }
    }
  }

  /** Returns the entity of a role, repository, key, secret, managed policy or VPC endpoint of this stack, else undefined. */
  entityOf(resource: TerraformResource): Entity | undefined {
    const { account, region } = this.stack;
    const name = typeof resource.attributes.name === 'string' ? resource.attributes.name : undefined;
    switch (resource.type) {
      case 'aws_iam_role':
        return { kind: 'role', name: name ?? resource.name, account };
      case 'aws_iam_policy':
        return { kind: 'policy', name: name ?? resource.name, account };
      case 'aws_ecr_repository':
        return { kind: 'repository', name: name ?? resource.name, account, region };
      case 'aws_secretsmanager_secret':
        return { kind: 'secret', name: name ?? resource.name, account, region };
      case 'aws_kms_key':
        return { kind: 'key', name: this.keyAliases.get(resource.address) ?? resource.name, account, region };
      case 'aws_vpc_endpoint': {
        const service = resource.attributes.service_name;
        return { kind: 'endpoint', name: typeof service === 'string' ? service : resource.name, account, region };
      }
      default:
        return undefined;
    }
  }

  /** Looks up the resource a whole-string reference points to, when it is in this stack. */
  referenced(value: unknown): TerraformResource | undefined {
    if (typeof value !== 'string') return undefined;
    const reference = parseReference(value);
    return reference ? this.stack.resources.get(`${reference.type}.${reference.name}`) : undefined;
  }

  /** Resolves the `role` attribute of a role policy: a reference such as `${aws_iam_role.X.name}`, an ARN or a plain name. */
  roleByAttribute(value: unknown): Entity | undefined {
    const resource = this.referenced(value);
    if (resource) return this.entityOf(resource);
    if (typeof value !== 'string') return undefined;
    const parsed = parseArn(value);
    if (parsed) return this.fromArn(value)?.entity;
    return { kind: 'role', name: value, account: this.stack.account };
  }

  /** Turns an `AWS` principal, a resource ARN or a reference into a subject. */
  subject(value: string): Subject {
    return { ...this.subjectWithoutValue(value), value };
  }

  private subjectWithoutValue(value: string): Subject {
    if (value === '*') return { key: '*', label: 'anyone (*)', entity: { kind: 'anyone', name: '*' } };
    if (/^\d{12}$/.test(value)) return this.exact({ kind: 'account', name: value, account: value });

    const reference = parseReference(value);
    if (reference) {
      const resource = this.stack.resources.get(`${reference.type}.${reference.name}`);
      const entity = resource ? this.entityOf(resource) : undefined;
      if (entity) return this.exact(entity, reference.attribute === 'arn' ? '' : `#${reference.attribute}`);
      return { key: value, label: value };
    }

    return this.fromArn(value) ?? { key: value, label: value };
  }

  /** Subject for a non-AWS principal type: `Service`, `Federated` or `CanonicalUser`. */
  principalOfType(type: string, value: string): Subject {
    if (type === 'AWS') return this.subject(value);
    if (type === 'Service') return this.exact({ kind: 'service', name: value });
    return { key: `${type}:${value}`, label: `${type} ${value}` };
  }

  private exact(entity: Entity, suffix = ''): Subject {
    return { key: entityKey(entity) + suffix, label: entityLabel(entity) + suffix, entity };
  }

  /** Reads an ARN; wildcards keep the ARN itself as the key, so widening a pattern is a change. */
  private fromArn(value: string): Subject | undefined {
    const arn = parseArn(value);
    if (!arn) return undefined;
    const account = arn.account || undefined;
    const region = arn.region || undefined;
    const pattern = hasWildcard(value);
    const named = (entity: Entity): Subject => (pattern ? { key: value, label: entityLabel(entity), entity } : this.exact(entity));

    if (arn.service === 'iam' && arn.resource === 'root' && account) return named({ kind: 'account', name: account, account });
    if (arn.service === 'iam' && arn.resource.startsWith('role/')) {
      const name = arn.resource.split('/').pop() ?? arn.resource;
      const entity: Entity = { kind: 'role', name, account };
      return pattern ? { key: value, label: `roles matching ${arn.resource.slice('role'.length)}${account ? ` (${account})` : ''}` } : named(entity);
    }
    if (arn.service === 'ecr' && arn.resource.startsWith('repository/')) {
      const name = arn.resource.slice('repository/'.length);
      return pattern ? { key: value, label: `repositories matching ${name}${account ? ` (${account})` : ''}` } : named({ kind: 'repository', name, account, region });
    }
    if (arn.service === 'secretsmanager' && arn.resource.startsWith('secret:')) {
      const name = arn.resource.slice('secret:'.length);
      // `-??????` stands for the random suffix Secrets Manager appends, so it still names one secret.
      const base = name.endsWith('-??????') ? name.slice(0, -'-??????'.length) : name;
      if (hasWildcard(base)) return { key: value, label: `secrets matching ${name}${account ? ` (${account})` : ''}` };
      return named({ kind: 'secret', name: base, account, region });
    }
    if (arn.service === 'kms' && arn.resource === 'key/*') return named({ kind: 'key', name: '*', account, region });
    return { key: value, label: value };
  }
}
