// The Material Symbols the dashboard shows, read from its sources: the icon font is shipped as a
// subset of only these glyphs (scripts/subset-icons.py makes it; scripts/icon-names.test.ts fails
// when a source names an icon the committed subset lacks). Run: node scripts/icon-names.ts
import { globSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Icon names in one source file (a template or a component): the text of `<mat-icon>name</mat-icon>`,
 * quoted words inside a `<mat-icon>{{ … }}</mat-icon>` interpolation, `icon="name"` attributes, and
 * the quoted words on any line that names an icon (`icon: 'name'`, `icon = input('name')`,
 * `?.icon ?? 'name'`). A word that is no icon costs nothing: the subset script keeps only names the
 * font has.
 */
export function iconNamesIn(source: string): Set<string> {
  const names = new Set<string>();
  const add = (word: string | undefined) => {
    if (word && NAME.test(word)) names.add(word);
  };
  for (const m of source.matchAll(/<mat-icon\b[^>]*>([\s\S]*?)<\/mat-icon>/g)) {
    const body = m[1].trim();
    if (NAME.test(body)) add(body);
    for (const q of body.matchAll(/'([a-z][a-z0-9_]*)'/g)) add(q[1]);
  }
  for (const m of source.matchAll(/\bicon="([a-z][a-z0-9_]*)"/g)) add(m[1]);
  for (const line of source.split('\n')) {
    if (!/icon/i.test(line) || /^\s*(import|\/\/|\*|\/\*)/.test(line)) continue;
    for (const q of line.matchAll(/'([a-z][a-z0-9_]*)'/g)) add(q[1]);
  }
  return names;
}

/** Every icon name in the dashboard's sources (specs left out), sorted. */
export function dashboardIconNames(root = fileURLToPath(new URL('..', import.meta.url))): string[] {
  const files = globSync('apps/dashboard/src/app/**/*.{ts,html}', {
    cwd: root,
    exclude: (f) => f.endsWith('.spec.ts'),
  });
  const names = new Set<string>();
  for (const file of files) for (const name of iconNamesIn(readFileSync(`${root}/${file}`, 'utf8'))) names.add(name);
  return [...names].sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(dashboardIconNames()));
}
