import { ManifestError, ManifestProblem } from '../core/errors';
import { LandingZone, ServiceInfo } from './model';
import { resolveAccount } from './resolve-accounts';
import { ResolveContext, checkRegion, checkRetention } from './resolve-context';
import { resolveService } from './resolve-service';
import { checkDerivedNames, checkKeyAliases, constructId, looseName, resolveKey, resolveRepository, resolveSecret } from './resolve-shared';
import { findEmptyFields } from './rules/empty-fields';
import { Manifest, ManifestSchema } from './schema';
import { schemaProblemsOf } from './schema-problems';
import { checkCrossAccountEncryption, checkExistingKeys, checkTaskRoleCrossAccount, checkLogGroups, checkOrganizationConsumers, checkServiceLimits, checkStackNames } from './zone-checks';

export { LOG_RETENTION_DAYS } from './resolve-context';

/** Parses and validates a manifest object, returning the resolved landing zone or throwing a `ManifestError` with every problem. */
export function validateManifest(raw: unknown, source?: string): LandingZone {
  // An empty field is reported once, as `field-empty`, not again by every rule that reads it.
  const emptyFields = findEmptyFields(raw);
  const emptyPaths = emptyFields.map((problem) => problem.path);
  const coveredByEmpty = (problem: ManifestProblem) => emptyPaths.some((path) => problem.path === path || problem.path.startsWith(`${path}.`));
  const throwProblems = (problems: readonly ManifestProblem[]) => {
    const all = [...emptyFields, ...problems.filter((problem) => !coveredByEmpty(problem))];
    if (all.length > 0) throw new ManifestError(all, source);
  };

  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) throwProblems(schemaProblemsOf(parsed.error.issues, raw));
  const context = new ResolveContext(parsed.data as Manifest);
  const zone = resolveZone(context);
  throwProblems(context.problems.list);
  return zone;
}

/** Resolves every part of the manifest in order, collecting problems in `context` instead of throwing. */
function resolveZone(context: ResolveContext): LandingZone {
  const manifest = context.manifest;
  if (manifest.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(manifest.organizationId)) {
    context.problem('organization-id-invalid', 'organizationId', 'an organization id is `o-` followed by 10 to 32 lowercase letters or digits', manifest.organizationId, 'copy the id from AWS Organizations');
  }
  checkRegion(context, 'defaults.region', manifest.defaults.region);
  checkRetention(context, 'defaults.logRetentionDays', manifest.defaults.logRetentionDays);

  for (const [key, account] of Object.entries(manifest.accounts)) resolveAccount(context, key, account);
  for (const [name, key] of Object.entries(manifest.kmsKeys)) resolveKey(context, name, key);
  checkKeyAliases(context);
  checkDerivedNames(context, 'kmsKeys', Object.keys(manifest.kmsKeys), looseName, 'kms-key-name-duplicate', 'Sids such as DecryptAppConfigViaSsm');
  checkDerivedNames(context, 'secrets', Object.keys(manifest.secrets), constructId, 'secret-name-duplicate', 'Terraform resource names');
  checkDerivedNames(context, 'services', Object.keys(manifest.services), looseName, 'service-name-duplicate', 'Sids of VPC endpoint policies');
  for (const [name, repository] of Object.entries(manifest.repositories)) resolveRepository(context, name, repository);
  for (const [name, secret] of Object.entries(manifest.secrets)) resolveSecret(context, name, secret);

  const services: ServiceInfo[] = [];
  const roleNames = new Map<string, string>();
  for (const [name, spec] of Object.entries(manifest.services)) {
    const service = resolveService(context, name, spec);
    if (!service) continue;
    for (const role of [service.executionRole, service.taskRole]) {
      // IAM role names are unique per account regardless of case and path.
      const roleKey = `${service.account.id}:${role.name.toLowerCase()}`;
      const previous = roleNames.get(roleKey);
      if (previous) {
        context.problem('role-name-duplicate', `services.${name}`, `role name \`${role.name}\` is already used by services.${previous} in the same account (IAM compares role names without case)`, role.name, 'rename one of the services');
      }
      roleNames.set(roleKey, name);
    }
    checkServiceLimits(context, service);
    services.push(service);
  }
  checkLogGroups(context, services);
  checkStackNames(context, services);
  checkCrossAccountEncryption(context, services);
  checkExistingKeys(context, services);
  checkTaskRoleCrossAccount(context, services);
  checkOrganizationConsumers(context, services);

  return {
    partition: context.partition,
    organizationId: manifest.organizationId,
    defaultRegion: manifest.defaults.region,
    accounts: context.accounts,
    keys: context.keys,
    repositories: context.repositories,
    secrets: new Map([...context.secrets, ...context.outsideSecrets]),
    services,
    warnings: context.warnings,
  };
}
