/** Resolves the `secrets` of a container: Secrets Manager secrets by name or ARN, and SSM parameters. */
import {
  ResourceEnv,
  SECRET_SUFFIX,
  SecretReference,
  parseArn,
  parseSecretArn,
  regionBelongsToPartition,
  secretArn,
  secretPolicyResource,
  secretValueFrom,
  ssmParameterArn,
  ssmParameterNameProblem,
} from '../core/arn';
import { SecretInfo, SecretUse } from './model';
import { ResolveContext } from './resolve-context';
import { keyFor } from './resolve-shared';
import { SecretSource } from './schema';

/** Resolves `secret:` values: a name from `secrets`, or a secret ARN. */
export function lookUpSecret(context: ResolveContext, value: string, path: string): SecretInfo | undefined {
  const declared = context.secrets.get(value);
  if (declared) return declared;
  if (Object.prototype.hasOwnProperty.call(context.manifest.secrets, value)) return undefined;
  if (!value.startsWith('arn:')) {
    context.problem(
      'secret-bare-name',
      path,
      'a Secrets Manager source must be a name declared under `secrets` or a secret ARN; ECS treats any other bare name as an SSM parameter',
      value,
      `declare \`${value}\` under \`secrets\` with its account, or give its ARN`,
    );
    return undefined;
  }

  const complete = SECRET_SUFFIX.test(value.split(':').slice(6, 7)[0] ?? '');
  const parsed = parseSecretArn(value, complete);
  if ('error' in parsed) {
    context.problem('secret-arn-invalid', path, parsed.error, value, 'give the complete secret ARN');
    return undefined;
  }
  if (parsed.env.partition !== context.partition) {
    context.problem('secret-arn-invalid', path, `the secret ARN must be in partition ${context.partition}`, value, 'use a secret of the same partition');
    return undefined;
  }
  if (!regionBelongsToPartition(parsed.env.region, context.partition)) {
    context.problem('region-not-in-partition', path, `the secret's region must exist in partition ${context.partition}`, parsed.env.region, 'correct the region in the ARN');
    return undefined;
  }
  if (parsed.jsonKey || parsed.versionStage || parsed.versionId) {
    context.problem('secret-arn-suffix', path, 'give the JSON key and version in `jsonKey`, `versionStage` and `versionId`, not inside the ARN', value, 'move the suffix fields into their own keys');
    return undefined;
  }

  const declaredMatch = [...context.secrets.values()].find(
    (secret) => secret.env.account === parsed.env.account && secret.env.region === parsed.env.region && secret.name === parsed.name && (parsed.suffix === undefined || secret.ref.suffix === undefined || secret.ref.suffix === parsed.suffix),
  );
  if (declaredMatch) return declaredMatch;
  // Names are unique in an account and region, so another suffix means a deleted and recreated secret or a typo.
  const sameName = [...context.secrets.values()].find((secret) => secret.env.account === parsed.env.account && secret.env.region === parsed.env.region && secret.name === parsed.name);
  if (sameName) {
    context.problem(
      'secret-arn-stale',
      path,
      `the ARN names secret \`${parsed.name}\`, which \`secrets\` declares with another random suffix (${secretArn(sameName.ref)})`,
      value,
      `use \`{ secret: ${sameName.name} }\`, or correct \`secrets.${sameName.name}.existingArn\` if the secret was recreated`,
    );
    return undefined;
  }
  if (!context.accountsById.has(parsed.env.account)) {
    context.problem('secret-account-unknown', path, 'the secret account must be declared under `accounts`', parsed.env.account, 'add the account to `accounts`, or declare the secret under `secrets` with `existingArn`');
    return undefined;
  }

  const key = `${parsed.env.account}:${parsed.env.region}:${parsed.name}`;
  const known = context.outsideSecrets.get(key);
  if (known) return known;
  const info: SecretInfo = {
    name: parsed.name,
    env: parsed.env,
    ref: { ...parsed, jsonKey: undefined, versionStage: undefined, versionId: undefined },
    created: false,
    managed: false,
    access: 'roles',
    description: '',
  };
  context.outsideSecrets.set(key, info);
  // A name ending in a hyphen and six characters looks like a complete ARN, so it was read as one above.
  const suffixNote = parsed.suffix
    ? `. The ARN is read as complete, with name \`${parsed.name}\` and random suffix \`${parsed.suffix}\`; if the secret is named \`${parsed.name}-${parsed.suffix}\`, give its complete ARN`
    : '';
  context.warnings.push({
    id: 'secret-not-managed',
    path,
    message: `secret ${parsed.name} in account ${parsed.env.account} is not declared under \`secrets\`, so only the execution role's side is written; its owner must allow the read in the secret's resource policy and key policy${suffixNote}`,
  });
  return info;
}

