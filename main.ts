/**
 * Synthesizes the landing zone described by a manifest into Terraform JSON, one stack per
 * (account, region). The manifest comes from ECS_ACCESS_MANIFEST, the cdktf context key
 * `manifest`, or the bundled example, in that order.
 */
import { resolve } from 'node:path';
import { ManifestError } from './modules/core/errors';
import { loadManifest } from './modules/manifest/load';
import { synthesize } from './stacks/app';

export const DEFAULT_MANIFEST = resolve(__dirname, 'examples/landing-zone.yaml');

function manifestPath(): string {
  if (process.env.ECS_ACCESS_MANIFEST) return resolve(process.env.ECS_ACCESS_MANIFEST);
  const context = process.env.CDKTF_CONTEXT_JSON ? (JSON.parse(process.env.CDKTF_CONTEXT_JSON) as Record<string, unknown>) : {};
  if (typeof context.manifest === 'string') return resolve(context.manifest);
  return DEFAULT_MANIFEST;
}

function main(): void {
  const manifest = manifestPath();
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  try {
    const zone = loadManifest(manifest);
    const result = synthesize(zone, outdir);
    for (const warning of zone.warnings) console.warn(`warning [${warning.id}] ${warning.path}: ${warning.message}`);
    console.log(`Synthesized ${result.stacks.length} stacks from ${manifest} into ${result.outdir}/stacks: ${result.stacks.join(', ')}`);
  } catch (error) {
    if (error instanceof ManifestError) {
      console.error(error.message);
      console.error(`Nothing was written to ${outdir}.`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

main();
