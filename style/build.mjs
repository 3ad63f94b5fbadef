// Builds target/site/pkg/doorbraak.css: only the NL Design System (Utrecht)
// components the application uses, only the design tokens those components
// and our own rules refer to, and style/main.css — without comments.
// A municipality's own colours come on top at run time (/thema.css).
// Usage: node style/build.mjs OUT.css
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const utrecht = join(here, 'node_modules', '@utrecht');

// The components in use (grep "utrecht-" app/src for their classes).
const components = [
  'document', 'body', 'page', 'page-header', 'page-content', 'page-footer', 'skip-link',
  'nav-bar', 'nav-list', 'heading-1', 'heading-2', 'heading-3', 'paragraph', 'link',
  'unordered-list', 'ordered-list', 'table', 'button', 'button-link', 'alert', 'code',
  'status-badge', 'form-field', 'form-label', 'form-fieldset', 'form-field-description',
  'form-field-error-message', 'textbox', 'textarea', 'select', 'checkbox', 'radio-button',
];

const strip = (css) => css.replace(/\/\*[\s\S]*?\*\//g, '');
const minify = (css) => strip(css)
  .replace(/\s+/g, ' ')
  .replace(/\s*([{};,>])\s*/g, '$1')
  .replace(/;}/g, '}')
  .trim();

const parts = components.map((c) => readFileSync(join(utrecht, `${c}-css`, 'dist', 'index.css'), 'utf8'));
const own = readFileSync(join(here, 'main.css'), 'utf8');
const body = strip(parts.join('\n') + '\n' + own);

// The base theme's token declarations (the `.utrecht-theme { … }` block).
const tokens = readFileSync(join(utrecht, 'design-tokens', 'dist', 'index.css'), 'utf8');
const block = strip(tokens).match(/(^|\n)\.utrecht-theme\s*\{([\s\S]*?)\n\}/);
if (!block) throw new Error('no .utrecht-theme block in the design tokens');
const declared = new Map();
for (const m of block[2].matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) declared.set(m[1], m[2].trim());

// Keep the tokens referred to, and the tokens those refer to.
const wanted = new Set([...body.matchAll(/var\(\s*(--[\w-]+)/g)].map((m) => m[1]));
const kept = new Map();
const visit = (name) => {
  if (kept.has(name) || !declared.has(name)) return;
  const value = declared.get(name);
  kept.set(name, value);
  for (const m of value.matchAll(/var\(\s*(--[\w-]+)/g)) visit(m[1]);
};
[...wanted].forEach(visit);
const theme = `.utrecht-theme{${[...kept].map(([k, v]) => `${k}:${v}`).join(';')}}`;

const out = process.argv[2];
if (!out) throw new Error('usage: node style/build.mjs OUT.css');
const css = theme + minify(body);
writeFileSync(out, css);
console.log(`${out}: ${css.length} bytes, ${kept.size} of ${declared.size} tokens, ${components.length} components`);
