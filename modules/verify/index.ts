/**
 * `verifySynthesizedOutput` proves, before apply, that the synthesized Terraform grants what each
 * ECS task needs at start-up and nothing the probes try, and lints every policy in it.
 */
import { Finding } from './findings';
import { NO_FACTS, VerifyFacts } from './facts';
import { evaluateRequest, RequestResult } from './evaluate';
import { lintOutput } from './lint';
import { readSynthesizedOutput } from './output';
import { deriveRequests } from './requests';

export { factsFromManifest, type VerifyFacts } from './facts';
export type { Finding } from './findings';
export type { RequestResult } from './evaluate';
export { formatReport, type ReportFormat } from './format';
export { lintPolicyText } from './lint';

export interface VerifyOptions {
  /** Facts the output does not hold, usually from `factsFromManifest`. Default: none, so `aws:PrincipalOrgID` is left out and parameter keys are unknown. */
  readonly facts?: VerifyFacts;
}

export interface VerifyReport {
  readonly dir: string;
  readonly stacks: readonly string[];
  readonly results: readonly RequestResult[];
  /** Lint findings and problems met while reading the output. */
  readonly findings: readonly Finding[];
  /** True when every request met its expectation and no finding is an error. */
  readonly passed: boolean;
}

/** Reads `<dir>/stacks/*\/cdk.tf.json`, evaluates every derived request and lints every policy. */
export async function verifySynthesizedOutput(dir: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const facts = options.facts ?? NO_FACTS;
  const output = readSynthesizedOutput(dir);
  const findings: Finding[] = [...output.findings];

  const accountsOutsideManifest = output.stacks.filter((stack) => facts.accounts.length > 0 && !facts.accounts.includes(stack.env.account));
  for (const stack of accountsOutsideManifest) {
    findings.push({
      id: 'manifest-mismatch',
      severity: 'warning',
      source: stack.name,
      message: `account ${stack.env.account} is not in the manifest given to verify, so the manifest's organization id and parameter keys may not apply to this output`,
    });
  }

  const derived = deriveRequests(output, facts);
  findings.push(...derived.findings);
  const results: RequestResult[] = [];
  for (const request of derived.requests) results.push(await evaluateRequest(request, findings));
  findings.push(...(await lintOutput(output)));

  const passed = results.every((result) => result.passed) && findings.every((finding) => finding.severity !== 'error');
  return { dir, stacks: output.stacks.map((stack) => stack.name), results, findings, passed };
}
