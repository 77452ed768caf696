"""Every Neo4j-dialect query is linted by Neo4j's own Cypher front end.

The linter is the npm package @neo4j-cypher/language-support (pinned in neo4j_lint/package.json),
driven by neo4j_lint/lint.mjs. Each query's parameters and the Neo4j 5 procedures declared in
neo4j_lint/procedures.json are declared to it; any diagnostic of severity Error fails the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

LINT_DIR = Path(__file__).parent / "neo4j_lint"
PACKAGE_DIR = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
ERROR = 1  # LSP DiagnosticSeverity.Error (2 = Warning)

Query = tuple[str, str]
Lint = Callable[[list[Query]], list[dict[str, Any]]]

# Realistic queries of the kinds the project runs, so the harness is proven on real input.
SAMPLE_QUERIES: list[Query] = [
    ("upsert_documents", "UNWIND $rows AS r MERGE (d:Document {id: r.id}) SET d += r.props"),
    (
        "document_id_constraint",
        "CREATE CONSTRAINT document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE",
    ),
    (
        "vector_index_param_dim",
        "CREATE VECTOR INDEX passage_embedding IF NOT EXISTS FOR (p:Passage) ON (p.embedding) "
        "OPTIONS {indexConfig: {`vector.dimensions`: $dim, "
        "`vector.similarity_function`: 'cosine'}}",
    ),
    (
        "vector_index_literal_dim",
        "CREATE VECTOR INDEX passage_embedding IF NOT EXISTS FOR (p:Passage) ON (p.embedding) "
        "OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}}",
    ),
    (
        "fulltext_index",
        "CREATE FULLTEXT INDEX passage_text IF NOT EXISTS FOR (p:Passage) ON EACH [p.text]",
    ),
    (
        "vector_search",
        "CALL db.index.vector.queryNodes('passage_embedding', $k, $vector) YIELD node, score "
        "RETURN node.id AS id, score",
    ),
    (
        "fulltext_search",
        "CALL db.index.fulltext.queryNodes('passage_text', $q) YIELD node, score "
        "RETURN node.id, score LIMIT $k",
    ),
    (
        "set_embeddings",
        "UNWIND $rows AS r MATCH (p:Passage {id: r.id}) "
        "CALL db.create.setNodeVectorProperty(p, 'embedding', r.vector)",
    ),
    ("await_indexes", "CALL db.awaitIndexes(300)"),
    ("show_indexes", "SHOW INDEXES YIELD name, type, state"),
    (
        "batched_upsert",
        "UNWIND $rows AS r CALL (r) { MERGE (d:Document {id: r.id}) SET d += r.props } "
        "IN TRANSACTIONS OF 500 ROWS",
    ),
]

BAD_QUERIES: list[Query] = [
    ("syntax_error", "MATCH (d:Document RETURN d"),
    ("undeclared_procedure", "CALL db.index.vector.nearest('passage_embedding', $k, $vector)"),
    # A declared procedure misused: proves procedures.json reaches the semantic analysis.
    (
        "unknown_yield_column",
        "CALL db.index.vector.queryNodes('passage_embedding', $k, $vector) YIELD nod RETURN nod",
    ),
    ("unknown_function", "RETURN vector.similarity.cosin([1.0], [2.0]) AS s"),
]


@pytest.fixture(scope="session")
def neo4j_lint() -> Lint:
    """Install the pinned linter if missing and return a function that lints (name, query)s."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node/npm not on PATH: the Neo4j Cypher linter runs on Node.js")
    if not PACKAGE_DIR.is_dir():
        subprocess.run(
            [npm, "ci", "--silent", "--no-audit", "--no-fund"],
            cwd=LINT_DIR,
            check=True,
            timeout=300,
        )
    procedures = json.loads((LINT_DIR / "procedures.json").read_text())

    def lint(queries: list[Query]) -> list[dict[str, Any]]:
        payload = {
            "queries": [{"name": name, "query": query} for name, query in queries],
            "procedures": procedures,
            "functions": [],
        }
        proc = subprocess.run(
            [node, str(LINT_DIR / "lint.mjs")],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, f"lint.mjs failed:\n{proc.stderr}"
        results: list[dict[str, Any]] = json.loads(proc.stdout)
        assert [r["name"] for r in results] == [name for name, _ in queries]
        return results

    return lint


def errors_of(results: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Error messages per query name, for the queries that have any."""
    found: dict[str, list[str]] = {}
    for result in results:
        messages = [d["message"] for d in result["diagnostics"] if d["severity"] == ERROR]
        if messages:
            found[result["name"]] = messages
    return found


def assert_lints_clean(lint: Lint, queries: list[Query]) -> None:
    errors = errors_of(lint(queries))
    report = "\n".join(f"{name}: {msg}" for name, msgs in errors.items() for msg in msgs)
    assert not errors, f"Neo4j Cypher lint errors:\n{report}"


def test_harness_rejects_bad_cypher(neo4j_lint: Lint) -> None:
    errors = errors_of(neo4j_lint(BAD_QUERIES))
    assert set(errors) == {name for name, _ in BAD_QUERIES}, errors
    assert any("nearest" in msg for msg in errors["undeclared_procedure"])


def test_sample_queries_lint_clean(neo4j_lint: Lint) -> None:
    assert_lints_clean(neo4j_lint, SAMPLE_QUERIES)


def test_every_neo4j_query_lints_clean(neo4j_lint: Lint) -> None:
    from graph.queries import neo4j_lint_catalog

    catalog = neo4j_lint_catalog()
    assert catalog, "neo4j_lint_catalog() returned no queries"
    names = [name for name, _ in catalog]
    assert len(names) == len(set(names)), "query names in the catalog must be unique"
    assert_lints_clean(neo4j_lint, catalog)
