/**
 * Times `terraform init`, `validate` and optionally `plan` for single synthesized stacks, each
 * step on its own, with the offline setup of `modules/plan/offline.ts`: its override file, the
 * terraform binary and the provider mirror it finds. Stacks run one after another so that the
 * timings do not compete with each other.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { OFFLINE_OVERRIDE, findProviderMirror, findTerraform, prepareOfflineWorkDir } from '../modules/plan/offline';

const run = promisify(execFile);

export interface StackTiming {
  readonly stack: string;
  readonly resources: number;
  readonly ok: boolean;
  readonly initSeconds?: number;
  readonly validateSeconds?: number;
  readonly planSeconds?: number;
  /** The step that failed and the end of its output. */
  readonly failure?: { readonly step: string; readonly output: string };
}

/** Counts the resources of a synthesized stack. */
export function countResources(synthDir: string, stack: string): number {
  const json = JSON.parse(readFileSync(join(synthDir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, unknown>> };
  return Object.values(json.resource ?? {}).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
}

export class TerraformTimer {
  private readonly terraform = findTerraform();
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly workDir: string) {
    this.env = prepareOfflineWorkDir(workDir, findProviderMirror());
  }

  /** Copies the stack into its own work folder and times each step; stops at the first failure. */
  async time(synthDir: string, stack: string, options: { plan: boolean; label: string }): Promise<StackTiming> {
    const dir = join(this.workDir, options.label, stack);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(synthDir, 'stacks', stack, 'cdk.tf.json'), join(dir, 'cdk.tf.json'));
    writeFileSync(join(dir, 'offline_override.tf.json'), JSON.stringify(OFFLINE_OVERRIDE, null, 2));

    const steps: [string, string[]][] = [
      ['init', ['init', '-input=false', '-no-color', '-backend=true']],
      ['validate', ['validate', '-no-color']],
    ];
    if (options.plan) steps.push(['plan', ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=bench.tfplan']]);

    const seconds: Record<string, number> = {};
    for (const [step, args] of steps) {
      const started = performance.now();
      try {
        await run(this.terraform, args, { cwd: dir, env: this.env, maxBuffer: 256 * 1024 * 1024 });
      } catch (error) {
        const failure = error as { stdout?: string; stderr?: string; message: string };
        const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim() || failure.message;
        return { stack, resources: countResources(synthDir, stack), ok: false, failure: { step, output: output.slice(-2000) } };
      }
      seconds[step] = (performance.now() - started) / 1000;
    }
    rmSync(join(dir, '.terraform'), { recursive: true, force: true });
    return {
      stack,
      resources: countResources(synthDir, stack),
      ok: true,
      initSeconds: seconds.init,
      validateSeconds: seconds.validate,
      planSeconds: seconds.plan,
    };
  }
}
