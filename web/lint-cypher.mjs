#!/usr/bin/env node
// Lint c360's .cypher files with Neo4j's own Cypher language library (the parser and semantic analysis of
// Neo4j's editors), offline: the embedded test store is lenient, so a query it runs may still be one Neo4j 5
// rejects or deprecates. Prints {"statements": n, "diagnostics": [{file, line, column, severity, message}]}.
//
// Each file is cut as cypher/__init__.py cuts it before it reaches the driver: whole-line `//` comments
// dropped (blanked here, so line numbers stay those of the file), then one statement per `;`.
// Usage: node lint-cypher.mjs FILE...
import { readFileSync } from 'node:fs';
import { lintCypherQuery, isNotParamError, testData } from '@neo4j-cypher/language-support';

// Neo4j 5 with APOC and GDS: the signatures the library ships for its own tests, taken from such a server.
// Labels, relationship types and properties are left out: the lint then says nothing of the data model.
const schema = {
  functions: testData.mockSchema.functions,
  procedures: testData.mockSchema.procedures,
  defaultLanguage: 'CYPHER 5',
};
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function statements(text) {
  const blanked = text.split('\n').map((line) => (line.trimStart().startsWith('//') ? '' : line)).join('\n');
  const found = [];
  let line = 0;
  for (const piece of blanked.split(';')) {
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim()) {
      const start = line + (piece.slice(0, lead).match(/\n/g) || []).length;
      found.push({ text: piece.trim(), line: start });
    }
    line += (piece.match(/\n/g) || []).length;
  }
  return found;
}

const diagnostics = [];
let count = 0;
for (const file of process.argv.slice(2)) {
  for (const statement of statements(readFileSync(file, 'utf8'))) {
    count += 1;
    // values travel as parameters, declared by the caller, not in the query: never a finding
    for (const d of lintCypherQuery(statement.text, schema).diagnostics.filter(isNotParamError)) {
      diagnostics.push({
        file,
        line: statement.line + d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: SEVERITY[d.severity] ?? String(d.severity),
        message: d.message,
      });
    }
  }
}
process.stdout.write(JSON.stringify({ statements: count, diagnostics }, null, 1) + '\n');
