/** Argument handling shared by the verify and explain commands, which exit 2 on usage errors. */
import { existsSync } from 'node:fs';

/** Parses the command line, or prints the problem and the usage and sets exit code 2. */
export function parseOrReport<T>(parse: (argv: string[]) => T, usage: string): T | undefined {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exitCode = 2;
    return undefined;
  }
}

/** Returns whether the synthesized output folder exists, printing how to make it and setting exit code 2 when not. */
export function outputFolderExists(dir: string, whereToPass: string): boolean {
  if (existsSync(dir)) return true;
  console.error(`output folder ${dir} not found; run \`npm run synth\` first or pass the folder ${whereToPass}`);
  process.exitCode = 2;
  return false;
}
