import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import * as corpus from '../fixtures/explain/messages';
import { exampleManifest, removeSynthesized, Synthesized, synthManifest } from '../helpers/synth';

const ROOT = resolve(__dirname, '../..');

function run(args: string[], input?: string) {
  return spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), resolve(ROOT, 'scripts/explain.ts'), ...args], { cwd: ROOT, encoding: 'utf8', input });
}

let example: Synthesized;

beforeAll(() => {
  example = synthManifest(exampleManifest());
});

afterAll(() => removeSynthesized(example));

describe('npm run explain', () => {
  test('missing message exits 2', () => {
    const result = run([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('the message is missing');
  });

  test('missing folder exits 2', () => {
    const result = run([corpus.PARAMETER_DENIED.text, resolve(example.dir, 'absent')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('not found');
  });

  test('text output names the request', () => {
    const result = run([corpus.PARAMETER_DENIED.text, example.dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('ALLOWED by the synthesized output: my-app1 | ssm:GetParameters');
    expect(result.stdout).toContain('manifest   services.my-app1.containers.app.secrets.DB_HOST (in the manifest)');
  });

  test('JSON output from standard input', () => {
    const result = run(['-', example.dir, '--format', 'json'], corpus.CLOUDTRAIL_SECRET.text);
    expect(result.status).toBe(0);
    const explanation = JSON.parse(result.stdout);
    expect(explanation.message.source).toBe('cloudtrail');
    expect(explanation.diagnoses[0].service).toBe('my-app1-staging');
  });
});
