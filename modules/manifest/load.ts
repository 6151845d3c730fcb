import { readFileSync } from 'node:fs';
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
import { ManifestError, ManifestProblem } from '../core/errors';
import { LandingZone } from './model';
import { validateManifest } from './validate';

/** Parses manifest text as YAML (a superset of JSON), rejecting duplicate keys; `source` names the file in messages. */
export function parseManifestText(text: string, source?: string): unknown {
  // Without prettyErrors the parser leaves positions as offsets; the line counter turns them into lines.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const at = (offset: number) => {
    const position = lineCounter.linePos(offset);
    return `line ${position.line}, column ${position.col}`;
  };

  // A mapping, list or binary value used as a key would be turned into a string with a warning on the console.
  const keyProblems: ManifestProblem[] = [];
  visit(document, {
    Pair(_, pair) {
      if (pair.key === null) return;
      if (isScalar(pair.key) && (pair.key.value === null || typeof pair.key.value !== 'object')) return;
      const range = (pair.key as { range?: readonly number[] }).range;
      keyProblems.push({ id: 'yaml-key-invalid', path: at(range?.[0] ?? 0), rule: 'a key is plain text, not a mapping, list, alias or binary value', received: String(pair.key), fix: 'write the key as text' });
    },
  });

  // Warnings, such as an unknown tag, mean the file does not say what it seems to.
  const syntaxProblems: ManifestProblem[] = [...document.errors, ...document.warnings].map((error) => {
    const duplicate = error.code === 'DUPLICATE_KEY';
    return {
      id: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
      path: at(error.pos[0]),
      rule: duplicate ? 'a key appears once in each mapping; a duplicate would silently replace the first' : 'the file must be valid YAML or JSON',
      received: error.message.split('\n')[0],
      fix: duplicate ? 'remove or rename the duplicate key' : 'correct the syntax at the position shown',
    };
  });
  if (syntaxProblems.length > 0 || keyProblems.length > 0) throw new ManifestError([...syntaxProblems, ...keyProblems], source);

  try {
    return document.toJS();
  } catch (error) {
    // toJS resolves aliases only now: an alias before its anchor, or too many aliases, throws a ReferenceError.
    if (!(error instanceof ReferenceError)) throw error;
    throw new ManifestError(
      [{ id: 'yaml-alias-invalid', path: source ?? '(manifest)', rule: 'an alias (`*name`) must follow its anchor (`&name`), and aliases must not expand without bound', received: error.message, fix: 'define the anchor before the alias, or write the value out' }],
      source,
    );
  }
}

/** Reads, parses and validates a manifest file. */
export function loadManifest(file: string): LandingZone {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ManifestError([{ id: 'manifest-not-found', path: file, rule: 'the manifest file must be readable', received: (error as NodeJS.ErrnoException).code, fix: 'check the path given with --manifest, ECS_ACCESS_MANIFEST or the `manifest` context, or the one recorded in the output by synth' }]);
  }
  return validateManifest(parseManifestText(text, file), file);
}
