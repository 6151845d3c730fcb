/** Resolves the resources shared across accounts: `kmsKeys`, `repositories` and `secrets`. */
import { ResourceEnv, SECRET_SUFFIX, SecretReference, aliasName, ecrRepositoryArn, parseArn, parseSecretArn } from '../core/arn';
import { KeyInfo } from './model';
import { resolveEnv } from './resolve-accounts';
import { ResolveContext, checkDescription } from './resolve-context';
import { Manifest } from './schema';

/** Reduces a name to lowercase letters and digits, the part that survives in Sids built from it (`my-app1` gives `MyApp1`). */
export function looseName(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Returns the construct id a name gives, because the constructs library replaces each `/` with `--`. */
export function constructId(name: string): string {
  return name.replace(/\//g, '--');
}

export function resolveKey(context: ResolveContext, name: string, key: Manifest['kmsKeys'][string]): void {
  const path = `kmsKeys.${name}`;
  const env = resolveEnv(context, key.account, key.region, path);
  const alias = aliasName(key.alias ?? name);
  if (!/^alias\/[A-Za-z0-9/_-]{1,250}$/.test(alias) || alias.startsWith('alias/aws/')) {
    // Without `alias` the key name is the alias, so the fix is to set one.
    const aliasPath = key.alias === undefined ? path : `${path}.alias`;
    context.problem('kms-alias-invalid', aliasPath, 'an alias has 1 to 250 letters, digits, `/`, `_` and `-` after `alias/`, and does not start with `aws/`', alias, key.alias === undefined ? 'set `alias`, because the key name is not a valid alias' : 'choose another alias');
  }
  checkDescription(context, key.description, `${path}.description`, 8192);
  key.administrators.forEach((administrator, index) => {
    const arn = parseArn(administrator);
    if (!arn || arn.service !== 'iam' || arn.partition !== context.partition || !/^\d{12}$/.test(arn.account)) {
      context.problem('principal-arn-invalid', `${path}.administrators.${index}`, `an administrator is an IAM principal ARN in partition ${context.partition}`, administrator, `give a role ARN such as arn:${context.partition}:iam::<account>:role/<name>`);
    }
  });
  if (!env) return;
  if (key.existingArn !== undefined) {
    const arn = parseArn(key.existingArn);
    if (!arn || arn.service !== 'kms' || !/^key\/[A-Za-z0-9-]+$/.test(arn.resource) || arn.partition !== env.partition || arn.account !== env.account || arn.region !== env.region) {
      context.problem(
        'kms-key-arn-invalid',
        `${path}.existingArn`,
        `an existing key is named by its key ARN in account ${env.account} and region ${env.region}: arn:${env.partition}:kms:${env.region}:${env.account}:key/<key id>`,
        key.existingArn,
        'copy the key ARN (not an alias ARN) from the KMS console, or correct the key\'s `account` and `region`',
      );
      return;
    }
  }
  context.keys.set(name, {
    name,
    env,
    accountKey: key.account,
    alias,
    description: key.description ?? `Customer-managed key ${name}`,
    administrators: key.administrators,
    deletionWindowDays: key.deletionWindowDays,
    existingArn: key.existingArn,
  });
}

/** Looks up a key and checks it lives where the resource using it lives. */
export function keyFor(context: ResolveContext, keyName: string | undefined, path: string, where: ResourceEnv | undefined, sameAccount: boolean): KeyInfo | undefined {
  if (keyName === undefined) return undefined;
  const key = context.keys.get(keyName);
  if (!key) {
    if (!Object.prototype.hasOwnProperty.call(context.manifest.kmsKeys, keyName)) {
      context.problem('kms-key-unknown', path, 'the key must be a key of `kmsKeys`', keyName, `use one of: ${Object.keys(context.manifest.kmsKeys).join(', ') || '(none declared)'}`);
    }
    return undefined;
  }
  if (where && (key.env.region !== where.region || (sameAccount && key.env.account !== where.account))) {
    context.problem(
      'kms-key-location',
      path,
      sameAccount ? 'the key must be in the same account and region as the resource it encrypts' : 'the key must be in the same region as the resource it encrypts',
      keyName,
      `use a key in ${sameAccount ? `account ${where.account}, ` : ''}region ${where.region}`,
    );
  }
  return key;
}

export function resolveRepository(context: ResolveContext, name: string, repository: Manifest['repositories'][string]): void {
  const path = `repositories.${name}`;
  if (name.length < 2 || name.length > 256 || !/^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)) {
    context.problem('repository-name-invalid', path, 'an ECR repository name has 2 to 256 lowercase letters, digits and single `.`, `_`, `-` or `/` separators', name, 'rename the repository');
  }
  const env = resolveEnv(context, repository.account, repository.region, path);
  const kmsKey = keyFor(context, repository.kmsKey, `${path}.kmsKey`, env, true);
  checkOrganizationAccess(context, repository.access, `${path}.access`);
  if (!env) return;
  context.repositories.set(name, {
    name,
    env,
    accountKey: repository.account,
    arn: ecrRepositoryArn(env, name),
    kmsKey,
    access: repository.access,
    keepTaggedImages: repository.keepTaggedImages,
    untaggedExpiryDays: repository.untaggedExpiryDays,
  });
}

function checkOrganizationAccess(context: ResolveContext, access: string, path: string): void {
  if (access === 'organization' && context.manifest.organizationId === undefined) {
    context.problem('organization-id-missing', path, 'organization-wide access needs `organizationId`', access, 'set `organizationId`, or use `access: roles`');
  }
}

export function resolveSecret(context: ResolveContext, name: string, secret: Manifest['secrets'][string]): void {
  const path = `secrets.${name}`;
  if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) {
    context.problem('secret-name-invalid', path, 'a secret name has 1 to 512 letters, digits and `/_+=.@-`', name, 'rename the secret');
    return;
  }
  checkDescription(context, secret.description, `${path}.description`, 2048);
  if (secret.existingArn === undefined && SECRET_SUFFIX.test(name)) {
    context.problem(
      'secret-name-suffix-ambiguous',
      path,
      'a secret name must not end with a hyphen and six characters, because a partial ARN of it looks like a complete ARN and Secrets Manager may resolve it to another secret',
      name,
      'rename the secret, for example by dropping or lengthening the last hyphenated part',
    );
  }
  const env = resolveEnv(context, secret.account, secret.region, path);
  const kmsKey = keyFor(context, secret.kmsKey, `${path}.kmsKey`, env, true);
  checkOrganizationAccess(context, secret.access, `${path}.access`);
  if (!env) return;

  let ref: SecretReference = { env, name };
  if (secret.existingArn !== undefined) {
    const parsed = parseSecretArn(secret.existingArn, true);
    if ('error' in parsed) {
      context.problem('secret-arn-invalid', `${path}.existingArn`, parsed.error, secret.existingArn, 'give the complete ARN, with the six-character suffix, as the Secrets Manager console shows it');
      return;
    }
    if (parsed.env.account !== env.account || parsed.env.region !== env.region || parsed.name !== name || parsed.jsonKey || parsed.versionStage || parsed.versionId) {
      context.problem('secret-arn-mismatch', `${path}.existingArn`, `the ARN must name secret \`${name}\` in account ${env.account} and region ${env.region}, with no JSON key or version`, secret.existingArn, 'correct the ARN, the secret name or its account and region');
      return;
    }
    ref = parsed;
  }
  context.secrets.set(name, {
    name,
    env,
    accountKey: secret.account,
    ref,
    kmsKey,
    created: secret.existingArn === undefined,
    managed: true,
    access: secret.access,
    description: secret.description ?? `Secret ${name}`,
  });
}

