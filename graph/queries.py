"""Every Cypher statement of the project, parameterised; dialect differences live in `Dialect`.

Builders return `(query, params)`. Values only ever travel as `$param`; the few identifiers that
are spliced in (labels, relationship types, index names) come from the constants below, never from
input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Query = tuple[str, dict]

NODE_LABELS = ("Country", "Source", "Document", "Passage", "RiskFactor", "ProtectedGround",
               "Actor", "LegalElement", "Agreement", "Meta", "Statistic")
PASSAGE_LINKS = ("ABOUT", "CONCERNS_NATIONALS_OF", "EVIDENCES", "MENTIONS", "SUPPORTS")
VECTOR_INDEX = "passage_embedding"
FULLTEXT_INDEX = "passage_text"
FULLTEXT_SCAN = 20  # full-text matches read per result wanted, before the country filter

_RESEARCH_SPECIALS = re.compile(r"[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Dialect:
    """What differs between FalkorDB and Neo4j: index DDL, procedures, vector literals."""

    name: str

    @property
    def is_neo4j(self) -> bool:
        return self.name == "neo4j"

    def vector(self, expr: str) -> str:
        """Expression storing a list of floats as a vector property."""
        return expr if self.is_neo4j else f"vecf32({expr})"

    def index_ddl(self, dim: int) -> list[str]:
        """Range indexes (ids), the vector index and the full-text index; idempotent."""
        if self.is_neo4j:
            ddl = [f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                   f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" for label in NODE_LABELS
                   if label != "Country"]
            ddl.append("CREATE CONSTRAINT country_iso2 IF NOT EXISTS "
                       "FOR (n:Country) REQUIRE n.iso2 IS UNIQUE")
            ddl.append(f"CREATE VECTOR INDEX {VECTOR_INDEX} IF NOT EXISTS "
                       "FOR (p:Passage) ON (p.embedding) OPTIONS {indexConfig: {"
                       f"`vector.dimensions`: {int(dim)}, "
                       "`vector.similarity_function`: 'cosine'}}")
            ddl.append(f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
                       "FOR (p:Passage) ON EACH [p.text]")
            return ddl
        ddl = [f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in NODE_LABELS
               if label != "Country"]
        ddl.append("CREATE INDEX FOR (n:Country) ON (n.iso2)")
        ddl.append("CREATE VECTOR INDEX FOR (p:Passage) ON (p.embedding) OPTIONS "
                   f"{{dimension: {int(dim)}, similarityFunction: 'cosine'}}")
        ddl.append("CALL db.idx.fulltext.createNodeIndex('Passage', 'text')")
        return ddl

    def drop_vector_index(self) -> str:
        if self.is_neo4j:
            return f"DROP INDEX {VECTOR_INDEX} IF EXISTS"
        return "DROP VECTOR INDEX FOR (p:Passage) ON (p.embedding)"

    def vector_search(self, k: int, vector: list[float]) -> Query:
        """Nearest passages; `similarity` is the cosine on both backends (higher = closer)."""
        if self.is_neo4j:
            return (f"CALL db.index.vector.queryNodes('{VECTOR_INDEX}', $k, $vector) "
                    "YIELD node, score "
                    "RETURN node.id AS id, score AS similarity",
                    {"k": k, "vector": vector})
        return ("CALL db.idx.vector.queryNodes('Passage', 'embedding', $k, vecf32($vector)) "
                "YIELD node, score "
                "RETURN node.id AS id, 1.0 - score AS similarity",
                {"k": k, "vector": vector})

    def fulltext_search(self, terms: list[str], limit: int) -> Query:
        """Passages matching any of `terms`.

        Punctuation is stripped from terms, so no input can carry the engines' query operators.
        """
        if self.is_neo4j:
            q = " OR ".join(f'"{t}"' for t in _clean(terms))
            return (f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q) "
                    "YIELD node, score RETURN node.id AS id, score LIMIT $limit",
                    {"q": q, "limit": limit})
        q = " | ".join(_redisearch_term(t) for t in _clean(terms))
        return ("CALL db.idx.fulltext.queryNodes('Passage', $q) "
                "YIELD node, score RETURN node.id AS id, score LIMIT $limit",
                {"q": q, "limit": limit})

    def vector_in_countries(self, k: int, vector: list[float], countries: list[str]) -> Query:
        """Nearest passages kept only when ABOUT one of `countries` (the index has no filter,
        so the caller over-fetches `k`); `similarity` is the cosine on both backends."""
        if self.is_neo4j:
            head = (f"CALL db.index.vector.queryNodes('{VECTOR_INDEX}', $k, $vector) "
                    "YIELD node, score WITH node, score AS similarity ")
        else:
            head = ("CALL db.idx.vector.queryNodes('Passage', 'embedding', $k, vecf32($vector)) "
                    "YIELD node, score WITH node, 1.0 - score AS similarity ")
        return (head + "MATCH (node)-[:ABOUT]->(c:Country) WHERE c.iso2 IN $countries "
                "RETURN node.id AS id, c.iso2 AS country, similarity ORDER BY similarity DESC",
                {"k": k, "vector": vector, "countries": countries})

    def cosine(self, expr: str, param: str) -> str:
        """Closeness of a stored embedding to a query-vector parameter. Backends scale it
        differently (FalkorDB 1 - cosine distance, Neo4j (1 + cosine) / 2); both increase with
        the cosine, which is all ranking needs."""
        if self.is_neo4j:
            return f"vector.similarity.cosine({expr}, ${param})"
        return f"1.0 - vec.cosineDistance({expr}, vecf32(${param}))"

    def vector_exact_in_country(self, limit: int, vector: list[float], iso2: str) -> Query:
        """The passages ABOUT `iso2` closest to `vector`, by a full scan of that country's
        passages: exact and deterministic, for a country with few passages (the index
        approximates and cannot filter by country)."""
        return ("MATCH (p:Passage)-[:ABOUT]->(c:Country {iso2: $iso2}) "
                f"WHERE p.embedding IS NOT NULL WITH p, c, {self.cosine('p.embedding', 'vector')} "
                "AS similarity RETURN p.id AS id, c.iso2 AS country, similarity "
                "ORDER BY similarity DESC, id LIMIT $limit",
                {"vector": vector, "iso2": iso2, "limit": limit})

    def fulltext_in_countries(self, terms: list[str], countries: list[str],
                              limit: int) -> Query:
        """Full-text matches ABOUT each of `countries`: the best `limit` per country, so one
        country cannot crowd out another, in one index search. The index is read to
        FULLTEXT_SCAN * limit matches per country before the country filter; every country's
        matches among the top FULLTEXT_SCAN * limit are therefore always seen."""
        query, params = self.fulltext_search(terms, limit)
        head = query.split(" RETURN ")[0]
        return (head + " WITH node, score ORDER BY score DESC LIMIT $scan "
                "MATCH (node)-[:ABOUT]->(c:Country) WHERE c.iso2 IN $countries "
                "WITH c.iso2 AS country, node.id AS id, score ORDER BY score DESC, id "
                "WITH country, collect([id, score])[..$limit] AS hits "
                "UNWIND hits AS hit RETURN hit[0] AS id, country, hit[1] AS score "
                "ORDER BY country, score DESC",
                {**params, "countries": countries,
                 "scan": FULLTEXT_SCAN * limit * max(1, len(countries))})


def _clean(terms: list[str]) -> list[str]:
    out = []
    for term in terms:
        words = _RESEARCH_SPECIALS.sub(" ", term).split()
        if words:
            out.append(" ".join(words[:8]))
    return out or ["zzzznomatch"]


def _redisearch_term(term: str) -> str:
    words = term.split()
    return "(" + " ".join(words) + ")" if len(words) > 1 else words[0]


FALKOR = Dialect("falkordb")
NEO4J = Dialect("neo4j")


# --- loader -------------------------------------------------------------------------------

def fingerprints(label: str, ids: list[str]) -> Query:
    assert label in NODE_LABELS
    key = "iso2" if label == "Country" else "id"
    return (f"MATCH (n:{label}) WHERE n.{key} IN $ids RETURN n.{key} AS id, n.fp AS fp",
            {"ids": ids})


def document_passage_ids(doc_ids: list[str]) -> Query:
    return ("MATCH (p:Passage)-[:PART_OF]->(d:Document) WHERE d.id IN $ids "
            "RETURN d.id AS doc, p.id AS id, p.fp AS fp", {"ids": doc_ids})


def upsert_countries(rows: list[dict]) -> Query:
    return ("UNWIND $rows AS r MERGE (c:Country {iso2: r.iso2}) "
            "SET c.name = r.name, c.fp = r.fp", {"rows": rows})


def upsert_sources(rows: list[dict]) -> Query:
    return ("UNWIND $rows AS r MERGE (s:Source {id: r.id}) "
            "SET s.name = r.name, s.publisher = r.publisher, s.url = r.url, s.fp = r.fp",
            {"rows": rows})


def write_document(dialect: Dialect, doc: dict, keep: list[str], passages: list[dict]) -> Query:
    """One statement per document, so a document is never half-written (atomic per query).

    Removes passages that no longer exist, (re)writes the changed ones and their links.
    """
    links = " ".join(
        f"FOREACH (t IN p.{field} | MERGE (n:{label} {{{key}: t.id}}) "
        f"MERGE (x)-[e:{rel}]->(n) SET e.score = t.score)"
        for field, label, key, rel in (
            ("countries", "Country", "iso2", "ABOUT"),
            ("nationalities", "Country", "iso2", "CONCERNS_NATIONALS_OF"),
            ("risk_factors", "RiskFactor", "id", "EVIDENCES"),
            ("actors", "Actor", "id", "MENTIONS"),
            ("elements", "LegalElement", "id", "SUPPORTS"),
        )
    )
    query = (
        "MERGE (d:Document {id: $doc.id}) SET d += $doc.props "
        "WITH d MERGE (s:Source {id: $doc.source_id}) MERGE (d)-[:PUBLISHED_BY]->(s) "
        "WITH d OPTIONAL MATCH (d)-[a:ABOUT]->(:Country) DELETE a "
        "WITH DISTINCT d FOREACH (c IN $doc.countries | "
        "MERGE (n:Country {iso2: c}) MERGE (d)-[:ABOUT]->(n)) "
        "WITH d OPTIONAL MATCH (old:Passage)-[:PART_OF]->(d) WHERE NOT old.id IN $keep "
        "DETACH DELETE old "
        "WITH DISTINCT d UNWIND $passages AS p "
        "MERGE (x:Passage {id: p.id}) SET x += p.props, "
        f"x.embedding = {dialect.vector('p.embedding')} "
        "MERGE (x)-[:PART_OF]->(d) "
        "WITH x, p OPTIONAL MATCH (x)-[r]->() "
        f"WHERE type(r) IN {list(PASSAGE_LINKS)!r} DELETE r "
        f"WITH DISTINCT x, p {links} "
        "RETURN count(x) AS written"
    )
    return query, {"doc": doc, "keep": keep, "passages": passages}


def upsert_taxonomy_nodes(label: str, rows: list[dict]) -> Query:
    assert label in ("RiskFactor", "ProtectedGround", "Actor", "LegalElement")
    return (f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}) SET n += r.props", {"rows": rows})


def link_taxonomy(rel: str, src_label: str, dst_label: str, dst_key: str,
                  pairs: list[dict]) -> Query:
    assert rel in ("GROUND", "OPERATES_IN")
    return (f"UNWIND $pairs AS r MATCH (a:{src_label} {{id: r.src}}) "
            f"MERGE (b:{dst_label} {{{dst_key}: r.dst}}) MERGE (a)-[:{rel}]->(b)",
            {"pairs": pairs})


def set_meta(key: str, props: dict) -> Query:
    return ("MERGE (m:Meta {id: $key}) SET m += $props", {"key": key, "props": props})


def get_meta(key: str) -> Query:
    return ("MATCH (m:Meta {id: $key}) RETURN properties(m) AS props", {"key": key})


# --- reads --------------------------------------------------------------------------------

def count_nodes(label: str) -> Query:
    assert label in NODE_LABELS
    return (f"MATCH (n:{label}) RETURN count(n) AS n", {})


def count_relationships() -> Query:
    return ("MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n", {})


def document_by_id(doc_id: str) -> Query:
    return ("MATCH (d:Document {id: $id}) OPTIONAL MATCH (d)-[:PUBLISHED_BY]->(s:Source) "
            "OPTIONAL MATCH (d)-[:ABOUT]->(c:Country) "
            "RETURN properties(d) AS doc, s.id AS source, collect(c.iso2) AS countries",
            {"id": doc_id})


def passages_of_document(doc_id: str) -> Query:
    return ("MATCH (p:Passage)-[:PART_OF]->(d:Document {id: $id}) "
            "RETURN p.id AS id, p.ordinal AS ordinal, p.text AS text, p.section AS section "
            "ORDER BY p.ordinal", {"id": doc_id})


def passage_by_id(passage_id: str) -> Query:
    return ("MATCH (p:Passage {id: $id})-[:PART_OF]->(d:Document) "
            "RETURN properties(p) AS passage, d.id AS document", {"id": passage_id})


def passage_links(passage_id: str) -> Query:
    return ("MATCH (p:Passage {id: $id})-[r]->(n) "
            "RETURN type(r) AS rel, coalesce(n.id, n.iso2) AS target, r.score AS score "
            "ORDER BY rel, target", {"id": passage_id})


def passages_about(iso2: str, limit: int) -> Query:
    return ("MATCH (p:Passage)-[:ABOUT]->(:Country {iso2: $iso2}) "
            "RETURN p.id AS id, p.text AS text LIMIT $limit", {"iso2": iso2, "limit": limit})


def document_state(doc_id: str) -> Query:
    return ("MATCH (d:Document {id: $id}) OPTIONAL MATCH (p:Passage)-[:PART_OF]->(d) "
            "RETURN d.sha256 AS sha256, d.pipeline AS pipeline, count(p) AS passages",
            {"id": doc_id})


def passage_texts(after: str, limit: int) -> Query:
    """A page of passages in id order (keyset pagination, for re-embedding)."""
    return ("MATCH (p:Passage) WHERE p.id > $after RETURN p.id AS id, p.text AS text "
            "ORDER BY p.id LIMIT $limit", {"after": after, "limit": limit})


def set_embeddings(dialect: Dialect, rows: list[dict]) -> Query:
    return ("UNWIND $rows AS r MATCH (p:Passage {id: r.id}) "
            f"SET p.embedding = {dialect.vector('r.embedding')}", {"rows": rows})


def delete_all() -> Query:
    return ("MATCH (n) DETACH DELETE n", {})


# --- retrieval ----------------------------------------------------------------------------

def risk_factor_candidates(iso2: str, risk_factors: list[str], limit: int) -> Query:
    """Passages about a country that enrichment linked to any of the client's risk factors.

    Unordered, so the engine stops at `limit`: how strongly each one matches is scored later
    from its links, and ordering here cost a scan of every linked passage of the country."""
    return ("MATCH (:Country {iso2: $iso2})<-[:ABOUT]-(p:Passage)-[:EVIDENCES]->(r:RiskFactor) "
            "WHERE r.id IN $risk_factors RETURN DISTINCT p.id AS id LIMIT $limit",
            {"iso2": iso2, "risk_factors": risk_factors, "limit": limit})


def actor_candidates(iso2: str, actors: list[str], limit: int) -> Query:
    """Passages about a country that mention the client's home persecutor (its reach)."""
    return ("MATCH (:Country {iso2: $iso2})<-[:ABOUT]-(p:Passage)-[:MENTIONS]->(a:Actor) "
            "WHERE a.id IN $actors RETURN DISTINCT p.id AS id LIMIT $limit",
            {"iso2": iso2, "actors": actors, "limit": limit})


