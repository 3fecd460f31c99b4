// The fetch handler (`createApp`, `@tessera/server/app`) runs on any host that speaks Request/Response: nothing it
// loads may be the Node host (src/node/) or a Node-only server module. This walks the import graph of src/app.ts
// as the compiler reads it (type-only imports are erased and do not count).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('./', import.meta.url));
const NODE_ONLY = ['@hono/node-server', 'node:http', 'node:http2', 'node:net', 'node:fs', 'node:child_process'];

/** Every file reached from `entry` through value imports, and every package they import. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const statement of source.statements) {
      const isImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
      const isExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly;
      if (!isImport && !isExport) continue;
      const specifier = statement.moduleSpecifier;
      if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
      const name = specifier.text;
      if (!name.startsWith('.')) {
        packages.add(name);
        continue;
      }
      const target = path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts'));
      if (existsSync(target)) visit(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the portable fetch handler', () => {
  it('imports nothing of the Node host and no Node-only server module', () => {
    const { files, packages } = importGraph(path.join(SRC, 'app.ts'));
    expect(files.size).toBeGreaterThan(10);
    expect([...files].map((file) => path.relative(SRC, file)).filter((file) => file.startsWith('node/'))).toEqual([]);
    expect([...packages].filter((name) => NODE_ONLY.some((banned) => name === banned || name.startsWith(`${banned}/`)))).toEqual([]);
  });

  it('the Node host is where the listener lives (the check above can see it)', () => {
    const { packages } = importGraph(path.join(SRC, 'node/serve.ts'));
    expect(packages.has('@hono/node-server')).toBe(true);
  });
});
