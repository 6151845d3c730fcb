import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'cdktf';
import { stackScopes } from '../modules/core/access';
import { LandingZone } from '../modules/manifest/model';
import { SourceRecord, writeSourceRecord } from '../modules/manifest/source';
import { AccountStack } from './account-stack';

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly string[];
}

/** Builds the cdktf app for a landing zone: one stack per (account, region) that has any resource or service. */
export function buildApp(zone: LandingZone, outdir: string): { app: App; stacks: AccountStack[] } {
  const app = new App({ outdir, skipValidation: false });
  const stacks = stackScopes(zone).map((scope) => new AccountStack(app, scope.name, { zone, scope }));
  return { app, stacks };
}

/**
 * Synthesizes into a temporary folder beside `outdir` and swaps it in only when synthesis
 * succeeded, so a failure never leaves a half-written output behind. `source` names the
 * manifest in the output, for verify and explain.
 */
export function synthesize(zone: LandingZone, outdir: string, source?: SourceRecord): SynthResult {
  const target = resolve(outdir);
  const staging = mkdtempSync(`${target}.tmp-`);
  try {
    const { app, stacks } = buildApp(zone, staging);
    app.synth();
    if (source) writeSourceRecord(staging, source);
    const previous = `${target}.old-${process.pid}`;
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
    rmSync(previous, { recursive: true, force: true });
    return { outdir: target, stacks: stacks.map((stack) => stack.node.id) };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