def passages_in_countries(countries: list[str]) -> Query:
    """How many passages are ABOUT each of `countries` (decides exact scan or vector index)."""
    return ("MATCH (p:Passage)-[:ABOUT]->(c:Country) WHERE c.iso2 IN $countries "
            "RETURN c.iso2 AS country, count(p) AS n", {"countries": countries})


def passage_evidence(ids: list[str]) -> Query:
    """What ranking and citation need about each candidate: text, document and its links,
    one row per passage (links collected as [type, target, score])."""
    return ("MATCH (p:Passage)-[:PART_OF]->(d:Document) WHERE p.id IN $ids "
            "WITH p, d OPTIONAL MATCH (p)-[r]->(n) WHERE type(r) IN $links "
            "RETURN p.id AS id, p.text AS text, p.section AS section, p.ordinal AS ordinal, "
            "p.language AS language, d.url AS url, d.title AS title, "
            "d.publisher AS publisher, d.published AS published, "
            "d.retrieved_at AS retrieved_at, d.sha256 AS sha256, "
            "collect(CASE WHEN r IS NULL THEN NULL "
            "ELSE [type(r), coalesce(n.id, n.iso2), r.score] END) AS links",
            {"ids": ids, "links": list(PASSAGE_LINKS)})


# --- exhibits -----------------------------------------------------------------------------

