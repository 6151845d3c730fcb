/**
 * State shared by the resolvers of one manifest (resources resolved so far, problems, warnings),
 * and the small checks that several resolvers run.
 */
import { closestRegion, isKnownRegion } from '../core/regions';
import { Partition, regionBelongsToPartition } from '../core/arn';
import { ManifestProblem, Warning } from '../core/errors';
import { AccountInfo, KeyInfo, RepositoryInfo, SecretInfo } from './model';
import { Manifest } from './schema';

/** Log retention values CloudWatch Logs accepts, in days; 0 (never expire) is rejected on purpose. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Collects problems so a whole manifest is checked before anything is thrown. */
class ProblemList {
  readonly list: ManifestProblem[] = [];

  add(problem: ManifestProblem): void {
    this.list.push(problem);
  }
}

export class ResolveContext {
  readonly problems = new ProblemList();
  readonly warnings: Warning[] = [];
  readonly partition: Partition;
  readonly accounts = new Map<string, AccountInfo>();
  readonly accountsById = new Map<string, AccountInfo>();
  /** Accounts whose id is not twelve digits; whatever lives in them is skipped, since every ARN would repeat that error. */
  readonly invalidAccounts = new Set<string>();
  readonly keys = new Map<string, KeyInfo>();
  readonly repositories = new Map<string, RepositoryInfo>();
  readonly secrets = new Map<string, SecretInfo>();
  /** Secrets met through an ARN in a container, keyed by `account:region:name`, so each is resolved once. */
  readonly outsideSecrets = new Map<string, SecretInfo>();

  constructor(readonly manifest: Manifest) {
    this.partition = manifest.partition;
  }

  problem(id: string, path: string, rule: string, received: unknown, fix: string): void {
    this.problems.add({ id, path, rule, received, fix });
  }
}

export function checkRegion(context: ResolveContext, path: string, region: string): boolean {
  if (regionBelongsToPartition(region, context.partition)) {
    if (isKnownRegion(region, context.partition)) return true;
    const suggestion = closestRegion(region, context.partition);
    context.problem(
      'region-unknown',
      path,
      `the region must be one AWS lists for partition \`${context.partition}\``,
      region,
      suggestion ? `did you mean ${suggestion}?` : 'check the spelling against the AWS region list',
    );
    return false;
  }
  context.problem('region-not-in-partition', path, `the region must exist in partition \`${context.partition}\``, region, context.partition === 'aws' ? 'use a commercial region such as eu-west-1, or set `partition`' : `use a region of ${context.partition}, or change \`partition\``);
  return false;
}

export function checkRetention(context: ResolveContext, path: string, days: number): void {
  if (days === 0) {
    context.problem('log-retention-never-expires', path, 'logs must expire; 0 means never', days, `choose one of ${LOG_RETENTION_DAYS.join(', ')}`);
  } else if (!LOG_RETENTION_DAYS.includes(days)) {
    context.problem('log-retention-invalid', path, 'CloudWatch Logs accepts only fixed retention periods', days, `choose one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
}

/** KMS accepts descriptions of up to 8,192 characters and Secrets Manager of up to 2,048. */
export function checkDescription(context: ResolveContext, description: string | undefined, path: string, limit: number): void {
  if (description !== undefined && description.length > limit) {
    context.problem('description-too-long', path, `the description has ${description.length} characters, and AWS accepts at most ${limit}`, `${description.slice(0, 40)}…`, `shorten it to ${limit} characters`);
  }
}
