/** Renders a verify report as a terminal matrix, as JSON for machines, or as Markdown for pull requests. */
import { parseArn } from '../core/arn';
import type { RequestResult } from './evaluate';
import type { Finding } from './findings';
import type { VerifyReport } from './index';

export type ReportFormat = 'text' | 'json' | 'markdown';

interface Row {
  service: string;
  principal: string;
  action: string;
  resource: string;
  expected: string;
  result: string;
  decidedBy: string;
  check: string;
  passed: boolean;
}

/** `222222222222:role/my-app1-execution` reads better in a matrix than the full ARN. */
function shortPrincipal(arn: string): string {
  const parsed = parseArn(arn);
  return parsed ? `${parsed.account}:${parsed.resource}` : arn;
}

function toRow(result: RequestResult): Row {
  const { request } = result;
  const verdict = result.passed ? 'ok' : 'FAIL';
  const notes = [result.decidedBy.join(' + '), result.reason].filter(Boolean).join('; ');
  return {
    service: request.task ?? request.action.split(':')[0],
    principal: shortPrincipal(request.principal),
    action: request.action,
    resource: request.resource,
    expected: request.expected,
    result: `${verdict} ${result.decision}`,
    decidedBy: result.passed ? notes || '-' : result.reason,
    check: request.purpose,
    passed: result.passed,
  };
}

function groupByService(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    if (!groups.has(row.service)) groups.set(row.service, []);
    groups.get(row.service)!.push(row);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

const COLUMNS: { key: keyof Row; title: string }[] = [
  { key: 'principal', title: 'principal' },
  { key: 'action', title: 'action' },
  { key: 'resource', title: 'resource' },
  { key: 'expected', title: 'expected' },
  { key: 'result', title: 'result' },
  { key: 'decidedBy', title: 'decided by' },
  { key: 'check', title: 'check' },
];

function counts(report: VerifyReport): { requests: number; failed: number; errors: number; warnings: number } {
  return {
    requests: report.results.length,
    failed: report.results.filter((result) => !result.passed).length,
    errors: report.findings.filter((finding) => finding.severity === 'error').length,
    warnings: report.findings.filter((finding) => finding.severity === 'warning').length,
  };
}

function summary(report: VerifyReport): string {
  const { requests, failed, errors, warnings } = counts(report);
  const verdict = report.passed ? 'PASSED' : 'FAILED';
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `verify ${verdict}: ${requests - failed}/${requests} requests as expected, ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${plural(report.stacks.length, 'stack')} in ${report.dir})`;
}

function formatText(report: VerifyReport): string {
  const lines: string[] = [];
  for (const [service, rows] of groupByService(report.results.map(toRow))) {
    lines.push('', `== ${service} ==`);
    const widths = COLUMNS.map((column) => Math.max(column.title.length, ...rows.map((row) => String(row[column.key]).length)));
    const render = (values: string[]) => values.map((value, index) => value.padEnd(widths[index])).join('  ').trimEnd();
    lines.push(render(COLUMNS.map((column) => column.title)));
    for (const row of rows) lines.push(render(COLUMNS.map((column) => String(row[column.key]))));
  }
  if (report.findings.length > 0) {
    lines.push('', '== lint ==');
    for (const finding of report.findings) lines.push(`${finding.severity} [${finding.id}] ${finding.source}: ${finding.message}`);
  }
  lines.push('', summary(report));
  return lines.join('\n');
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, '\\|');
}

/** Puts names in code spans so `*` and `_` in ARNs are not read as emphasis, and bolds a failure. */
function markdownCell(row: Row, key: keyof Row): string {
  const value = String(row[key]);
  if (key === 'principal' || key === 'action' || key === 'resource') return `\`${value}\``;
  if (key === 'result' && !row.passed) return `**${value}**`;
  return value;
}

function formatMarkdown(report: VerifyReport): string {
  const lines: string[] = [`### ${summary(report)}`];
  for (const [service, rows] of groupByService(report.results.map(toRow))) {
    lines.push('', `#### ${service}`, '', `| ${COLUMNS.map((column) => column.title).join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`);
    for (const row of rows) {
      lines.push(`| ${COLUMNS.map((column) => escapeCell(markdownCell(row, column.key))).join(' | ')} |`);
    }
  }
  if (report.findings.length > 0) {
    lines.push('', '#### lint', '');
    for (const finding of report.findings) lines.push(`- **${finding.severity}** \`${finding.id}\` \`${finding.source}\`: ${finding.message}`);
  }
  return lines.join('\n');
}

function jsonResult(result: RequestResult): Record<string, unknown> {
  const { request } = result;
  return {
    purpose: request.purpose,
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    resourceAccount: request.resourceAccount,
    context: request.context,
    expected: request.expected,
    decision: result.decision,
    passed: result.passed,
    decidedBy: result.decidedBy,
    reason: result.reason,
    identityPolicies: request.identityPolicies.map((policy) => policy.label),
    resourcePolicy: request.resourcePolicy?.label ?? null,
    guards: request.guards,
  };
}

function formatJson(report: VerifyReport): string {
  const findings: Finding[] = [...report.findings];
  return JSON.stringify({ passed: report.passed, dir: report.dir, stacks: report.stacks, counts: counts(report), results: report.results.map(jsonResult), findings }, null, 2);
}

/** Renders the report in the requested format. */
export function formatReport(report: VerifyReport, format: ReportFormat): string {
  if (format === 'json') return formatJson(report);
  if (format === 'markdown') return formatMarkdown(report);
  return formatText(report);
}