def exhibit_passages(ids: list[str]) -> Query:
    """Selected passages with their offsets, document, countries and supported elements: all an
    exhibit needs to quote the archived source (never the caller's copy of the text)."""
    return ("MATCH (p:Passage)-[:PART_OF]->(d:Document) WHERE p.id IN $ids "
            "OPTIONAL MATCH (p)-[s:SUPPORTS]->(e:LegalElement) "
            "WITH p, d, collect(CASE WHEN e IS NULL THEN NULL ELSE [e.id, s.score] END) "
            "AS elements OPTIONAL MATCH (p)-[:ABOUT]->(c:Country) "
            "RETURN p.id AS id, p.text AS text, p.section AS section, p.ordinal AS ordinal, "
            "p.start AS start_offset, p.end AS end_offset, p.language AS language, "
            "d.id AS doc_id, d.url AS url, d.title AS title, d.publisher AS publisher, "
            "d.published AS published, d.retrieved_at AS retrieved_at, d.sha256 AS sha256, "
            "d.archive_path AS archive_path, d.language AS doc_language, "
            "d.edition_note AS edition_note, d.original_url AS original_url, "
            "d.intermediary AS intermediary, d.citation AS citation, "
            "d.document_number AS document_number, elements, collect(c.iso2) AS countries",
            {"ids": ids})


