import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatReport } from '../../modules/diff/format';
import { renderMermaid } from '../../modules/diff/graph';
import { diffSynthesizedOutputs, DiffReport } from '../../modules/diff/report';
import { addNewTokenSecret, editStack, removeScratchFolders, renameMyApp1, scratchFolder, synthesizeVariant } from './synth-variant';

const root = resolve(__dirname, '../..');
const SHARED = 'shared-services-eu-west-1';
const PROD = 'prod-eu-west-1';

let example: string;
let withNewToken: string;

beforeAll(() => {
  example = synthesizeVariant();
  withNewToken = synthesizeVariant(addNewTokenSecret);
});

afterAll(removeScratchFolders);

function accessChanges(report: DiffReport, stack: string) {
  const found = report.stacks.find((item) => item.name === stack);
  if (!found) throw new Error(`stack ${stack} is not in the report`);
  return found.access;
}

function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'scripts/diff.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Splits the rows of the first Markdown table after `heading` into cells, header row excluded. */
function tableRows(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`heading ${heading} not found`);
  const table = lines.slice(start + 1).filter((line, index, all) => line.startsWith('|') && all.slice(0, index).every((earlier) => earlier === '' || earlier.startsWith('|')));
  return table.slice(2).map((row) =>
    row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
}

describe('secret added to a service', () => {
  test('execution role gains read access', () => {
    const report = diffSynthesizedOutputs(example, withNewToken);
    const identity = accessChanges(report, PROD).filter((change) => change.grant.policy === 'identity');

    expect(identity).toHaveLength(1);
    expect(identity[0]).toMatchObject({ change: 'added', direction: 'broadening', reasons: ['new resource'] });
    expect(identity[0].grant.attachedTo.label).toBe('role my-app1-execution (222222222222)');
    expect(identity[0].grant.action).toBe('secretsmanager:GetSecretValue');
    expect(identity[0].grant.resource.label).toBe('secret new-token (111111111111)');
  });

  test('secret policy admits the execution role', () => {
    const report = diffSynthesizedOutputs(example, withNewToken);
    const shared = accessChanges(report, SHARED);

    expect(shared).toHaveLength(1);
    expect(shared[0].direction).toBe('broadening');
    expect(shared[0].grant.policy).toBe('resource');
    expect(shared[0].grant.attachedTo.label).toBe('secret new-token (111111111111)');
    expect(shared[0].grant.principal.label).toBe('role my-app1-execution (222222222222)');
    expect(report.broadens).toBe(true);
    expect(report.verdict).toMatch(/^Broadens access: \d+ grants added or widened in 2 accounts$/);
  });

  test('removing the secret again narrows', () => {
    const report = diffSynthesizedOutputs(withNewToken, example);
    const changes = report.stacks.flatMap((stack) => stack.access);

    expect(report.broadens).toBe(false);
    expect(changes.length).toBeGreaterThanOrEqual(2);
    for (const change of changes) expect(change).toMatchObject({ change: 'removed', direction: 'narrowing' });
    expect(report.verdict).toMatch(/^Narrows access: /);
  });

  test('new secret is a created resource', () => {
    const report = diffSynthesizedOutputs(example, withNewToken);
    const shared = report.stacks.find((stack) => stack.name === SHARED);

    expect(shared?.resources).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'create', type: 'aws_secretsmanager_secret', label: 'secret new-token (111111111111)' })]));
    expect(report.critical).toEqual([]);
  });
});

describe('policy edits without effect', () => {
  test('reordered statements and keys are no change', () => {
    const reordered = join(scratchFolder(), 'cdktf.out');
    cpSync(example, reordered, { recursive: true });
    editStack(reordered, PROD, (json) => {
      for (const body of Object.values<Record<string, any>>(json.resource.aws_iam_role_policy)) {
        const policy = JSON.parse(body.policy);
        const statements = policy.Statement.reverse().map((statement: Record<string, unknown>) => Object.fromEntries(Object.entries(statement).reverse()));
        body.policy = JSON.stringify({ Statement: statements, Version: policy.Version });
      }
    });
    const report = diffSynthesizedOutputs(example, reordered);

    expect(report.stacks.flatMap((stack) => stack.access)).toEqual([]);
    expect(report.stacks.flatMap((stack) => stack.resources)).toEqual([]);
    expect(report.verdict).toBe('No change: 3 stacks identical');
  });
});

