import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { SOURCE_RECORD_FILE, readSourceRecord } from '../modules/manifest/source';

const run = promisify(execFile);
const root = resolve(__dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');
const cdktf = join(root, 'node_modules/.bin/cdktf');

const ONE_ACCOUNT = `defaults: { region: eu-central-1 }
accounts:
  payments: { id: "444455556666" }
services:
  pay:
    account: payments
    containers:
      app: { image: "nginx:1.27", port: 8080 }
`;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ecs-access-main-'));
  writeFileSync(join(scratch, 'one.yaml'), ONE_ACCOUNT);
  writeFileSync(join(scratch, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `${tsx} ${join(root, 'main.ts')}`, context: {} }));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ ...process.env, CHECKPOINT_DISABLE: '1', ...extra });

describe('main', () => {
  test('records the manifest in the output', async () => {
    const { stdout } = await run(tsx, [join(root, 'main.ts')], { cwd: scratch, env: env() });
    expect(stdout).toContain('Synthesized 3 stacks from');
    expect(readSourceRecord(join(scratch, 'cdktf.out'))?.manifest).toBe(join(root, 'examples/landing-zone.yaml'));
    expect(existsSync(join(scratch, 'cdktf.out', SOURCE_RECORD_FILE))).toBe(true);
  });

  test('cdktf CLI synth replaces stacks that are gone', async () => {
    await run(tsx, [join(root, 'main.ts')], { cwd: scratch, env: env() });
    await run(cdktf, ['synth'], { cwd: scratch, env: env({ ECS_ACCESS_MANIFEST: join(scratch, 'one.yaml') }) });
    expect(readdirSync(join(scratch, 'cdktf.out', 'stacks'))).toEqual(['payments-eu-central-1']);
  });

  test('reads the manifest from cdktf.json context', async () => {
    writeFileSync(join(scratch, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: `${tsx} ${join(root, 'main.ts')}`, context: { manifest: 'one.yaml' } }));
    const { stdout } = await run(tsx, [join(root, 'main.ts')], { cwd: scratch, env: env({ ECS_ACCESS_MANIFEST: '' }) });
    expect(stdout).toContain(`Synthesized 1 stack from ${join(scratch, 'one.yaml')}`);
  });

  test('verify reads the manifest recorded by synth', async () => {
    const manifest = join(scratch, 'one-copy.yaml');
    writeFileSync(manifest, ONE_ACCOUNT);
    const out = join(scratch, 'recorded.out');
    await run(tsx, [join(root, 'main.ts')], { cwd: scratch, env: env({ ECS_ACCESS_MANIFEST: manifest, CDKTF_OUTDIR: out }) });
    const { stdout } = await run(tsx, [join(root, 'scripts/verify.ts'), out], { cwd: scratch, env: env({ ECS_ACCESS_MANIFEST: '' }) });
    expect(stdout).toContain(`from ${manifest} (recorded in ${join(out, SOURCE_RECORD_FILE)})`);

    writeFileSync(manifest, ONE_ACCOUNT.replace('8080', '9090'));
    const failed = await run(tsx, [join(root, 'scripts/verify.ts'), out], { cwd: scratch, env: env() }).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${manifest} changed after ${out} was synthesized from it`);
  });

  test('names the manifest when a policy is too large', async () => {
    const statements = Array.from({ length: 400 }, (_, index) => `        - { sid: Read${index}, actions: [s3:GetObject], resources: ["arn:aws:s3:::bucket-${index}/${'k'.repeat(200)}/*"] }`);
    const manifest = join(scratch, 'too-large.yaml');
    writeFileSync(manifest, `${ONE_ACCOUNT}    taskRole:\n      statements:\n${statements.join('\n')}\n`);
    const failed = await run(tsx, [join(root, 'main.ts')], { cwd: scratch, env: env({ ECS_ACCESS_MANIFEST: manifest, CDKTF_OUTDIR: join(scratch, 'too-large.out') }) }).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Invalid manifest ${manifest}: 1 problem`);
    expect(failed.stderr).toContain('[policy-too-large] services.pay.taskRole');
    expect(existsSync(join(scratch, 'too-large.out'))).toBe(false);
  });
});
