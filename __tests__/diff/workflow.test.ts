import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { removeScratchFolders, scratchFolder } from './synth-variant';

const WORKFLOW = resolve(__dirname, '../../.github/workflows/access-diff.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  id?: string;
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { needs?: string; outputs?: Record<string, string>; strategy?: { matrix: Record<string, string> }; defaults?: { run: { 'working-directory': string } }; steps: Step[] }>;
};

function runs(job: string): string[] {
  return workflow.jobs[job].steps.flatMap((step) => (step.run ? [step.run] : []));
}

afterAll(removeScratchFolders);

describe('access diff workflow', () => {
  test('runs on pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  });

  test('diffs base against head', () => {
    const commands = runs('access-diff');

    expect(commands[0]).toBe('npm ci --no-audit --no-fund');
    expect(commands).toContain('npm run --silent diff -- "origin/${{ github.base_ref }}" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"');
    expect(commands.indexOf('npm run synth')).toBeGreaterThan(0);
    expect(commands.indexOf('npm run verify')).toBeGreaterThan(commands.indexOf('npm run synth'));
  });

  test('plan matrix comes from stack list', () => {
    const plan = workflow.jobs.plan;

    expect(plan.needs).toBe('access-diff');
    expect(workflow.jobs['access-diff'].outputs?.stacks).toBe('${{ steps.stacks.outputs.stacks }}');
    expect(plan.strategy?.matrix.stack).toBe('${{ fromJSON(needs.access-diff.outputs.stacks) }}');
    expect(plan.defaults?.run['working-directory']).toBe('cdktf.out/stacks/${{ matrix.stack }}');
    expect(runs('plan')).toEqual(expect.arrayContaining(['terraform init -input=false -reconfigure', 'terraform plan -input=false -lock=false -no-color']));
  });

  test('stack list command prints JSON', () => {
    const listing = workflow.jobs['access-diff'].steps.find((step) => step.id === 'stacks')?.run ?? '';
    const command = /^echo "stacks=\$\((.*)\)" >> "\$GITHUB_OUTPUT"$/.exec(listing)?.[1];
    const folder = scratchFolder();
    for (const stack of ['staging-eu-west-1', 'prod-eu-west-1']) mkdirSync(join(folder, 'cdktf.out', 'stacks', stack), { recursive: true });

    expect(command).toBeDefined();
    expect(JSON.parse(execFileSync('bash', ['-c', command ?? 'false'], { cwd: folder, encoding: 'utf8' }))).toEqual(['prod-eu-west-1', 'staging-eu-west-1']);
  });
});