describe('hand-edited policies', () => {
  /** Copies the example output and applies `edit` to every policy document of one resource type in one stack. */
  function editPolicies(stack: string, type: string, attribute: string, edit: (policy: Record<string, any>) => void): string {
    const copy = join(scratchFolder(), 'cdktf.out');
    cpSync(example, copy, { recursive: true });
    editStack(copy, stack, (json) => {
      for (const body of Object.values<Record<string, any>>(json.resource[type])) {
        const policy = JSON.parse(body[attribute]);
        edit(policy);
        body[attribute] = JSON.stringify(policy);
      }
    });
    return copy;
  }

  test('removed key policy condition broadens', () => {
    const edited = editPolicies(SHARED, 'aws_kms_key', 'policy', (policy) => {
      for (const statement of policy.Statement) delete statement.Condition?.StringEquals?.['kms:ViaService'];
    });
    const changes = accessChanges(diffSynthesizedOutputs(example, edited), SHARED);

    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      expect(change.change).toBe('changed');
      expect(change.direction).toBe('broadening');
      expect(change.reasons).toEqual([expect.stringMatching(/^condition removed: StringEquals kms:ViaService = (ssm|secretsmanager)\.eu-west-1\.amazonaws\.com$/)]);
    }
  });

  test('wider secret wildcard broadens', () => {
    const edited = editPolicies(PROD, 'aws_iam_role_policy', 'policy', (policy) => {
      const reads = policy.Statement.find((statement: Record<string, unknown>) => statement.Sid === 'ReadSecrets');
      if (reads) reads.Resource = ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:*'];
    });
    const changes = accessChanges(diffSynthesizedOutputs(example, edited), PROD);

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ change: 'changed', direction: 'broadening' });
    expect(changes[0].grant.resource.label).toBe('secrets matching * (111111111111)');
    expect(changes[0].reasons).toEqual([
      expect.stringMatching(/^wider resource: secret .+ \(111111111111\) → secrets matching \* \(111111111111\)$/),
      'also replaces 3 more removed grants it covers',
    ]);
  });
});

describe('renamed service', () => {
  test('execution role is replaced', () => {
    const report = diffSynthesizedOutputs(example, synthesizeVariant(renameMyApp1));
    const roles = report.critical.filter((change) => change.type === 'aws_iam_role');

    expect(roles.map((change) => change.label).sort()).toEqual([
      'role my-app1-execution (222222222222) → role my-app2-execution (222222222222)',
      'role my-app1-task (222222222222) → role my-app2-task (222222222222)',
    ]);
    const execution = roles.find((change) => change.label.startsWith('role my-app1-execution'));
    expect(execution?.action).toBe('replace');
    expect(execution?.previousAddress).toMatch(/^aws_iam_role\.service-my-app1_execution-role_/);
    expect(execution?.reasons).toEqual(expect.arrayContaining(['name "my-app1-execution" → "my-app2-execution" (forces replacement)']));
  });

  test('shared stack grants the new role', () => {
    const report = diffSynthesizedOutputs(example, synthesizeVariant(renameMyApp1));
    const shared = accessChanges(report, SHARED);
    const added = shared.filter((change) => change.change === 'added');
    const removed = shared.filter((change) => change.change === 'removed');

    expect(added.length).toBeGreaterThan(0);
    expect(new Set(added.map((change) => change.grant.principal.label))).toEqual(new Set(['role my-app2-execution (222222222222)']));
    expect(new Set(removed.map((change) => change.grant.principal.label))).toEqual(new Set(['role my-app1-execution (222222222222)']));
    expect(added.every((change) => change.direction === 'broadening')).toBe(true);
  });
});

