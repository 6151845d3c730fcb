/** `npm run schema`: writes the manifest's JSON Schema to schema/manifest.schema.json for editor completion. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { manifestJsonSchema } from '../modules/manifest/schema';

export const SCHEMA_FILE = resolve(__dirname, '../schema/manifest.schema.json');

export function renderSchema(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  console.log(`Wrote ${SCHEMA_FILE}`);
}
