/**
 * Offline `terraform init`, `validate` and `plan` of synthesized stacks, with no network and no
 * AWS account. Each stack is copied into its own work folder with an override file that switches
 * the backend to local state, gives the provider dummy credentials and drops role assumption.
 * The synthesized stacks themselves stay untouched.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The provider the stacks are generated for: @cdktf/provider-aws 20.1.0 is built from hashicorp/aws 5.100.0. */
export const AWS_PROVIDER_VERSION = '5.100.0';

export const TERRAFORM_SETTING = 'ECS_ACCESS_TERRAFORM';
export const MIRROR_SETTING = 'ECS_ACCESS_PROVIDER_MIRROR';

/** Thrown when terraform or the provider mirror cannot be found. The message names the setting to use. */
export class OfflineSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfflineSetupError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Finds the terraform binary: `ECS_ACCESS_TERRAFORM` when set, otherwise the first `terraform` on PATH. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[TERRAFORM_SETTING];
  if (configured) {
    if (isExecutable(configured)) return configured;
    throw new OfflineSetupError(`${TERRAFORM_SETTING} is set to ${configured}, which is not an executable file. Point it at the terraform binary (1.10 or later).`);
  }
  for (const folder of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(folder, 'terraform');
    if (isExecutable(candidate)) return candidate;
  }
  throw new OfflineSetupError(`terraform was not found on PATH. Install Terraform 1.10 or later, or set ${TERRAFORM_SETTING} to the binary's path.`);
}

/** Folders searched for a provider mirror when `ECS_ACCESS_PROVIDER_MIRROR` is not set, in order. */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? homedir();
  const dataHome = env.XDG_DATA_HOME ?? join(home, '.local/share');
  return [
    '/opt/tf-plugins',
    join(home, '.terraform.d/plugins'),
    join(dataHome, 'terraform/plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
}

function platform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${process.platform}_${arch}`;
}

/** Returns whether a folder is an unpacked filesystem mirror holding hashicorp/aws at the pinned version for this platform. */
export function mirrorHasAwsProvider(folder: string): boolean {
  return existsSync(join(folder, 'registry.terraform.io/hashicorp/aws', AWS_PROVIDER_VERSION, platform()));
}

/** Finds the provider mirror: `ECS_ACCESS_PROVIDER_MIRROR` when set, otherwise the first candidate holding hashicorp/aws. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env, candidates: readonly string[] = mirrorCandidates(env)): string {
  const configured = env[MIRROR_SETTING];
  if (configured) {
    if (mirrorHasAwsProvider(configured)) return resolve(configured);
    throw new OfflineSetupError(
      `${MIRROR_SETTING} is set to ${configured}, which has no registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}/${platform()}. Point it at an unpacked provider mirror (as written by \`terraform providers mirror\`).`,
    );
  }
  const found = candidates.find(mirrorHasAwsProvider);
  if (found) return found;
  throw new OfflineSetupError(
    `No provider mirror with hashicorp/aws ${AWS_PROVIDER_VERSION} was found in ${candidates.join(', ')}. Set ${MIRROR_SETTING} to a folder made with \`terraform providers mirror\` on a machine with network access.`,
  );
}

/**
 * The override that makes a stack plan offline. Terraform merges `*_override.tf.json` files over
 * the configuration: the backend is replaced, and the provider gets dummy credentials, no account
 * lookups and an empty role ARN, which the provider treats as no role assumption.
 */
export const OFFLINE_OVERRIDE = {
  terraform: { backend: { local: { path: 'terraform.tfstate' } } },
  provider: {
    aws: {
      access_key: 'offline-plan',
      secret_key: 'offline-plan',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      allowed_account_ids: null,
      assume_role: [{ role_arn: '' }],
    },
  },
};

