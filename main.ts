/**
 * Synthesizes the landing zone described by a manifest into Terraform JSON, one stack per
 * (account, region). The manifest comes from ECS_ACCESS_MANIFEST, the cdktf context key
 * `manifest`, or the bundled example, in that order.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from './modules/core/errors';
import { loadManifest } from './modules/manifest/load';
import { manifestToSynthesize, sha256 } from './modules/manifest/source';
import { synthesize } from './stacks/app';

function stackFolders(outdir: string): string[] {
  const stacks = join(outdir, 'stacks');
  return existsSync(stacks) ? readdirSync(stacks) : [];
}

function main(): void {
  const manifest = manifestToSynthesize();
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const before = stackFolders(outdir);
  try {
    const zone = loadManifest(manifest);
    const result = synthesize(zone, outdir, { manifest, sha256: sha256(readFileSync(manifest, 'utf8')) });
    // The cdktf CLI lists the stack folders before running the app and deletes those the app no
    // longer writes. It fails on a folder that is already gone, so empty ones are left for it.
    if (process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS) {
      for (const stack of before.filter((name) => !result.stacks.includes(name))) mkdirSync(join(result.outdir, 'stacks', stack), { recursive: true });
    }
    for (const warning of zone.warnings) console.warn(`warning [${warning.id}] ${warning.path}: ${warning.message}`);
    const count = `${result.stacks.length} stack${result.stacks.length === 1 ? '' : 's'}`;
    console.log(`Synthesized ${count} from ${manifest} into ${result.outdir}/stacks: ${result.stacks.join(', ')}`);
  } catch (error) {
    if (error instanceof ManifestError) {
      console.error(error.withSource(manifest).message);
      console.error(`Nothing was written to ${outdir}.`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

main();
