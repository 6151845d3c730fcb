import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DiffUsageError, stacksFolder } from './synthesized';

/** A synthesized output folder ready to read, and how to clean up what was made for it. */
export interface DiffInput {
  readonly dir: string;
  /** Name of this input in the report: the folder, or the ref and the commit it resolved to. */
  readonly name: string;
  readonly cleanup: () => void;
}

export interface ResolveOptions {
  /** The git checkout refs are resolved in; its `node_modules` is reused by the worktree. */
  readonly repository: string;
  /** Receives the synth output of a ref, so a caller can show progress. */
  readonly log?: (line: string) => void;
}

function git(args: readonly string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.error) throw new DiffUsageError(`Could not run git: ${result.error.message}`);
  return { status: result.status ?? 1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/**
 * Turns a command-line argument into a synthesized output folder. An existing folder is used as
 * it is. Anything else must be a git ref: it is checked out into a temporary detached worktree,
 * synthesized there with `npm run synth` into a temporary `CDKTF_OUTDIR`, and the worktree is
 * removed again before this returns.
 */
export function resolveInput(argument: string, options: ResolveOptions): DiffInput {
  if (existsSync(argument) && statSync(argument).isDirectory()) {
    stacksFolder(argument);
    return { dir: resolve(argument), name: argument, cleanup: () => undefined };
  }

  if (/^(\/|\.\.?\/)/.test(argument) && !existsSync(argument)) {
    throw new DiffUsageError(`Folder not found: ${argument}. Run npm run synth with CDKTF_OUTDIR set to that folder, or pass a git ref.`);
  }
  const revision = git(['rev-parse', '--verify', '--quiet', `${argument}^{commit}`], options.repository);
  if (revision.status !== 0 || !revision.stdout) {
    throw new DiffUsageError(`${argument} is neither a folder nor a git commit, branch or tag in ${options.repository}. Pass a synthesized output folder or a ref such as origin/main.`);
  }
  const commit = revision.stdout;
  const scratch = mkdtempSync(join(tmpdir(), 'access-diff-'));
  const outdir = join(scratch, 'out');
  try {
    synthesizeCommit(commit, argument, scratch, outdir, options);
    stacksFolder(outdir);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  return { dir: outdir, name: `${argument} (${commit.slice(0, 12)})`, cleanup: () => rmSync(scratch, { recursive: true, force: true }) };
}

function synthesizeCommit(commit: string, ref: string, scratch: string, outdir: string, options: ResolveOptions): void {
  const worktree = join(scratch, 'worktree');
  const added = git(['worktree', 'add', '--detach', worktree, commit], options.repository);
  if (added.status !== 0) throw new DiffUsageError(`git worktree add failed for ${ref}: ${added.stderr}`);
  const modules = join(worktree, 'node_modules');
  try {
    // The worktree has the same package-lock.json in the common case; reusing the installed
    // packages saves an `npm ci` per ref. A ref with other dependencies may fail to synthesize.
    symlinkSync(resolve(options.repository, 'node_modules'), modules, 'dir');
    const synth = spawnSync('npm', ['run', '--silent', 'synth'], {
      cwd: worktree,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    for (const line of `${synth.stdout ?? ''}${synth.stderr ?? ''}`.split('\n').filter(Boolean)) options.log?.(`[${ref}] ${line}`);
    if (synth.error || synth.status !== 0) {
      throw new DiffUsageError(`npm run synth failed for ${ref} (${commit.slice(0, 12)})${synth.error ? `: ${synth.error.message}` : ` with exit code ${synth.status}`}; its output is above.`);
    }
    // A commit whose main.ts ignores CDKTF_OUTDIR writes to its own cdktf.out; take that instead.
    const ownOutput = join(worktree, 'cdktf.out');
    if (!existsSync(outdir) && existsSync(ownOutput)) renameSync(ownOutput, outdir);
  } finally {
    rmSync(modules, { force: true });
    git(['worktree', 'remove', '--force', worktree], options.repository);
  }
}