function cliConfig(mirror: string): string {
  return [
    'provider_installation {',
    '  filesystem_mirror {',
    `    path    = ${JSON.stringify(mirror)}`,
    '    include = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '  direct {',
    '    exclude = ["registry.terraform.io/hashicorp/aws"]',
    '  }',
    '}',
    '',
  ].join('\n');
}

export interface StackPlanResult {
  readonly stack: string;
  readonly ok: boolean;
  /** The step that failed, or `plan` when all passed. */
  readonly step: 'init' | 'validate' | 'plan';
  readonly toAdd?: number;
  readonly toChange?: number;
  readonly toDestroy?: number;
  readonly seconds: number;
  /** Terraform's output of the failed step. */
  readonly output?: string;
}

export interface OfflinePlanOptions {
  /** Folder with `stacks/<name>/cdk.tf.json`, usually `cdktf.out`. */
  readonly synthDir: string;
  /** Work folder for the copies; emptied first. */
  readonly workDir: string;
  readonly terraform?: string;
  readonly mirror?: string;
  /** Stacks planned at once. Default: 2. */
  readonly concurrency?: number;
  readonly stacks?: readonly string[];
}

/** Lists the stack names in a synthesized output folder. */
export function listStacks(synthDir: string): string[] {
  const stacksDir = join(synthDir, 'stacks');
  if (!existsSync(stacksDir)) throw new OfflineSetupError(`${stacksDir} does not exist. Run \`npm run synth\` first.`);
  return readdirSync(stacksDir)
    .filter((name) => existsSync(join(stacksDir, name, 'cdk.tf.json')))
    .sort();
}

/**
 * Empties `workDir`, writes a Terraform CLI configuration there that installs hashicorp/aws only
 * from the mirror, and returns the environment that makes terraform use it without network.
 */
export function prepareOfflineWorkDir(workDir: string, mirror: string): NodeJS.ProcessEnv {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const configFile = join(workDir, 'terraform.rc');
  writeFileSync(configFile, cliConfig(mirror));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: configFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete env.TF_PLUGIN_CACHE_DIR;
  delete env.AWS_PROFILE;
  return env;
}

/** Runs init, validate and plan for every stack, `concurrency` at a time. */
export async function planOffline(options: OfflinePlanOptions): Promise<StackPlanResult[]> {
  const terraform = options.terraform ?? findTerraform();
  const mirror = options.mirror ?? findProviderMirror();
  const workDir = resolve(options.workDir);
  const env = prepareOfflineWorkDir(workDir, mirror);

  const stacks = options.stacks ?? listStacks(options.synthDir);
  const results: StackPlanResult[] = new Array(stacks.length);
  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const index = next++;
      results[index] = await planStack(stacks[index], options.synthDir, workDir, terraform, env);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return results;
}

async function planStack(stack: string, synthDir: string, workDir: string, terraform: string, env: NodeJS.ProcessEnv): Promise<StackPlanResult> {
  const started = Date.now();
  const dir = join(workDir, stack);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(synthDir, 'stacks', stack, 'cdk.tf.json'), join(dir, 'cdk.tf.json'));
  writeFileSync(join(dir, 'offline_override.tf.json'), JSON.stringify(OFFLINE_OVERRIDE, null, 2));
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;

  const steps: ['init' | 'validate' | 'plan', string[]][] = [
    ['init', ['init', '-input=false', '-no-color']],
    ['validate', ['validate', '-no-color']],
    ['plan', ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=offline.tfplan']],
  ];
  let planOutput = '';
  for (const [step, args] of steps) {
    try {
      const { stdout } = await run(terraform, args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });
      if (step === 'plan') planOutput = stdout;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      return { stack, ok: false, step, seconds: seconds(), output: `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim() || failure.message };
    }
  }
  const counts = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(planOutput);
  return {
    stack,
    ok: true,
    step: 'plan',
    toAdd: counts ? Number(counts[1]) : 0,
    toChange: counts ? Number(counts[2]) : 0,
    toDestroy: counts ? Number(counts[3]) : 0,
    seconds: seconds(),
  };
}
