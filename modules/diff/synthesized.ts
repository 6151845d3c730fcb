import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Raised for input the diff cannot work with: a missing folder, a folder without synthesized
 * stacks, an unknown git ref. The command line maps it to exit code 2.
 */
export class DiffUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffUsageError';
  }
}

/** One resource block of a synthesized stack. */
export interface TerraformResource {
  /** Terraform type, such as `aws_iam_role`. */
  readonly type: string;
  /** Logical name inside the type, such as `service-my-app1_execution-role_F51169D7`. */
  readonly name: string;
  /** `type.name`, the Terraform address inside the stack. */
  readonly address: string;
  /** Attributes without the cdktf `//` metadata block. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Construct path from the cdktf metadata, such as `prod-eu-west-1/service-my-app1/execution-role/role`. */
  readonly constructPath?: string;
}

/** One `stacks/<name>/cdk.tf.json` file, reduced to what the diff reads. */
export interface SynthesizedStack {
  readonly name: string;
  /** The account the AWS provider is pinned to through `allowed_account_ids`, when there is exactly one. */
  readonly account?: string;
  readonly region?: string;
  /** Resources by address. */
  readonly resources: ReadonlyMap<string, TerraformResource>;
  /** `moved` blocks as `from` address to `to` address. */
  readonly moved: ReadonlyMap<string, string>;
}

/**
 * Finds the stacks folder of a synthesized output: `<dir>/stacks` as cdktf writes it, or
 * `<dir>` itself when it already contains `<stack>/cdk.tf.json` folders.
 */
export function stacksFolder(dir: string): string {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new DiffUsageError(`Folder not found: ${dir}. Pass a synthesized output folder (such as cdktf.out) or a git ref.`);
  }
  for (const candidate of [join(root, 'stacks'), root]) {
    if (existsSync(candidate) && stackNames(candidate).length > 0) return candidate;
  }
  throw new DiffUsageError(`No synthesized stacks in ${dir}: expected ${join(dir, 'stacks', '<stack>', 'cdk.tf.json')}. Run npm run synth first.`);
}

function stackNames(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'cdk.tf.json')))
    .map((entry) => entry.name)
    .sort();
}

/** Reads every stack of a synthesized output folder, keyed by stack name. */
export function loadSynthesizedOutput(dir: string): Map<string, SynthesizedStack> {
  const folder = stacksFolder(dir);
  const stacks = new Map<string, SynthesizedStack>();
  for (const name of stackNames(folder)) {
    const file = join(folder, name, 'cdk.tf.json');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DiffUsageError(`Invalid JSON in ${file}: ${(error as Error).message}`);
    }
    stacks.set(name, parseStack(name, json));
  }
  return stacks;
}

/** Builds the diff's view of one stack from the parsed `cdk.tf.json` content. */
export function parseStack(name: string, json: unknown): SynthesizedStack {
  const document = isRecord(json) ? json : {};
  const resources = new Map<string, TerraformResource>();
  const blocks = isRecord(document.resource) ? document.resource : {};
  for (const [type, byName] of Object.entries(blocks)) {
    if (!isRecord(byName)) continue;
    for (const [logicalName, body] of Object.entries(byName)) {
      if (!isRecord(body)) continue;
      const { '//': metadata, ...attributes } = body;
      const path = isRecord(metadata) && isRecord(metadata.metadata) ? metadata.metadata.path : undefined;
      const address = `${type}.${logicalName}`;
      resources.set(address, { type, name: logicalName, address, attributes, constructPath: typeof path === 'string' ? path : undefined });
    }
  }

  const moved = new Map<string, string>();
  for (const block of Array.isArray(document.moved) ? document.moved : []) {
    if (isRecord(block) && typeof block.from === 'string' && typeof block.to === 'string') moved.set(block.from, block.to);
  }

  const provider = providerBlock(document);
  const accounts = provider && Array.isArray(provider.allowed_account_ids) ? provider.allowed_account_ids : [];
  return {
    name,
    account: accounts.length === 1 && typeof accounts[0] === 'string' ? accounts[0] : undefined,
    region: provider && typeof provider.region === 'string' ? provider.region : undefined,
    resources,
    moved,
  };
}

/** Returns the first AWS provider block without an alias, which resources use by default. */
function providerBlock(document: Record<string, unknown>): Record<string, unknown> | undefined {
  const providers = isRecord(document.provider) ? document.provider.aws : undefined;
  const blocks = (Array.isArray(providers) ? providers : [providers]).filter(isRecord);
  return blocks.find((block) => block.alias === undefined) ?? blocks[0];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
