/**
 * `npm run explain -- "<message>" [DIR] [--service NAME] [--manifest FILE | --no-manifest] [--format text|json]`
 *
 * Explains why an ECS task failed to start, from its stopped reason, a service event, a CloudTrail
 * record or `aws` CLI error output, against the synthesized output in DIR (default `cdktf.out`).
 * A message of `-` is read from standard input. Exits 0 after printing, 2 on invalid arguments.
 */
import { readFileSync } from 'node:fs';
import { ManifestError } from '../modules/core/errors';
import { outputFolderExists, parseOrReport } from './cli';
import { explain, formatExplanation } from '../modules/explain';

const USAGE = `usage: npm run explain -- "<message>" [DIR] [--service NAME] [--manifest FILE | --no-manifest] [--format text|json]
  message         stopped reason, service event, CloudTrail record (JSON) or aws CLI error; - reads standard input
  DIR             synthesized output folder (default: cdktf.out)
  --service       explain for this manifest service only, for messages that name no role (timeouts, ECS Exec)
  --manifest      manifest the output was synthesized from (default: the one recorded in DIR by synth, else ECS_ACCESS_MANIFEST, else the bundled example)
  --no-manifest   read nothing but the output; manifest fields are then not reported
  --format        text (default) or json`;

interface Arguments {
  message?: string;
  dir: string;
  service?: string;
  manifest?: string | false;
  format: 'text' | 'json';
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { dir: 'cdktf.out', format: 'text' };
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${argument} needs a value`);
      return next;
    };
    if (argument === '--service') parsed.service = value();
    else if (argument === '--manifest') parsed.manifest = value();
    else if (argument === '--no-manifest') parsed.manifest = false;
    else if (argument === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'json') throw new Error(`--format is text or json, got "${format}"`);
      parsed.format = format;
    } else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}`);
    else positional.push(argument);
  }
  if (positional.length === 0) throw new Error('the message is missing');
  if (positional.length > 2) throw new Error(`expected a message and at most one folder, got ${positional.length} arguments; quote the message`);
  parsed.message = positional[0] === '-' ? readFileSync(0, 'utf8') : positional[0];
  if (positional[1]) parsed.dir = positional[1];
  return parsed;
}

async function main(): Promise<void> {
  const args = parseOrReport(parseArguments, USAGE);
  if (!args || !outputFolderExists(args.dir, 'after the message')) return;
  try {
    const explanation = await explain(args.message!, args.dir, { manifest: args.manifest, service: args.service });
    console.log(formatExplanation(explanation, args.format));
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}

void main();