/** Records the key a container names for a secret given by ARN; a declared secret names its key under `secrets`. */
function withSourceKey(context: ResolveContext, secret: SecretInfo, keyName: string, path: string): SecretInfo | undefined {
  if (secret.managed) {
    context.problem('secret-key-misplaced', path, `secret \`${secret.name}\` is declared under \`secrets\`, which names its key`, keyName, `remove this field and set \`secrets.${secret.name}.kmsKey\``);
    return undefined;
  }
  const key = keyFor(context, keyName, path, secret.env, false);
  if (!key) return undefined;
  if (secret.kmsKey && secret.kmsKey !== key) {
    context.problem('secret-key-conflict', path, `another reference to this secret names key \`${secret.kmsKey.name}\``, keyName, 'name the same key in every reference to the secret');
    return undefined;
  }
  const updated: SecretInfo = { ...secret, kmsKey: key };
  context.outsideSecrets.set(`${secret.env.account}:${secret.env.region}:${secret.name}`, updated);
  return updated;
}

export function resolveSecretSource(context: ResolveContext, variable: string, source: SecretSource, path: string, serviceEnv: ResourceEnv): SecretUse | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    context.problem('variable-name-invalid', path, 'an environment variable name has letters, digits and `_`, and does not start with a digit', variable, 'rename the variable');
  }
  if ('secret' in source) {
    let secret = lookUpSecret(context, source.secret, `${path}.secret`);
    if (!secret) return undefined;
    if (source.kmsKey !== undefined) {
      secret = withSourceKey(context, secret, source.kmsKey, `${path}.kmsKey`);
      if (!secret) return undefined;
    }
    if (source.versionStage && source.versionId) {
      context.problem('secret-version-conflict', path, 'give either `versionStage` or `versionId`, not both', source, 'remove one of them');
      return undefined;
    }
    // ECS splits valueFrom at colons, so a colon inside one of these fields would shift the others.
    if (source.jsonKey !== undefined && source.jsonKey.includes(':')) {
      context.problem('secret-json-key-invalid', `${path}.jsonKey`, 'a JSON key must not contain `:`, which separates the fields of valueFrom', source.jsonKey, 'rename the key in the secret, or read the whole secret');
      return undefined;
    }
    if (source.versionStage !== undefined && (source.versionStage.length > 256 || source.versionStage.includes(':'))) {
      context.problem('secret-version-invalid', `${path}.versionStage`, 'a version stage has 1 to 256 characters and no `:`', source.versionStage, 'use a staging label such as AWSCURRENT or AWSPREVIOUS');
      return undefined;
    }
    if (source.versionId !== undefined && !/^[A-Za-z0-9-]{32,64}$/.test(source.versionId)) {
      context.problem('secret-version-invalid', `${path}.versionId`, 'a version id has 32 to 64 letters, digits and hyphens', source.versionId, 'copy the version id (a UUID) from Secrets Manager');
      return undefined;
    }
    const ref: SecretReference = { ...secret.ref, jsonKey: source.jsonKey, versionStage: source.versionStage, versionId: source.versionId };
    return { kind: 'secret', variable, path, secret, valueFrom: secretValueFrom(ref), policyResource: secretPolicyResource(secret.ref) };
  }

  const value = source.parameter;
  let env: ResourceEnv = serviceEnv;
  let name = value;
  if (value.startsWith('arn:')) {
    const arn = parseArn(value);
    if (!arn || arn.service !== 'ssm' || !arn.resource.startsWith('parameter/')) {
      context.problem('parameter-arn-invalid', `${path}.parameter`, 'a parameter ARN has the form arn:<partition>:ssm:<region>:<account>:parameter/<name>', value, 'correct the ARN, or give the parameter name');
      return undefined;
    }
    if (arn.account !== serviceEnv.account) {
      context.problem(
        'parameter-cross-account',
        `${path}.parameter`,
        `ECS resolves parameters only in the task account (${serviceEnv.account}); this one is in account ${arn.account}`,
        value,
        'share the value through Secrets Manager with a resource policy (declare it under `secrets`), or copy the parameter into the task account',
      );
      return undefined;
    }
    if (!regionBelongsToPartition(arn.region, context.partition) || arn.partition !== context.partition) {
      context.problem('region-not-in-partition', `${path}.parameter`, `the parameter must be in partition ${context.partition}`, value, 'correct the ARN');
      return undefined;
    }
    env = { partition: context.partition, region: arn.region, account: arn.account };
    name = `/${arn.resource.slice('parameter/'.length)}`;
    if (!arn.resource.slice('parameter/'.length).includes('/')) name = arn.resource.slice('parameter/'.length);
  }
  if (/^\/aws\/reference\/secretsmanager\//i.test(name)) {
    context.problem(
      'parameter-secret-reference',
      `${path}.parameter`,
      'a Secrets Manager secret read through Parameter Store also needs secretsmanager:GetSecretValue and its key policy, which only a `secret:` source derives',
      value,
      `use \`{ secret: ${name.slice('/aws/reference/secretsmanager/'.length)} }\``,
    );
    return undefined;
  }
  const nameProblem = ssmParameterNameProblem(name);
  if (nameProblem) {
    context.problem('parameter-name-invalid', `${path}.parameter`, nameProblem, value, name.includes('/') && !name.startsWith('/') ? `write it as /${name}` : 'correct the parameter name');
    return undefined;
  }
  const kmsKey = keyFor(context, source.kmsKey, `${path}.kmsKey`, env, false);
  const arn = ssmParameterArn(env, name);
  return { kind: 'parameter', variable, path, name, arn, valueFrom: arn, kmsKey };
}
