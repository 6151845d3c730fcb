/**
 * `explain(message, dir)` reads the message of a failed ECS task start: a stopped reason, a service
 * event, a CloudTrail record or `aws` CLI error output. It re-evaluates the request against the
 * synthesized output with verify's evaluator and returns the side that denies, the manifest field
 * behind it and the change to make.
 */
import { resolve } from 'node:path';
import { LandingZone } from '../manifest/model';
import { loadManifest } from '../manifest/load';
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

export const DEFAULT_MANIFEST = resolve(__dirname, '../../examples/landing-zone.yaml');

export interface ExplainOptions {
  /** The manifest the output was synthesized from. Default: `ECS_ACCESS_MANIFEST`, else the bundled example, as `npm run synth` reads it. */
  readonly zone?: LandingZone;
  /** Set to false to read nothing but the output; manifest fields are then not reported. */
  readonly manifest?: string | false;
  /** Restricts the explanation to one manifest service, for messages that name no role (timeouts, ECS Exec). */
  readonly service?: string;
}

function zoneOf(options: ExplainOptions): LandingZone | undefined {
  if (options.zone) return options.zone;
  if (options.manifest === false) return undefined;
  return loadManifest(options.manifest ?? process.env.ECS_ACCESS_MANIFEST ?? DEFAULT_MANIFEST);
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
  const zone = zoneOf(options);
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
