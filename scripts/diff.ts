/**
 * `npm run diff -- BASE HEAD [--fail-on-broadening] [--format text|markdown|json]`: compares the
 * IAM access and the resources of two synthesized outputs. BASE and HEAD are each a folder with
 * `stacks/<stack>/cdk.tf.json` or a git ref, which is synthesized in a temporary worktree.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { formatReport, REPORT_FORMATS, ReportFormat } from '../modules/diff/format';
import { DiffInput, resolveInput } from '../modules/diff/inputs';
import { diffSynthesizedOutputs } from '../modules/diff/report';
import { DiffUsageError } from '../modules/diff/synthesized';

const USAGE = `Usage: npm run diff -- BASE HEAD [--fail-on-broadening] [--format text|markdown|json]

BASE and HEAD are synthesized output folders (containing stacks/<stack>/cdk.tf.json, such as
cdktf.out) or git refs (origin/main, HEAD~1, a tag), which are synthesized in a temporary worktree.

  --format FORMAT         text (default), markdown for a pull-request comment or job summary, or json
  --fail-on-broadening    exit with code 1 when HEAD allows anything BASE did not
  -h, --help              show this text

Exit codes: 0 no broadening (or the flag is absent), 1 broadening with --fail-on-broadening,
2 invalid arguments, a missing folder or an unknown ref.`;

function usageError(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return 2;
}

function repositoryRoot(): string {
  const result = spawnSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : process.cwd();
}

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on-broadening': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const format = parsed.values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) return usageError(`Invalid --format ${JSON.stringify(parsed.values.format)}: expected one of ${REPORT_FORMATS.join(', ')}.`);
  if (parsed.positionals.length !== 2) return usageError(`Expected BASE and HEAD, got ${parsed.positionals.length} argument${parsed.positionals.length === 1 ? '' : 's'}.`);

  const inputs: DiffInput[] = [];
  try {
    const repository = repositoryRoot();
    // Synth progress goes to stderr so that stdout stays the report, ready for $GITHUB_STEP_SUMMARY.
    for (const argument of parsed.positionals) inputs.push(resolveInput(argument, { repository, log: (line) => console.error(line) }));
    const report = diffSynthesizedOutputs(inputs[0].dir, inputs[1].dir);
    process.stdout.write(formatReport({ ...report, base: inputs[0].name, head: inputs[1].name }, format));
    return parsed.values['fail-on-broadening'] && report.broadens ? 1 : 0;
  } catch (error) {
    if (error instanceof DiffUsageError) {
      console.error(`access diff: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    for (const input of inputs) input.cleanup();
  }
}

process.exitCode = main();