def neo4j_lint_catalog() -> list[tuple[str, str]]:
    """Every Neo4j-dialect statement with representative arguments, for the Cypher linter."""
    d = NEO4J
    doc = {"id": "d", "props": {}, "source_id": "s", "countries": ["HN"]}
    built: dict[str, Query] = {
        "fingerprints": fingerprints("Document", ["d"]),
        "document_passage_ids": document_passage_ids(["d"]),
        "upsert_countries": upsert_countries([]),
        "upsert_sources": upsert_sources([]),
        "write_document": write_document(d, doc, [], []),
        "upsert_taxonomy_nodes": upsert_taxonomy_nodes("RiskFactor", []),
        "link_taxonomy": link_taxonomy("GROUND", "RiskFactor", "ProtectedGround", "id", []),
        "set_meta": set_meta("k", {}),
        "get_meta": get_meta("k"),
        "count_nodes": count_nodes("Passage"),
        "count_relationships": count_relationships(),
        "document_by_id": document_by_id("d"),
        "passages_of_document": passages_of_document("d"),
        "passage_links": passage_links("p"),
        "passage_by_id": passage_by_id("p"),
        "passages_about": passages_about("HN", 1),
        "vector_search": d.vector_search(5, [0.0]),
        "fulltext_search": d.fulltext_search(["gang"], 5),
        "delete_all": delete_all(),
        "document_state": document_state("d"),
        "passage_texts": passage_texts("", 10),
        "set_embeddings": set_embeddings(d, []),
        "vector_in_countries": d.vector_in_countries(50, [0.0], ["HN"]),
        "vector_exact_in_country": d.vector_exact_in_country(50, [0.0], "HN"),
        "passages_in_countries": passages_in_countries(["HN"]),
        "fulltext_in_countries": d.fulltext_in_countries(["gay", "orientacion sexual"], ["HN"], 5),
        "risk_factor_candidates": risk_factor_candidates("HN", ["lgbti"], 5),
        "actor_candidates": actor_candidates("HN", ["ms13"], 5),
        "passage_evidence": passage_evidence(["p"]),
        "exhibit_passages": exhibit_passages(["p"]),
    }
    out = [(name, q) for name, (q, _) in built.items()]
    out.append(("drop_vector_index", d.drop_vector_index()))
    out += [(f"index_ddl_{i}", q) for i, q in enumerate(d.index_ddl(384))]
    out += [(name, q) for name, q in EXTRA_NEO4J_QUERIES]
    return out


