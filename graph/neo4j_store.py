"""Graph store on a Neo4j 5 server through the official driver (deployment backend)."""

from __future__ import annotations

from typing import Any

from core.errors import ConfigError, GraphError
from core.settings import Settings
from graph.queries import NEO4J
from graph.store import GraphStore


class Neo4jStore(GraphStore):
    dialect = NEO4J

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        try:
            import neo4j
        except ImportError as exc:  # pragma: no cover - install hint
            raise GraphError("the Neo4j backend needs the neo4j driver: pip install neo4j") from exc
        self._neo4j = neo4j
        self.database = database
        self.description = f"Neo4j ({uri}, database {database})"
        self.driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
        try:
            self.driver.verify_connectivity()
        except neo4j.exceptions.Neo4jError as exc:
            raise GraphError(f"cannot reach Neo4j at {uri}: {exc.code}") from None
        except neo4j.exceptions.DriverError as exc:
            raise GraphError(f"cannot reach Neo4j at {uri}: {type(exc).__name__}") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        if not settings.neo4j_uri:
            raise ConfigError("CCKB_GRAPH=neo4j needs NEO4J_URI (or CCKB_NEO4J_URI)")
        return cls(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                   settings.neo4j_database)

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        def work(tx: Any) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query, params or {})]

        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(work)
        except self._neo4j.exceptions.Neo4jError as exc:
            raise GraphError(f"Neo4j refused the query: {exc.code}: {exc.message}") from exc

    def run_ddl(self, statement: str) -> None:
        with self.driver.session(database=self.database) as session:
            session.run(statement).consume()

    def close(self) -> None:
        self.driver.close()
