// Lints Cypher queries with Neo4j's own Cypher front end (@neo4j-cypher/language-support).
//
// stdin:  {"queries": [{"name": str, "query": str}],
//          "procedures": [Neo4jProcedure...],   // e.g. the contents of procedures.json
//          "functions": [Neo4jFunction...]}     // optional, user-defined functions only
// stdout: [{"name": str, "diagnostics": [{"severity": 1|2, "message": str,
//           "offsets": {"start": int, "end": int}, "range": {...}}]}]
// severity is LSP DiagnosticSeverity: 1 = Error, 2 = Warning.
//
// Queries are linted as the Neo4j 5 dialect (CYPHER 5). Every `$param` of a query is declared;
// labels, relationship types and property keys are left undeclared (they would only warn).
// Built-in functions come from the package's own dump of a Neo4j server (testData.mockSchema),
// so an unknown or misspelt function is an error, as is an undeclared procedure.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, parseParameters, testData } from '@neo4j-cypher/language-support';

const VERSION = 'CYPHER 5';

const byName = (items) => Object.fromEntries((items ?? []).map((item) => [item.name, item]));

const input = JSON.parse(readFileSync(0, 'utf8'));
const builtins = Object.values(testData.mockSchema.functions[VERSION]).filter((f) => f.isBuiltIn);
const procedures = { [VERSION]: byName(input.procedures) };
const functions = { [VERSION]: byName([...builtins, ...(input.functions ?? [])]) };

const results = input.queries.map(({ name, query }) => {
  const parameters = Object.fromEntries(parseParameters(query, false).map((p) => [p, null]));
  const dbSchema = { defaultLanguage: VERSION, procedures, functions, parameters };
  const { diagnostics } = lintCypherQuery(query, dbSchema, { consoleCommandsEnabled: false });
  return {
    name,
    diagnostics: diagnostics.map(({ severity, message, offsets, range }) => ({
      severity,
      message,
      offsets,
      range,
    })),
  };
});

process.stdout.write(JSON.stringify(results) + '\n');
