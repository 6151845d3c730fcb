/**
 * `explain(message, dir)` reads the message of a failed ECS task start: a stopped reason, a service
 * event, a CloudTrail record or `aws` CLI error output. It re-evaluates the request against the
 * synthesized output with verify's evaluator and returns the side that denies, the manifest field
 * behind it and the change to make.
 */
import { LandingZone } from '../manifest/model';
import { loadManifest } from '../manifest/load';
import { manifestOfOutput } from '../manifest/source';
import { diagnoseRequest, matchingRequests, requestOutsideOutput } from './access';
import { diagnoseAssumption } from './assume';
import { otherCauses } from './causes';
import { ExplainContext, findRole, loadContext, manifestService } from './context';
import { Diagnosis, Explanation } from './diagnosis';
import { parseMessage, ParsedMessage } from './message';
import { diagnoseExec, diagnoseNetwork } from './network';

export type { Diagnosis, Explanation, RoleKind } from './diagnosis';
export type { Side } from './evaluate';
export { parseMessage, type MessageKind, type ParsedMessage } from './message';
export { formatExplanation } from './format';

export interface ExplainOptions {
  /** The resolved manifest, when the caller has it already. */
  readonly zone?: LandingZone;
  /**
   * The manifest the output was synthesized from. Default: the one synth recorded in the output,
   * else the one `npm run synth` would read now. False reads nothing but the output, and manifest
   * fields are then not reported.
   */
  readonly manifest?: string | false;
  /** Restricts the explanation to one manifest service, for messages that name no role (timeouts, ECS Exec). */
  readonly service?: string;
}

function zoneOf(options: ExplainOptions, dir: string): LandingZone | undefined {
  if (options.zone) return options.zone;
  if (options.manifest === false) return undefined;
  return loadManifest(manifestOfOutput(dir, options.manifest).path);
}

const ORDER: Record<Diagnosis['decision'], number> = { denied: 0, blocked: 1, 'not-evaluated': 2, allowed: 3 };

async function diagnoseAccess(context: ExplainContext, parsed: ParsedMessage, notes: string[], service?: string): Promise<Diagnosis[]> {
  const requests = matchingRequests(context, parsed, service);
  if (requests.length > 0) {
    const diagnoses: Diagnosis[] = [];
    for (const request of requests) diagnoses.push(await diagnoseRequest(context, request, parsed, true));
    return diagnoses;
  }
  const outside = requestOutsideOutput(context, parsed);
  if (outside) return [await diagnoseRequest(context, outside, parsed, false)];

  if (parsed.roleArn && !findRole(context, parsed.roleArn)) {
    notes.push(`The role ${parsed.roleArn} is not in the synthesized output${context.zone && manifestService(context, parsed.roleArn) ? ', although the manifest has it: run `npm run synth`' : ''}.`);
  } else {
    notes.push('No request in the synthesized output matches the principal, action and resource of the message.');
  }
  return [];
}

/** Keeps one allowed diagnosis per service and resource, because the pull actions of one repository are granted together. */
function withoutRepeatedAllows(diagnoses: Diagnosis[]): Diagnosis[] {
  const reported = new Set<string>();
  return diagnoses.filter((diagnosis) => {
    const key = `${diagnosis.service} ${diagnosis.resource}`;
    if (diagnosis.decision === 'allowed' && reported.has(key)) return false;
    reported.add(key);
    return true;
  });
}

/** Explains one message against the synthesized output in `dir` (default `cdktf.out`). */
export async function explain(message: string, dir = 'cdktf.out', options: ExplainOptions = {}): Promise<Explanation> {
  const parsed = parseMessage(message);
  const zone = zoneOf(options, dir);
  const context = loadContext(dir, zone);
  const notes: string[] = context.output.findings.filter((finding) => finding.severity === 'error').map((finding) => `${finding.source}: ${finding.message}`);
  if (!zone) notes.push('No manifest was read, so manifest fields are not reported.');

  let diagnoses: Diagnosis[];
  switch (parsed.kind) {
    case 'role-assumption':
      diagnoses = await diagnoseAssumption(context, parsed);
      break;
    case 'network-timeout':
      diagnoses = diagnoseNetwork(context, parsed, options.service);
      break;
    case 'ecs-exec-disabled':
      diagnoses = await diagnoseExec(context, parsed, options.service);
      break;
    case 'ecs-exec-not-connected':
      diagnoses = parsed.action ? await diagnoseAccess(context, parsed, notes, options.service) : await diagnoseExec(context, parsed, options.service);
      break;
    case 'unrecognized':
      diagnoses = [];
      notes.push('The message matches none of the recognized kinds; see docs/troubleshooting.md for the list.');
      break;
    default:
      diagnoses = await diagnoseAccess(context, parsed, notes, options.service);
  }
  diagnoses = withoutRepeatedAllows(diagnoses.sort((a, b) => ORDER[a.decision] - ORDER[b.decision]));

  const explained = diagnoses.some((diagnosis) => diagnosis.decision === 'denied' || diagnosis.decision === 'blocked');
  const causes = explained || parsed.kind === 'unrecognized' ? [] : otherCauses(context, parsed, diagnoses);
  return { message: parsed, dir, diagnoses, otherCauses: causes, notes };
}
