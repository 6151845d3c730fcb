/**
 * Facts verify needs that the Terraform output does not contain: the organization id, and the
 * KMS key of each SSM parameter and of each secret created outside the output. They come from
 * the manifest the output was synthesized from, or from options.
 */
import { LandingZone } from '../manifest/model';
import { ResourceEnv } from '../core/arn';

/** A customer-managed key named by its account, region and alias, as the manifest declares it. */
export interface KeyReference {
  readonly env: ResourceEnv;
  /** `alias/<name>`. */
  readonly alias: string;
  /** ARN of a key the output does not create (`kmsKeys.<name>.existingArn`). */
  readonly existingArn?: string;
}

export interface VerifyFacts {
  /** AWS Organizations id (`o-...`) every consumer account belongs to; supplied as `aws:PrincipalOrgID`. */
  readonly organizationId?: string;
  /** Key of each SecureString parameter, by parameter ARN. */
  readonly parameterKeys: ReadonlyMap<string, KeyReference>;
  /** Key of each secret the output does not create, by secret name and account (`<account>:<name>`). */
  readonly externalSecretKeys: ReadonlyMap<string, KeyReference>;
  /** Account ids the manifest declares, to check that it matches the output. */
  readonly accounts: readonly string[];
}

export const NO_FACTS: VerifyFacts = { parameterKeys: new Map(), externalSecretKeys: new Map(), accounts: [] };

/** Collects the facts verify needs from a resolved manifest. */
export function factsFromManifest(zone: LandingZone): VerifyFacts {
  const parameterKeys = new Map<string, KeyReference>();
  const externalSecretKeys = new Map<string, KeyReference>();
  for (const service of zone.services) {
    for (const container of service.containers) {
      for (const use of container.secrets) {
        if (use.kind === 'parameter' && use.kmsKey) parameterKeys.set(use.arn, { env: use.kmsKey.env, alias: use.kmsKey.alias, existingArn: use.kmsKey.existingArn });
        if (use.kind === 'secret' && !use.secret.created && use.secret.kmsKey) {
          externalSecretKeys.set(`${use.secret.env.account}:${use.secret.name}`, { env: use.secret.kmsKey.env, alias: use.secret.kmsKey.alias, existingArn: use.secret.kmsKey.existingArn });
        }
      }
    }
  }
  return {
    organizationId: zone.organizationId,
    parameterKeys,
    externalSecretKeys,
    accounts: [...zone.accounts.values()].map((account) => account.id),
  };
}
