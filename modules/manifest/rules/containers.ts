/**
 * Container settings that ECS registers without complaint but Docker or the Fargate agent rejects
 * when the task starts, so they would pass `terraform apply` and fail only at deployment.
 */

/** Returns why a writable path cannot back a mount point, or undefined when it can. */
export function writablePathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'a mount path is absolute, starting with `/`';
  if (path.replace(/\/+$/, '') === '') return 'the root file system itself cannot be a mount path';
  if (/\/\.\.?(\/|$)/.test(path)) return 'a mount path has no `.` or `..` segment';
  return undefined;
}

/** Normalizes a mount path the way Docker compares them: no repeated or trailing slashes. */
export function normalizedMountPath(path: string): string {
  return path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

/** Returns why a container health check command is invalid, or undefined when it is valid. */
export function healthCheckCommandProblem(command: readonly string[]): string | undefined {
  const [kind, ...rest] = command;
  if (kind !== 'CMD' && kind !== 'CMD-SHELL') return 'a health check command starts with `CMD` (run the arguments) or `CMD-SHELL` (run one string in the shell)';
  if (rest.length === 0 || rest.every((part) => part.trim() === '')) return 'a health check command has something to run after `CMD` or `CMD-SHELL`';
  return undefined;
}

/** Health check timeout range, in seconds, from the ECS API reference (`HealthCheck.timeout`); the schema still allows 120. */
export const HEALTH_CHECK_TIMEOUT = { min: 2, max: 60 } as const;
