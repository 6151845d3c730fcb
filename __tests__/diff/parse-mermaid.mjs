// Parses Mermaid text from stdin with Mermaid's own parser and prints the diagram type.
// Mermaid 11 is ESM-only and expects a DOM, so tests run this file in a child `node` process
// with jsdom globals rather than importing Mermaid into jest's CommonJS environment.
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
globalThis.window = window;
globalThis.document = window.document;
for (const name of ['DOMParser', 'Element', 'HTMLElement', 'SVGElement', 'Node']) {
  if (!(name in globalThis)) globalThis[name] = window[name];
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString('utf8');

const mermaid = (await import('mermaid')).default;
try {
  const result = await mermaid.parse(text);
  process.stdout.write(`${JSON.stringify({ diagramType: result.diagramType })}\n`);
} catch (error) {
  process.stderr.write(`${error.message ?? error}\n`);
  process.exitCode = 1;
}