/**
 * Reports names that map to one Sid or construct id. Those drop punctuation or turn `/` into
 * `--`, and a duplicate identifier would make synthesis fail.
 */
export function checkDerivedNames(context: ResolveContext, mapPath: string, names: readonly string[], derive: (name: string) => string, id: string, usedIn: string): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const derived = derive(name);
    const previous = seen.get(derived);
    if (previous !== undefined) {
      context.problem(id, `${mapPath}.${name}`, `the name differs from \`${previous}\` only in ${derive === constructId ? '`/` against `--`' : 'punctuation or case'}, and both would give one identifier in ${usedIn}`, name, 'rename one of them');
    }
    seen.set(derived, name);
  }
}

/** Two keys with one alias in the same account and region would fail at apply: KMS aliases are unique there. */
export function checkKeyAliases(context: ResolveContext): void {
  const seen = new Map<string, string>();
  for (const key of context.keys.values()) {
    const slot = `${key.env.account}:${key.env.region}:${key.alias}`;
    const previous = seen.get(slot);
    if (previous) {
      context.problem('kms-alias-duplicate', `kmsKeys.${key.name}.alias`, `alias \`${key.alias}\` is already used by kmsKeys.${previous} in account ${key.env.account} and region ${key.env.region}`, key.alias, 'give each key its own alias');
    }
    seen.set(slot, key.name);
  }
}