# Queries added by later modules register here so the linter sees them (name, cypher).
EXTRA_NEO4J_QUERIES: list[tuple[str, str]] = []


# --- retrieval re-ranking (retrieval/search.py) -------------------------------------------

def passage_closeness(dialect: Dialect, ids: list[str], vector: list[float]) -> Query:
    """Cosine closeness of candidate passages to a query vector, computed by the graph (one
    number per passage instead of 384). Backends scale it differently (FalkorDB returns
    1 - cosine distance, Neo4j (1 + cosine) / 2); both are increasing in the cosine, which is
    all the caller's per-country rescaling needs. The vector is the client's, in memory only:
    it is a query parameter and is never stored."""
    return (f"MATCH (p:Passage) WHERE p.id IN $ids AND p.embedding IS NOT NULL "
            f"RETURN p.id AS id, {dialect.cosine('p.embedding', 'vector')} AS closeness",
            {"ids": ids, "vector": vector})


EXTRA_NEO4J_QUERIES += [("passage_closeness", passage_closeness(NEO4J, ["p"], [0.0])[0])]


# --- agreements (graph/agreements.py) -----------------------------------------------------

AGREEMENT_LINKS = ("WITH", "COVERS", "EXCLUDES", "CITES")


def upsert_agreements(rows: list[dict]) -> Query:
    """(Re)write agreements with their country links; old links are dropped first so a removed
    coverage or exclusion never lingers. CITES links are re-made by `link_agreement_documents`."""
    return ("UNWIND $rows AS r MERGE (a:Agreement {id: r.id}) SET a += r.props "
            "WITH a, r OPTIONAL MATCH (a)-[old]->() WHERE type(old) IN $links DELETE old "
            "WITH DISTINCT a, r MERGE (w:Country {iso2: r.with}) MERGE (a)-[:WITH]->(w) "
            "FOREACH (c IN r.covers | MERGE (n:Country {iso2: c}) MERGE (a)-[:COVERS]->(n)) "
            "FOREACH (c IN r.excludes | MERGE (n:Country {iso2: c}) "
            "MERGE (a)-[:EXCLUDES]->(n)) "
            "RETURN count(a) AS written",
            {"rows": rows, "links": list(AGREEMENT_LINKS)})


