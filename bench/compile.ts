/**
 * Transpiles the project's TypeScript to CommonJS so that the benchmark times `node` running
 * JavaScript, the same way for the real app and for the baselines. Each file is transpiled on
 * its own with the root tsconfig's options and no type-checking, as @swc/jest and tsx do, so a
 * type error elsewhere in the tree does not stop a measurement.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** Folders and files, relative to the project root, that a measured process may load. */
export const COMPILED_SOURCES = ['main.ts', 'modules', 'stacks', 'scripts', 'bench'];

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  return readdirSync(path)
    .filter((entry) => entry !== 'results' && entry !== 'node_modules')
    .flatMap((entry) => sourceFiles(join(path, entry)));
}

/** Writes `<outDir>/<path>.js` for every source file and returns how many there were. */
export function compileProject(root: string, outDir: string): number {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(`cannot read ${join(root, 'tsconfig.json')}: ${ts.flattenDiagnosticMessageText(config.error.messageText, '\n')}`);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const compilerOptions: ts.CompilerOptions = { ...options, noEmit: false, sourceMap: false, inlineSourceMap: false, declaration: false };

  rmSync(outDir, { recursive: true, force: true });
  const files = COMPILED_SOURCES.flatMap((source) => sourceFiles(join(root, source)));
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output.outputText);
  }
  return files.length;
}
