/** A problem verify found in the synthesized output: an error fails the run, a warning does not. */
export interface Finding {
  /** Stable kebab-case id, such as `condition-key-unknown`. */
  readonly id: string;
  readonly severity: 'error' | 'warning';
  /** Where: `<stack>/<resource type>.<name>`, with `#<Sid>` when one statement is meant. */
  readonly source: string;
  readonly message: string;
}

/** The label of a statement in messages: the policy's label and the Sid, or the 1-based index when it has none. */
export function statementLabel(policyLabel: string, sid: string | undefined, index: number): string {
  return `${policyLabel}#${sid && sid.length > 0 ? sid : String(index + 1)}`;
}