def link_agreement_documents(ids: list[str]) -> Query:
    """Link agreements to stored Documents one of their citations names (`cited_documents`: the
    document ids of the citation URLs, so a trailing slash or an upper-case host still matches);
    returns only the links that were missing, so a re-load with nothing new reports zero."""
    return ("MATCH (a:Agreement) WHERE a.id IN $ids UNWIND a.cited_documents AS did "
            "MATCH (d:Document {id: did}) WHERE NOT (a)-[:CITES]->(d) "
            "MERGE (a)-[:CITES]->(d) RETURN count(d) AS linked", {"ids": ids})


def delete_agreements_except(ids: list[str]) -> Query:
    """Agreements dropped from the registry leave the graph too."""
    return ("MATCH (a:Agreement) WHERE NOT a.id IN $ids DETACH DELETE a "
            "RETURN count(*) AS deleted", {"ids": ids})


def agreements_for_country(iso2: str) -> Query:
    """Agreements with a receiving country, with the nationalities they list."""
    return ("MATCH (a:Agreement)-[:WITH]->(:Country {iso2: $iso2}) "
            "OPTIONAL MATCH (a)-[:COVERS]->(c:Country) "
            "WITH a, collect(c.iso2) AS covers "
            "OPTIONAL MATCH (a)-[:EXCLUDES]->(x:Country) "
            "WITH a, covers, collect(x.iso2) AS excludes "
            "OPTIONAL MATCH (a)-[:CITES]->(d:Document) "
            "RETURN a.id AS id, a.status AS status, a.facts_json AS facts_json, covers, "
            "excludes, collect(d.id) AS documents ORDER BY id", {"iso2": iso2})


EXTRA_NEO4J_QUERIES += [
    (name, built[0]) for name, built in (
        ("upsert_agreements", upsert_agreements([])),
        ("link_agreement_documents", link_agreement_documents(["us-hn-2025"])),
        ("delete_agreements_except", delete_agreements_except(["us-hn-2025"])),
        ("agreements_for_country", agreements_for_country("HN")),
    )
]


# --- browse (ui/pages/browse.py, ui/pages/sources.py) ---------------------------------------

