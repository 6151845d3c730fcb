import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MANIFEST, SOURCE_RECORD_FILE, manifestOfOutput, manifestToSynthesize, readSourceRecord, sha256, writeSourceRecord } from '../../modules/manifest/source';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ecs-access-source-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('manifestToSynthesize', () => {
  test('prefers the environment setting', () => {
    writeFileSync(join(scratch, 'cdktf.json'), JSON.stringify({ context: { manifest: 'from-config.yaml' } }));
    const env = { ECS_ACCESS_MANIFEST: 'from-env.yaml', CDKTF_CONTEXT_JSON: JSON.stringify({ manifest: 'from-cli.yaml' }) };
    expect(manifestToSynthesize(env, scratch)).toBe(join(scratch, 'from-env.yaml'));
  });

  test('reads the context the cdktf CLI passes', () => {
    writeFileSync(join(scratch, 'cdktf.json'), JSON.stringify({ context: { manifest: 'from-config.yaml' } }));
    expect(manifestToSynthesize({ CDKTF_CONTEXT_JSON: JSON.stringify({ manifest: 'from-cli.yaml' }) }, scratch)).toBe(join(scratch, 'from-cli.yaml'));
  });

  test('reads cdktf.json context when run directly', () => {
    writeFileSync(join(scratch, 'cdktf.json'), JSON.stringify({ context: { manifest: 'from-config.yaml' } }));
    expect(manifestToSynthesize({}, scratch)).toBe(join(scratch, 'from-config.yaml'));
  });

  test('falls back to the bundled example', () => {
    writeFileSync(join(scratch, 'cdktf.json'), JSON.stringify({ context: {} }));
    expect(manifestToSynthesize({}, scratch)).toBe(DEFAULT_MANIFEST);
  });
});

describe('manifestOfOutput', () => {
  test('uses the manifest recorded by synth', () => {
    const manifest = join(scratch, 'zone.yaml');
    writeFileSync(manifest, 'defaults: {}\n');
    const out = join(scratch, 'out');
    mkdirSync(out);
    writeSourceRecord(out, { manifest, sha256: sha256('defaults: {}\n') });
    expect(readSourceRecord(out)).toEqual({ manifest, sha256: sha256('defaults: {}\n') });
    expect(manifestOfOutput(out)).toMatchObject({ path: manifest, changedSinceSynth: false, reason: `recorded in ${join(out, SOURCE_RECORD_FILE)}` });
  });

  test('notices a manifest changed since synth', () => {
    const manifest = join(scratch, 'zone.yaml');
    writeFileSync(manifest, 'defaults: { region: eu-west-2 }\n');
    const out = join(scratch, 'out');
    mkdirSync(out);
    writeSourceRecord(out, { manifest, sha256: sha256('defaults: {}\n') });
    expect(manifestOfOutput(out).changedSinceSynth).toBe(true);
  });

  test('a given manifest wins over the record', () => {
    const out = join(scratch, 'out');
    mkdirSync(out);
    writeSourceRecord(out, { manifest: join(scratch, 'recorded.yaml'), sha256: 'x' });
    expect(manifestOfOutput(out, join(scratch, 'given.yaml'))).toMatchObject({ path: join(scratch, 'given.yaml'), changedSinceSynth: false });
  });
});
