import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderSchema, SCHEMA_FILE } from '../scripts/write-schema';

const root = resolve(__dirname, '..');

function trackedSources(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file && !file.startsWith('node_modules/'));
}

describe('repository rules', () => {
  test('no file imports the provider package root', () => {
    const offenders = trackedSources().filter((file) => /from\s+['"]@cdktf\/provider-aws['"]|require\(\s*['"]@cdktf\/provider-aws['"]\s*\)/.test(readFileSync(resolve(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the policy core imports nothing from cdktf', () => {
    const pure = trackedSources().filter((file) => /^modules\/(core|manifest|plan|verify|diff|explain)\//.test(file));
    expect(pure.length).toBeGreaterThan(5);
    const offenders = pure.filter((file) => /from\s+['"](cdktf|constructs|@cdktf\/[^'"]+)['"]/.test(readFileSync(resolve(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('the published JSON Schema matches the manifest schema', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });
});