# How a browse key finds its passages; the kind is chosen from this table, never from input.
_BROWSE_HEADS = {
    "country": "MATCH (p:Passage)-[:ABOUT]->(:Country {iso2: $key}) ",
    "risk_factor": "MATCH (p:Passage)-[:EVIDENCES]->(:RiskFactor {id: $key}) ",
    "actor": "MATCH (p:Passage)-[:MENTIONS]->(:Actor {id: $key}) ",
    "source": "MATCH (p:Passage)-[:PART_OF]->(:Document)-[:PUBLISHED_BY]->(:Source {id: $key}) ",
    "document": "MATCH (p:Passage)-[:PART_OF]->(:Document {id: $key}) ",
}
BROWSE_KINDS = tuple(_BROWSE_HEADS)


def browse_counts(kind: str) -> Query:
    """Passages and documents per country, risk factor, actor or source, most documented first."""
    if kind == "country":
        head = "MATCH (p:Passage)-[:ABOUT]->(n:Country) WITH n.iso2 AS id, n.name AS label, p "
    elif kind == "risk_factor":
        head = ("MATCH (p:Passage)-[:EVIDENCES]->(n:RiskFactor) "
                "WITH n.id AS id, n.label AS label, p ")
    elif kind == "actor":
        head = "MATCH (p:Passage)-[:MENTIONS]->(n:Actor) WITH n.id AS id, n.name AS label, p "
    elif kind == "source":
        head = ("MATCH (p:Passage)-[:PART_OF]->(:Document)-[:PUBLISHED_BY]->(n:Source) "
                "WITH n.id AS id, n.name AS label, p ")
    else:
        raise ValueError(f"unknown browse kind {kind!r}")
    return (head + "MATCH (p)-[:PART_OF]->(d:Document) "
            "RETURN id, label, count(DISTINCT p) AS passages, count(DISTINCT d) AS documents "
            "ORDER BY passages DESC, id", {})


def risk_factor_timeline(iso2: str | None = None) -> Query:
    """Passages per risk factor per publication year (optionally about one country)."""
    where = "WHERE d.published IS NOT NULL "
    if iso2:
        where += "AND (p)-[:ABOUT]->(:Country {iso2: $iso2}) "
    return ("MATCH (p:Passage)-[:EVIDENCES]->(r:RiskFactor) MATCH (p)-[:PART_OF]->(d:Document) "
            + where + "RETURN r.id AS risk_factor, substring(d.published, 0, 4) AS year, "
            "count(DISTINCT p) AS passages ORDER BY year, risk_factor", {"iso2": iso2})


def browse_neighbourhood(kind: str, key: str, limit: int) -> Query:
    """Passages linked to one node, each with its document, countries, risk factors, actors."""
    return (_BROWSE_HEADS[kind] + "WITH DISTINCT p LIMIT $limit "
            "MATCH (p)-[:PART_OF]->(d:Document) "
            "OPTIONAL MATCH (p)-[:ABOUT]->(c:Country) "
            "WITH p, d, collect(DISTINCT c.iso2) AS countries "
            "OPTIONAL MATCH (p)-[:EVIDENCES]->(r:RiskFactor) "
            "WITH p, d, countries, collect(DISTINCT r.id) AS risk_factors "
            "OPTIONAL MATCH (p)-[:MENTIONS]->(a:Actor) "
            "RETURN p.id AS passage, d.id AS document, d.title AS title, countries, "
            "risk_factors, collect(DISTINCT a.id) AS actors", {"key": key, "limit": limit})


def browse_documents(kind: str, key: str, limit: int) -> Query:
    """Documents with passages linked to one node, newest first, with how many passages."""
    return (_BROWSE_HEADS[kind] + "MATCH (p)-[:PART_OF]->(d:Document) "
            "RETURN d.id AS id, d.title AS title, d.publisher AS publisher, "
            "d.published AS published, d.url AS url, count(DISTINCT p) AS passages "
            "ORDER BY published DESC, id LIMIT $limit", {"key": key, "limit": limit})


def document_passage_links(doc_id: str) -> Query:
    """A document's passages in order, each with its risk factors, actors and elements."""
    return ("MATCH (p:Passage)-[:PART_OF]->(:Document {id: $id}) "
            "OPTIONAL MATCH (p)-[:EVIDENCES]->(r:RiskFactor) "
            "WITH p, collect(DISTINCT r.id) AS risk_factors "
            "OPTIONAL MATCH (p)-[:MENTIONS]->(a:Actor) "
            "WITH p, risk_factors, collect(DISTINCT a.id) AS actors "
            "OPTIONAL MATCH (p)-[:SUPPORTS]->(e:LegalElement) "
            "RETURN p.id AS id, p.ordinal AS ordinal, p.section AS section, p.text AS text, "
            "p.language AS language, risk_factors, actors, collect(DISTINCT e.id) AS elements "
            "ORDER BY p.ordinal", {"id": doc_id})


