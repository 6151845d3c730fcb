/**
 * Choice of the manifest a command reads, shared by synth, plan, verify and explain, and the
 * record synth leaves in its output so the later commands read the same manifest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_MANIFEST = resolve(__dirname, '../../examples/landing-zone.yaml');

export const MANIFEST_SETTING = 'ECS_ACCESS_MANIFEST';

/** File in the synthesized output that names the manifest it came from. */
export const SOURCE_RECORD_FILE = 'ecs-access-source.json';

export interface SourceRecord {
  /** Absolute path of the manifest. */
  readonly manifest: string;
  /** SHA-256 of the manifest text when it was synthesized. */
  readonly sha256: string;
}

function contextManifest(context: unknown): string | undefined {
  if (context && typeof context === 'object' && typeof (context as Record<string, unknown>).manifest === 'string') {
    return (context as Record<string, string>).manifest;
  }
  return undefined;
}

/**
 * Returns the manifest to synthesize: `ECS_ACCESS_MANIFEST`, else the context key `manifest`
 * (from the cdktf CLI, or from `cdktf.json` in `cwd` when run directly), else the bundled example.
 */
export function manifestToSynthesize(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env[MANIFEST_SETTING]) return resolve(cwd, env[MANIFEST_SETTING]);
  if (env.CDKTF_CONTEXT_JSON) {
    const fromCli = contextManifest(JSON.parse(env.CDKTF_CONTEXT_JSON));
    if (fromCli) return resolve(cwd, fromCli);
  }
  const config = join(cwd, 'cdktf.json');
  if (existsSync(config)) {
    const fromConfig = contextManifest((JSON.parse(readFileSync(config, 'utf8')) as { context?: unknown }).context);
    if (fromConfig) return resolve(cwd, fromConfig);
  }
  return DEFAULT_MANIFEST;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function writeSourceRecord(outdir: string, record: SourceRecord): void {
  writeFileSync(join(outdir, SOURCE_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads the record synth left in an output folder, or undefined for an output without one. */
export function readSourceRecord(outdir: string): SourceRecord | undefined {
  const file = join(outdir, SOURCE_RECORD_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as SourceRecord;
}

export type ManifestChoice = { readonly path: string; readonly reason: string; readonly changedSinceSynth: boolean };

/**
 * Returns the manifest an output was synthesized from, for verify and explain: the one given on
 * the command line, else the one recorded in the output, else what synth would read now.
 */
export function manifestOfOutput(outdir: string, explicit?: string): ManifestChoice {
  if (explicit) return { path: resolve(explicit), reason: '--manifest', changedSinceSynth: false };
  const record = readSourceRecord(outdir);
  if (record) {
    const changed = !existsSync(record.manifest) || sha256(readFileSync(record.manifest, 'utf8')) !== record.sha256;
    return { path: record.manifest, reason: `recorded in ${join(outdir, SOURCE_RECORD_FILE)}`, changedSinceSynth: changed };
  }
  return { path: manifestToSynthesize(), reason: 'not recorded in the output, so the one synth would read now', changedSinceSynth: false };
}
