import { Side } from './evaluate';
import { ParsedMessage } from './message';

/** Which role made the request: the execution role, the task role, or ECS itself assuming a role. */
export type RoleKind = 'executionRole' | 'taskRole' | 'service';

/** The explanation of one request, service or network path the message may be about. */
export interface Diagnosis {
  /** Manifest service name, or the task definition family when no manifest was read. */
  readonly service?: string;
  readonly role?: { readonly arn: string; readonly kind: RoleKind };
  readonly action?: string;
  readonly resource?: string;
  /** What the request is for, in verify's words: `my-app1 app reads DB_PASSWORD`. */
  readonly purpose?: string;
  /** `allowed`/`denied` by the evaluator; `blocked` for a cause outside IAM found in the output; `not-evaluated` when nothing could be evaluated. */
  readonly decision: 'allowed' | 'denied' | 'blocked' | 'not-evaluated';
  /** The denying sides, `['none']` when allowed. */
  readonly sides: Side[];
  readonly decidingStatements: string[];
  /** Plain sentences on what decided. */
  readonly reason: string;
  /** The manifest field that asks for the access, or would have to. */
  readonly manifestPath?: string;
  readonly manifestState?: 'present' | 'missing' | 'unknown';
  /** Stacks to plan and apply after the change. */
  readonly stacks?: string[];
  /** The change to make, in words. */
  readonly change?: string;
  /** A manifest snippet for the change. */
  readonly yaml?: string;
}

export interface Explanation {
  readonly message: ParsedMessage;
  readonly dir: string;
  /** Denied and blocked diagnoses first. */
  readonly diagnoses: Diagnosis[];
  /** When the output would allow the request: what else produces the same message. */
  readonly otherCauses: string[];
  /** Facts about how the explanation was reached, such as a role that is not in the output. */
  readonly notes: string[];
}