def source_freshness() -> Query:
    """Per source: documents, newest publication and the last and first retrieval."""
    return ("MATCH (d:Document)-[:PUBLISHED_BY]->(s:Source) "
            "RETURN s.id AS id, s.name AS name, s.publisher AS publisher, s.url AS url, "
            "count(d) AS documents, max(d.published) AS newest_published, "
            "max(d.retrieved_at) AS last_retrieved, min(d.retrieved_at) AS first_retrieved "
            "ORDER BY id", {})


def passage_languages(ids: list[str]) -> Query:
    return ("MATCH (p:Passage) WHERE p.id IN $ids RETURN p.id AS id, p.language AS language",
            {"ids": ids})


EXTRA_NEO4J_QUERIES += [
    *[(f"browse_counts_{k}", browse_counts(k)[0])
      for k in ("country", "risk_factor", "actor", "source")],
    ("risk_factor_timeline", risk_factor_timeline()[0]),
    ("risk_factor_timeline_country", risk_factor_timeline("HN")[0]),
    *[(f"browse_neighbourhood_{k}", browse_neighbourhood(k, "x", 50)[0]) for k in BROWSE_KINDS],
    *[(f"browse_documents_{k}", browse_documents(k, "x", 50)[0]) for k in BROWSE_KINDS],
    ("document_passage_links", document_passage_links("d")[0]),
    ("source_freshness", source_freshness()[0]),
    ("passage_languages", passage_languages(["p"])[0]),
]


# --- statistics (graph/loader.py load_statistics, retrieval/statistics.py) -----------------

STATISTIC_LINKS = ("COUNTRY_OF_ASYLUM", "COUNTRY_OF_ORIGIN", "PUBLISHED_BY")


def write_statistics(rows: list[dict]) -> Query:
    """(Re)write statistics with their links in one statement, so one answer page of a dataset
    is loaded all-or-nothing; old links are dropped first so a changed origin never lingers."""
    return ("UNWIND $rows AS r MERGE (s:Statistic {id: r.id}) SET s += r.props "
            "WITH s, r OPTIONAL MATCH (s)-[old]->() WHERE type(old) IN $links DELETE old "
            "WITH DISTINCT s, r MERGE (src:Source {id: r.source_id}) "
            "MERGE (s)-[:PUBLISHED_BY]->(src) "
            "FOREACH (c IN r.asylum | MERGE (a:Country {iso2: c}) "
            "MERGE (s)-[:COUNTRY_OF_ASYLUM]->(a)) "
            "FOREACH (c IN r.origin | MERGE (o:Country {iso2: c}) "
            "MERGE (s)-[:COUNTRY_OF_ORIGIN]->(o)) "
            "RETURN count(s) AS written",
            {"rows": rows, "links": list(STATISTIC_LINKS)})


def statistics_for_country(iso2: str, dataset: str, origin: str | None = None,
                           year_from: int | None = None, limit: int = 500) -> Query:
    """Statistics of one dataset with `iso2` as country of asylum (optionally only those about
    nationals of `origin`, from `year_from` on), newest year first, biggest totals first."""
    return ("MATCH (s:Statistic)-[:COUNTRY_OF_ASYLUM]->(:Country {iso2: $iso2}) "
            "WHERE s.dataset = $dataset AND ($origin IS NULL OR s.coo = $origin) "
            "AND ($year_from IS NULL OR s.year >= $year_from) "
            "RETURN properties(s) AS stat ORDER BY s.year DESC, s.dec_total DESC, s.id "
            "LIMIT $limit",
            {"iso2": iso2, "dataset": dataset, "origin": origin, "year_from": year_from,
             "limit": limit})


EXTRA_NEO4J_QUERIES += [
    ("write_statistics", write_statistics([])[0]),
    ("statistics_for_country", statistics_for_country("HN", "asylum_decisions", "SV", 2020)[0]),
]
