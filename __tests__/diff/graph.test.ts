import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { AccessGraph, buildAccessGraph, renderMermaid, sanitizeId } from '../../modules/diff/graph';
import { stackGrants } from '../../modules/diff/grants';
import { parseStack } from '../../modules/diff/synthesized';

const root = resolve(__dirname, '../..');

function parseWithMermaid(text: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [resolve(__dirname, 'parse-mermaid.mjs')], { cwd: root, input: text, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Builds a workload stack whose execution role may read the secret `secretArn`. */
function readerStack(secretArn: string) {
  return parseStack('prod-eu-west-1', {
    provider: { aws: [{ allowed_account_ids: ['222222222222'], region: 'eu-west-1' }] },
    resource: {
      aws_iam_role: { execution: { name: 'my-app1-execution' } },
      aws_iam_role_policy: {
        policy: {
          role: '${aws_iam_role.execution.name}',
          policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn }] }),
        },
      },
    },
  });
}

describe('access graph', () => {
  test('node ids keep only word characters', () => {
    expect(sanitizeId('prod/apipark-license-key')).toBe('prod_apipark_license_key');
    expect(sanitizeId('a+b=c,d.e@f "g" [h]')).toBe('a_b_c_d_e_f__g___h_');
  });

  test('odd names still parse', () => {
    const graph: AccessGraph = {
      accounts: new Map([['222222222222', ['prod-eu-west-1']]]),
      edges: [
        { from: { kind: 'role', name: 'end', account: '222222222222' }, to: { kind: 'secret', name: 'a "quoted" [name] (x) {y}', account: '111111111111' }, verbs: ['read'], status: 'added' },
        { from: { kind: 'role', name: 'svc+ops=1,a.b@c_d-e', account: '222222222222' }, to: { kind: 'key', name: '*', account: '111111111111' }, verbs: ['decrypt'], status: 'removed', missing: 'resource policy' },
      ],
    };
    const text = renderMermaid(graph);
    const result = parseWithMermaid(text);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(text).toContain('secret_a__quoted___name___x___y__111111111111["secret a #quot;quoted#quot; [name] (x) {y}"]');
    expect(text).toContain('linkStyle 0 stroke:#1a7f37');
    expect(text).toContain('linkStyle 1 stroke:#cf222e');
  });

  test('one-sided cross-account edge is marked', () => {
    const grants = stackGrants(readerStack('arn:aws:secretsmanager:eu-west-1:111111111111:secret:shared-api-key-??????')).grants.values();
    const graph = buildAccessGraph([], grants, new Map());

    expect(graph.edges).toHaveLength(1);
    expect(graph.edges[0]).toMatchObject({ status: 'added', missing: 'resource policy', verbs: ['read'] });
    expect(renderMermaid(graph)).toContain('|"read (added, no resource policy)"|');
  });

  test('same-account edge needs no resource policy', () => {
    const grants = stackGrants(readerStack('arn:aws:secretsmanager:eu-west-1:222222222222:secret:local-token-??????')).grants.values();
    const graph = buildAccessGraph(grants, stackGrants(readerStack('arn:aws:secretsmanager:eu-west-1:222222222222:secret:local-token-??????')).grants.values(), new Map());

    expect(graph.edges).toHaveLength(1);
    expect(graph.edges[0].status).toBe('unchanged');
    expect(graph.edges[0].missing).toBeUndefined();
  });
});
