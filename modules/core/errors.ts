/**
 * One error template for the whole project: the manifest field, the rule it breaks, the value
 * received and the fix. Every rule has a stable id so docs, tests and users can refer to it.
 */
export interface ManifestProblem {
  /** Stable rule id, such as `secret-bare-name`. */
  readonly id: string;
  /** Dotted path of the manifest field, such as `services.my-app1.containers.app.image`. */
  readonly path: string;
  /** Rule the field must satisfy. */
  readonly rule: string;
  /** The value received; rendered as JSON in the message. */
  readonly received: unknown;
  /** Change that makes the field valid. */
  readonly fix: string;
}

export function formatProblem(problem: ManifestProblem): string {
  return `[${problem.id}] ${problem.path}: ${problem.rule} (got: ${renderValue(problem.received)}). Fix: ${problem.fix}`;
}

function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  if (json === undefined) return String(value);
  return json.length > 200 ? `${json.slice(0, 197)}...` : json;
}

/** Thrown when a manifest breaks one or more rules; carries every problem found, not only the first. */
export class ManifestError extends Error {
  readonly problems: readonly ManifestProblem[];
  /** The manifest file, when known. */
  readonly source?: string;

  constructor(problems: readonly ManifestProblem[], source?: string) {
    const header = `Invalid manifest${source ? ` ${source}` : ''}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super([header, ...problems.map((p) => `  - ${formatProblem(p)}`)].join('\n'));
    this.name = 'ManifestError';
    this.problems = problems;
    this.source = source;
  }

  /** Returns this error naming `source`, for errors raised where the file name is not known. */
  withSource(source: string): ManifestError {
    return this.source === undefined ? new ManifestError(this.problems, source) : this;
  }
}

/** A known limitation the user should see; never printed by library code, only collected. */
export interface Warning {
  /** Stable warning id, such as `external-image-identity-only`. */
  readonly id: string;
  readonly path: string;
  readonly message: string;
}

/** Collects problems so a whole manifest is checked before anything is thrown. */
export class ProblemCollector {
  private readonly problems: ManifestProblem[] = [];

  add(problem: ManifestProblem): void {
    this.problems.push(problem);
  }

  get count(): number {
    return this.problems.length;
  }

  throwIfAny(source?: string): void {
    if (this.problems.length > 0) throw new ManifestError(this.problems, source);
  }
}
