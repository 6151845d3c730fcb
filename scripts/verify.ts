/**
 * `npm run verify -- [DIR] [--format text|json|markdown] [--manifest FILE | --no-manifest] [--organization-id o-...]`
 *
 * Verifies a synthesized output folder (default `cdktf.out`). The organization id and the keys
 * of SSM parameters are not in the Terraform output, so they are read from the manifest:
 * `--manifest`, else the manifest synth recorded in the output, else the one `npm run synth`
 * would read now. `--organization-id` overrides the manifest's. Exits 1 when a request misses its
 * expectation or lint finds an error, 2 on invalid arguments.
 */
import { ManifestError } from '../modules/core/errors';
import { outputFolderExists, parseOrReport } from './cli';
import { loadManifest } from '../modules/manifest/load';
import { ManifestChoice, manifestOfOutput } from '../modules/manifest/source';
import { factsFromManifest, formatReport, ReportFormat, verifySynthesizedOutput, VerifyFacts } from '../modules/verify';
import { NO_FACTS } from '../modules/verify/facts';


const USAGE = `usage: npm run verify -- [DIR] [--format text|json|markdown] [--manifest FILE | --no-manifest] [--organization-id o-xxxxxxxxxx]
  DIR                 synthesized output folder (default: cdktf.out)
  --format            text (default) prints a matrix per service; json for machines; markdown for pull requests
  --manifest FILE     manifest the output was synthesized from (default: the one recorded in DIR by synth, else ECS_ACCESS_MANIFEST, else the bundled example)
  --no-manifest       read nothing but the output; the organization id and parameter keys are then unknown
  --organization-id   AWS Organizations id supplied as aws:PrincipalOrgID (default: the manifest's organizationId)`;

interface Arguments {
  dir: string;
  format: ReportFormat;
  manifest?: string;
  useManifest: boolean;
  organizationId?: string;
}

function parseArguments(argv: string[]): Arguments {
  const parsed: Arguments = { dir: 'cdktf.out', format: 'text', useManifest: true };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${argument} needs a value`);
      return next;
    };
    if (argument === '--format') {
      const format = value();
      if (format !== 'text' && format !== 'json' && format !== 'markdown') throw new Error(`--format is text, json or markdown, got "${format}"`);
      parsed.format = format;
    } else if (argument === '--manifest') parsed.manifest = value();
    else if (argument === '--no-manifest') parsed.useManifest = false;
    else if (argument === '--organization-id') parsed.organizationId = value();
    else if (argument === '--help' || argument === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (argument.startsWith('-')) throw new Error(`unknown option ${argument}`);
    else parsed.dir = argument;
  }
  return parsed;
}

function loadFacts(args: Arguments, manifest: ManifestChoice | undefined): VerifyFacts {
  let facts = NO_FACTS;
  if (manifest) facts = factsFromManifest(loadManifest(manifest.path));
  if (args.organizationId) facts = { ...facts, organizationId: args.organizationId };
  return facts;
}

async function main(): Promise<void> {
  const args = parseOrReport(parseArguments, USAGE);
  if (!args || !outputFolderExists(args.dir, 'as the first argument')) return;
  let facts: VerifyFacts;
  const manifest = args.useManifest ? manifestOfOutput(args.dir, args.manifest) : undefined;
  if (manifest?.changedSinceSynth) {
    console.error(`${manifest.path} changed after ${args.dir} was synthesized from it, so the output no longer matches it. Run \`npm run synth\` again, or pass --manifest.`);
    process.exitCode = 1;
    return;
  }
  try {
    facts = loadFacts(args, manifest);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const report = await verifySynthesizedOutput(args.dir, { facts });
  console.log(formatReport(report, args.format));
  if (args.format === 'text' && manifest) console.log(`facts (organization id, parameter keys) from ${manifest.path} (${manifest.reason})`);
  if (!report.passed) process.exitCode = 1;
}

void main();
