import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ManifestError } from '../core/errors';
import { LandingZone } from './model';
import { validateManifest } from './validate';

/** Parses manifest text as YAML (a superset of JSON), rejecting duplicate keys. */
export function parseManifestText(text: string, source = 'manifest'): unknown {
  // Without prettyErrors the parser leaves positions as offsets; the line counter turns them into lines.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    throw new ManifestError(
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        const duplicate = error.code === 'DUPLICATE_KEY';
        return {
          id: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
          path: `line ${position.line}, column ${position.col}`,
          rule: duplicate ? 'a key appears once in each mapping; a duplicate would silently replace the first' : 'the file must be valid YAML or JSON',
          received: error.message.split('\n')[0],
          fix: duplicate ? 'remove or rename the duplicate key' : 'correct the syntax at the position shown',
        };
      }),
      source,
    );
  }
  try {
    return document.toJS();
  } catch (error) {
    // toJS resolves aliases only now: an alias before its anchor, or too many aliases, throws a ReferenceError.
    if (!(error instanceof ReferenceError)) throw error;
    throw new ManifestError(
      [{ id: 'yaml-alias-invalid', path: source, rule: 'an alias (`*name`) must follow its anchor (`&name`), and aliases must not expand without bound', received: error.message, fix: 'define the anchor before the alias, or write the value out' }],
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
    throw new ManifestError([{ id: 'manifest-not-found', path: file, rule: 'the manifest file must be readable', received: (error as NodeJS.ErrnoException).code, fix: 'check the path in ECS_ACCESS_MANIFEST or the `manifest` context' }]);
  }
  return validateManifest(parseManifestText(text, file), file);
}
