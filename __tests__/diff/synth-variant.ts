import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Document, parseDocument } from 'yaml';
import { parseManifestText } from '../../modules/manifest/load';
import { validateManifest } from '../../modules/manifest/validate';
import { synthesize } from '../../stacks/app';

export const EXAMPLE_MANIFEST = resolve(__dirname, '../../examples/landing-zone.yaml');

const scratchFolders: string[] = [];

/** Creates a temporary folder that `removeScratchFolders` deletes. */
export function scratchFolder(prefix = 'access-diff-test-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  scratchFolders.push(folder);
  return folder;
}

export function removeScratchFolders(): void {
  for (const folder of scratchFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/**
 * Synthesizes the bundled example manifest after `edit` changed it, and returns the output
 * folder (with `stacks/<stack>/cdk.tf.json`).
 */
export function synthesizeVariant(edit: (manifest: Document) => void = () => undefined): string {
  const manifest = parseDocument(readFileSync(EXAMPLE_MANIFEST, 'utf8'));
  edit(manifest);
  const zone = validateManifest(parseManifestText(manifest.toString(), 'variant of landing-zone.yaml'), 'variant of landing-zone.yaml');
  const outdir = join(scratchFolder(), 'cdktf.out');
  synthesize(zone, outdir);
  return outdir;
}

/** Rewrites one stack's `cdk.tf.json` of a synthesized output in place. */
export function editStack(outdir: string, stack: string, edit: (json: Record<string, any>) => void): void {
  const file = join(outdir, 'stacks', stack, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  edit(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

/** Adds secret `new-token` in the shared account and injects it into my-app1's app container as NEW_TOKEN. */
export function addNewTokenSecret(manifest: Document): void {
  manifest.setIn(['secrets', 'new-token'], manifest.createNode({ account: 'shared', kmsKey: 'app-secrets', description: 'Token for the new partner API' }));
  manifest.setIn(['services', 'my-app1', 'containers', 'app', 'secrets', 'NEW_TOKEN'], manifest.createNode({ secret: 'new-token' }));
}

/** Renames service my-app1 to my-app2, which renames its execution role and task role. */
export function renameMyApp1(manifest: Document): void {
  const services = manifest.get('services') as { items: { key: { value: string } }[] };
  const entry = services.items.find((item) => item.key.value === 'my-app1');
  if (!entry) throw new Error('the example manifest no longer has service my-app1');
  entry.key.value = 'my-app2';
}
