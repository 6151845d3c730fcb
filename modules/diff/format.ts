import { AccessChange } from './compare-grants';
import { ResourceChange } from './compare-resources';
import { renderMermaid } from './graph';
import { formatClause, Grant, PolicyKind } from './grants';
import { DiffReport, StackDiff } from './report';

export type ReportFormat = 'text' | 'markdown' | 'json';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'markdown', 'json'];

// Keeps a pull-request comment or job summary readable; the JSON output has every row.
const MAX_TABLE_ROWS = 150;

export function formatReport(report: DiffReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, jsonReplacer, 2)}\n`;
  if (format === 'markdown') return formatMarkdown(report);
  return formatText(report);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? Object.fromEntries(value) : value;
}

const POLICY_NAMES: Readonly<Record<PolicyKind, string>> = {
  identity: 'identity policy',
  resource: 'resource policy',
  trust: 'trust policy',
  endpoint: 'VPC endpoint policy',
};

function accountOf(stack: StackDiff): string {
  return stack.account ? `${stack.account} (${stack.name})` : stack.name;
}

function conditionsOf(grant: Grant): string {
  return grant.conditions.map(formatClause).join('; ');
}

function changeWord(change: AccessChange): string {
  if (change.change !== 'changed') return change.change;
  return change.direction === 'broadening' ? 'widened' : 'narrowed';
}

/** Orders rows by account, then by the role or resource the policy is on, broadening first. */
function accessRows(report: DiffReport): { stack: StackDiff; change: AccessChange }[] {
  return report.stacks
    .flatMap((stack) => stack.access.map((change) => ({ stack, change })))
    .sort(
      (a, b) =>
        accountOf(a.stack).localeCompare(accountOf(b.stack)) ||
        a.change.grant.attachedTo.label.localeCompare(b.change.grant.attachedTo.label) ||
        a.change.direction.localeCompare(b.change.direction) ||
        a.change.grant.principal.label.localeCompare(b.change.grant.principal.label) ||
        a.change.grant.action.localeCompare(b.change.grant.action),
    );
}

// ---------------------------------------------------------------------------------------------
// Text

function formatText(report: DiffReport): string {
  const lines = [report.verdict, `Compared ${report.base} (base) with ${report.head} (head).`];
  for (const change of report.critical) lines.push(`Warning: ${criticalLine(change)}`);
  for (const warning of report.warnings) lines.push(`Warning: ${warning}`);

  for (const stack of report.stacks) {
    if (stack.status === 'unchanged') continue;
    lines.push('', `Stack ${stack.name}${stack.account ? ` (account ${stack.account})` : ''}: ${stack.status}`);
    let policy = '';
    for (const { change } of accessRows(report).filter((row) => row.stack === stack)) {
      const { grant } = change;
      const heading = `  ${POLICY_NAMES[grant.policy]} on ${grant.attachedTo.label}:`;
      if (heading !== policy) lines.push(heading);
      policy = heading;
      const sign = change.direction === 'broadening' ? '+' : '-';
      const conditions = grant.conditions.length > 0 ? ` if ${conditionsOf(grant)}` : '';
      lines.push(`    ${sign} ${changeWord(change)} (${change.direction}): ${grant.effect} ${grant.principal.label} ${grant.action} on ${grant.resource.label}${conditions}; ${change.reasons.join('; ')}`);
    }
    if (stack.resources.length > 0) lines.push('  resources:');
    for (const change of stack.resources) {
      lines.push(`    ${change.action.padEnd(7)} ${change.label} [${change.address}]${change.reasons.length > 0 ? `: ${change.reasons.join('; ')}` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function criticalLine(change: ResourceChange): string {
  const verb = change.action === 'replace' ? 'Replaces' : 'Deletes';
  const consequence = change.action === 'delete' ? 'What it stores or protects goes with it.' : 'Anything that refers to its ARN or id must be updated.';
  return `${verb} ${change.label} (${change.address}). ${consequence}`;
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** Escapes a table cell: `|` ends a cell and a newline ends the row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return text ? `\`${text.replace(/`/g, "'")}\`` : '';
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...shown.map((row) => `| ${row.map(cell).join(' | ')} |`)];
  if (rows.length > shown.length) lines.push('', `${rows.length - shown.length} more rows are left out here; \`--format json\` lists them all.`);
  return lines;
}

function formatMarkdown(report: DiffReport): string {
  const lines = ['## Access diff', '', `**${report.verdict}**`, '', `Compared ${code(report.base)} (base) with ${code(report.head)} (head).`];
  const notes = [...report.critical.map((change) => criticalLine(change)), ...report.warnings];
  if (notes.length > 0) lines.push('', '> [!WARNING]', ...notes.map((note) => `> - ${note}`));

  const rows = accessRows(report);
  if (rows.length > 0) {
    lines.push('', '### Access changes', '');
    lines.push(
      ...table(
        ['Account', 'Policy', 'Change', 'Direction', 'Principal', 'Action', 'Resource', 'Conditions', 'Why'],
        rows.map(({ stack, change }) => [
          accountOf(stack),
          `${POLICY_NAMES[change.grant.policy]} on ${change.grant.attachedTo.label}`,
          changeWord(change),
          change.direction,
          `${change.grant.effect === 'Deny' ? 'Deny ' : ''}${change.grant.principal.label}`,
          code(change.grant.action),
          change.grant.resource.label,
          code(conditionsOf(change.grant)),
          change.reasons.join('; '),
        ]),
      ),
    );
  }

  const resources = report.stacks.flatMap((stack) => stack.resources.map((change) => ({ stack, change })));
  if (resources.length > 0) {
    lines.push('', '### Resource changes', '');
    lines.push(
      ...table(
        ['Stack', 'Action', 'Resource', 'Address', 'Detail'],
        resources.map(({ stack, change }) => [stack.name, change.critical ? `**${change.action}**` : change.action, change.label, code(change.address), change.reasons.join('; ')]),
      ),
    );
  }

  if (report.graph.edges.length > 0) {
    lines.push('', '### Who can reach what', '', 'Green arrows are added, red dashed arrows removed, amber arrows changed.', '', '```mermaid', renderMermaid(report.graph), '```');
  }
  return `${lines.join('\n')}\n`;
}
