/** Resolves `accounts`, and the account and region every other resource names. */
import { ResourceEnv, parseArn } from '../core/arn';
import { AccountInfo } from './model';
import { ResolveContext, checkRegion } from './resolve-context';
import { bucketNameProblem } from './rules/names';
import { Manifest } from './schema';

/** Account aliases name stacks, state keys and ECS clusters (`<alias>-<region>`). */
export const ACCOUNT_ALIAS = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Returns where a resource lives, or undefined when its account or region is unknown or invalid. */
export function resolveEnv(context: ResolveContext, accountKey: string, region: string | undefined, path: string): ResourceEnv | undefined {
  const account = context.accounts.get(accountKey);
  if (!account) {
    context.problem('account-unknown', `${path}.account`, 'the account must be a key of `accounts`', accountKey, `use one of: ${[...context.accounts.keys()].join(', ') || '(none declared)'}`);
    return undefined;
  }
  if (context.invalidAccounts.has(accountKey)) return undefined;
  const resolvedRegion = region ?? context.manifest.defaults.region;
  if (region !== undefined && !checkRegion(context, `${path}.region`, region)) return undefined;
  return { partition: context.partition, region: resolvedRegion, account: account.id };
}

export function resolveAccount(context: ResolveContext, key: string, account: Manifest['accounts'][string]): void {
  const path = `accounts.${key}`;
  let valid = true;
  if (!/^\d{12}$/.test(account.id)) {
    context.problem('account-id-invalid', `${path}.id`, 'an account id is exactly twelve digits', account.id, 'quote the id in YAML so leading zeros stay, and check its length');
    context.invalidAccounts.add(key);
    valid = false;
  } else if (context.accountsById.has(account.id)) {
    context.problem('account-id-duplicate', `${path}.id`, `the id is already used by accounts.${context.accountsById.get(account.id)!.key}`, account.id, 'declare each account once and refer to it by its key');
    valid = false;
  }
  // With a bad or duplicate id, a mismatch with the role ARN would only repeat that problem.
  if (account.deploymentRoleArn !== undefined && valid) {
    const arn = parseArn(account.deploymentRoleArn);
    if (!arn || arn.service !== 'iam' || !arn.resource.startsWith('role/') || arn.partition !== context.partition || arn.account !== account.id) {
      context.problem('deployment-role-invalid', `${path}.deploymentRoleArn`, `a deployment role is an IAM role ARN in this account: arn:${context.partition}:iam::${account.id}:role/<name>`, account.deploymentRoleArn, 'give the ARN of the role Terraform assumes in this account');
    }
  }
  if (account.stateRegion !== undefined) {
    checkRegion(context, `${path}.stateRegion`, account.stateRegion);
    if (account.stateBucket === undefined) {
      context.problem('state-region-without-bucket', `${path}.stateRegion`, 'the state region applies only to a state bucket, and this account has none', account.stateRegion, 'remove `stateRegion`, or set `stateBucket`');
    }
  }
  if (account.stateBucket !== undefined) {
    const bucketProblem = bucketNameProblem(account.stateBucket);
    if (bucketProblem) context.problem('state-bucket-invalid', `${path}.stateBucket`, bucketProblem, account.stateBucket, 'give the name of the existing S3 bucket, without `s3://` or an ARN');
  }
  const alias = account.alias ?? key;
  if (!ACCOUNT_ALIAS.test(alias)) {
    context.problem('account-alias-invalid', `${path}.alias`, 'an account alias names stacks and ECS clusters, so it has letters, digits, `-` and `_` and starts with a letter or digit', alias, account.alias === undefined ? 'set `alias`, because the account key is not a valid alias' : 'choose another alias');
  } else {
    const clash = [...context.accounts.values()].find((other) => other.alias.toLowerCase() === alias.toLowerCase());
    if (clash) {
      context.problem('account-alias-duplicate', `${path}.alias`, `the alias is already used by accounts.${clash.key}, and stacks are named after it (compared without case)`, alias, 'give each account its own alias');
    }
  }
  const info: AccountInfo = {
    key,
    id: account.id,
    alias: account.alias ?? key,
    deploymentRoleArn: account.deploymentRoleArn,
    stateBucket: account.stateBucket,
    stateRegion: account.stateRegion,
    outsideOrganization: account.outsideOrganization,
  };
  context.accounts.set(key, info);
  if (valid) context.accountsById.set(account.id, info);
}