describe('markdown report', () => {
  test('access table lists both sides', () => {
    const markdown = formatReport(diffSynthesizedOutputs(example, withNewToken), 'markdown');
    const rows = tableRows(markdown, '### Access changes');
    const byPolicy = new Map(rows.map((row) => [row[1], row]));

    expect(rows.every((row) => row.length === 9)).toBe(true);
    expect(byPolicy.get('identity policy on role my-app1-execution (222222222222)')).toEqual([
      '222222222222 (prod-eu-west-1)',
      'identity policy on role my-app1-execution (222222222222)',
      'added',
      'broadening',
      'role my-app1-execution (222222222222)',
      '`secretsmanager:GetSecretValue`',
      'secret new-token (111111111111)',
      '',
      'new resource',
    ]);
    expect(byPolicy.get('resource policy on secret new-token (111111111111)')?.slice(0, 5)).toEqual([
      '111111111111 (shared-services-eu-west-1)',
      'resource policy on secret new-token (111111111111)',
      'added',
      'broadening',
      'role my-app1-execution (222222222222)',
    ]);
    expect(markdown.split('\n')[2]).toMatch(/^\*\*Broadens access: \d+ grants added or widened in 2 accounts\*\*$/);
  });

  test('mermaid parser accepts the graph', () => {
    const report = diffSynthesizedOutputs(example, withNewToken);
    const graph = renderMermaid(report.graph);
    const result = spawnSync(process.execPath, [resolve(__dirname, 'parse-mermaid.mjs')], { cwd: root, input: graph, encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ diagramType: 'flowchart-v2' });
    expect(graph).toContain('subgraph account_111111111111');
    expect(report.graph.edges.filter((edge) => edge.status === 'added').map((edge) => [edge.from.name, edge.to.name])).toEqual([['my-app1-execution', 'new-token']]);
  });

  test('mermaid parser rejects a broken graph', () => {
    const result = spawnSync(process.execPath, [resolve(__dirname, 'parse-mermaid.mjs')], { cwd: root, input: 'flowchart LR\n  a -->', encoding: 'utf8' });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Parse error/);
  });
});

describe('command line', () => {
  test('identical outputs exit 0', () => {
    const result = runCli([example, example, '--fail-on-broadening']);

    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('No change: 3 stacks identical');
  });

  test('broadening fails only with flag', () => {
    const flagged = runCli([example, withNewToken, '--fail-on-broadening', '--format', 'json']);
    const plain = runCli([example, withNewToken]);

    expect(flagged.status).toBe(1);
    expect(JSON.parse(flagged.stdout)).toMatchObject({ broadens: true });
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^Broadens access/);
  });

  test('git ref synthesizes in removed worktree', () => {
    const result = runCli(['HEAD', example, '--format', 'json']);
    const worktrees = spawnSync('git', ['worktree', 'list', '--porcelain'], { cwd: root, encoding: 'utf8' }).stdout;

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).base).toMatch(/^HEAD \([0-9a-f]{12}\)$/);
    expect(result.stderr).toMatch(/\[HEAD\] Synthesized \d+ stacks/);
    expect(worktrees).not.toContain('access-diff-');
  });

  test('missing folder is a usage error', () => {
    const result = runCli(['./no-such-folder', example]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Folder not found: ./no-such-folder');
  });

  test('folder without stacks is a usage error', () => {
    const empty = scratchFolder();
    const result = runCli([empty, example]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`No synthesized stacks in ${empty}`);
  });

  test('help prints usage', () => {
    const result = runCli(['--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run diff -- BASE HEAD/);
  });

  test('unknown ref is a usage error', () => {
    const result = runCli(['no-such-branch-for-diff', example]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no-such-branch-for-diff is neither a folder nor a git commit');
  });

  test('bad format is a usage error', () => {
    const result = runCli([example, example, '--format', 'html']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid --format "html"');
  });
});
