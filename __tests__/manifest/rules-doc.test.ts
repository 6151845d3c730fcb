import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SOURCE_FOLDERS = ['modules/manifest', 'modules/manifest/rules', 'modules/constructs', 'stacks'];
const KEBAB = "'([a-z][a-z0-9]*(?:-[a-z0-9]+)+)'";

/** Collects the problem and warning ids the manifest, construct and stack code can report. */
function reportedIds(): Set<string> {
  const ids = new Set<string>();
  for (const folder of SOURCE_FOLDERS) {
    for (const file of readdirSync(join(ROOT, folder)).filter((name) => name.endsWith('.ts'))) {
      const text = readFileSync(join(ROOT, folder, file), 'utf8');
      // `id: 'x'`, `id: flag ? 'x' : 'y'`, `problem('x', ...)` with the id on the same or the next line, and ids passed to `checkIds` and `checkDerivedNames`.
      const patterns = [new RegExp(`\\bid: [^\\n]*?${KEBAB}(?: : ${KEBAB})?`, 'g'), new RegExp(`problem\\(\\s*${KEBAB}`, 'g'), new RegExp(`(?:checkIds|checkDerivedNames)\\([^\\n]*?${KEBAB}`, 'g')];
      for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
          for (const id of match.slice(1)) if (id) ids.add(id);
        }
      }
    }
  }
  return ids;
}

describe('rule documentation', () => {
  const doc = readFileSync(join(ROOT, 'docs/manifest-rules.md'), 'utf8');

  test('source scan finds the rules', () => {
    const ids = reportedIds();
    for (const id of ['field-empty', 'secret-bare-name', 'yaml-duplicate-key', 'yaml-syntax', 'policy-too-large', 'subnet-id-invalid', 'kms-key-name-duplicate', 'repository-not-managed']) expect(ids).toContain(id);
  });

  test.each([...reportedIds()].sort())('%s documented', (id) => {
    expect(doc).toContain(`\`${id}\``);
  });
});
