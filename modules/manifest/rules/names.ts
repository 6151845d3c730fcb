/**
 * Name limits AWS enforces at apply time, checked here so they fail at synth instead. Each
 * function returns the broken rule as a sentence, or undefined when the name is valid.
 */

/** IAM `CreateRole`: 1 to 64 characters of letters, digits and `+=,.@_-`. */
export function roleNameProblem(name: string): string | undefined {
  if (name.length > 64) return `an IAM role name has at most 64 characters, and \`${name}\` has ${name.length}`;
  if (!/^[\w+=,.@-]+$/.test(name)) return 'an IAM role name has letters, digits and `+=,.@_-` only';
  return undefined;
}

/** IAM paths: `/`, or `/` and segments each ending in `/`, at most 512 characters. */
export function rolePathProblem(path: string): string | undefined {
  if (path.length > 512) return `an IAM path has at most 512 characters, and this one has ${path.length}`;
  return undefined;
}

/** CloudWatch Logs `CreateLogGroup`: 1 to 512 characters of `[.\-_/#A-Za-z0-9]`. */
export function logGroupNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 512) return `a log group name has 1 to 512 characters, and \`${name.slice(0, 40)}…\` has ${name.length}`;
  if (!/^[.\-_/#A-Za-z0-9]+$/.test(name)) return 'a log group name has letters, digits and `.-_/#` only';
  return undefined;
}

/** ECS cluster names: 1 to 255 letters, digits, `-` and `_`. */
export function clusterNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) return 'an ECS cluster name has 1 to 255 letters, digits, `-` and `_`';
  return undefined;
}

/** S3 general purpose bucket names, as the S3 user guide lists them. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'a bucket name has 3 to 63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'a bucket name has lowercase letters, digits, `.` and `-`, and starts and ends with a letter or digit';
  if (name.includes('..')) return 'a bucket name has no two adjacent periods';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'a bucket name is not an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'a bucket name does not start with `xn--`, `sthree-` or `amzn-s3-demo-`';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'a bucket name does not end with a suffix S3 reserves (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`)';
  return undefined;
}
