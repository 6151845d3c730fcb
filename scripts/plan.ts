/**
 * `npm run plan [-- --no-synth] [--stack NAME]`: synthesizes the manifest, then runs terraform
 * init, validate and plan for every stack offline, printing one line per stack.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ManifestError } from '../modules/core/errors';
import { loadManifest } from '../modules/manifest/load';
import { manifestToSynthesize, sha256 } from '../modules/manifest/source';
import { OfflineSetupError, findProviderMirror, findTerraform, planOffline } from '../modules/plan/offline';
import { synthesize } from '../stacks/app';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const synthDir = resolve(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const stackIndex = args.indexOf('--stack');
  const stacks = stackIndex >= 0 ? [args[stackIndex + 1]] : undefined;

  try {
    const terraform = findTerraform();
    const mirror = findProviderMirror();
    console.log(`terraform: ${terraform}\nprovider mirror: ${mirror}`);
    if (!args.includes('--no-synth')) {
      const manifest = manifestToSynthesize();
      const zone = loadManifest(manifest);
      const result = synthesize(zone, synthDir, { manifest, sha256: sha256(readFileSync(manifest, 'utf8')) });
      for (const warning of zone.warnings) console.warn(`warning [${warning.id}] ${warning.path}: ${warning.message}`);
      console.log(`Synthesized ${result.stacks.length} stack${result.stacks.length === 1 ? '' : 's'} from ${manifest}`);
    }
    const results = await planOffline({ synthDir, workDir: resolve('.plan'), terraform, mirror, stacks });
    for (const result of results) {
      if (result.ok) {
        console.log(`ok    ${result.stack}: ${result.toAdd} to add, ${result.toChange} to change, ${result.toDestroy} to destroy (${result.seconds} s)`);
      } else {
        console.log(`FAIL  ${result.stack}: terraform ${result.step} failed (${result.seconds} s)\n${result.output}`);
      }
    }
    const failed = results.filter((result) => !result.ok).length;
    const stackCount = `${results.length} stack${results.length === 1 ? '' : 's'}`;
    console.log(failed === 0 ? `Planned ${stackCount} offline.` : `${failed} of ${stackCount} failed.`);
    return failed === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ManifestError || error instanceof OfflineSetupError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

main().then((code) => {
  process.exitCode = code;
});
