"""Graph store on the embedded FalkorDB server, through FalkorDB's native protocol."""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB

from core.errors import GraphError
from graph.queries import FALKOR
from graph.server import EmbeddedServer
from graph.store import GraphStore


def _clean(value: Any) -> Any:
    """NUL cannot travel inside FalkorDB's text parameter header; drop it from strings."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


class EmbeddedStore(GraphStore):
    dialect = FALKOR

    def __init__(self, server: EmbeddedServer, graph_name: str) -> None:
        self.server = server
        self.graph_name = graph_name
        self.description = f"embedded FalkorDB ({server.paths.root})"
        self._connect()
        self._closed = False
        atexit.register(self.close)

    @classmethod
    def open(cls, root: Path, graph_name: str = "cckb") -> EmbeddedStore:
        server = EmbeddedServer(root)
        server.acquire()
        return cls(server, graph_name)

    def _connect(self) -> None:
        self.db = FalkorDB(unix_socket_path=str(self.server.paths.socket))
        self.graph = self.db.select_graph(self.graph_name)

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            result = self.graph.query(query, _clean(params) if params else None)
        except redis.ConnectionError:
            # The server died under us (crash, kill): recover it once and retry the statement.
            self.server.acquire()
            self._connect()
            result = self.graph.query(query, _clean(params) if params else None)
        except redis.ResponseError as exc:
            raise GraphError(f"FalkorDB refused the query: {exc}") from exc
        names = [col[1] if isinstance(col, list | tuple) else col for col in result.header]
        names = [n.decode() if isinstance(n, bytes) else n for n in names]
        return [dict(zip(names, row, strict=False)) for row in result.result_set]

    def run_ddl(self, statement: str) -> None:
        try:
            self.graph.query(statement)
        except redis.ResponseError as exc:
            if "already" not in str(exc).lower():
                raise GraphError(f"schema statement failed: {exc}") from exc

    def unique_constraint(self, label: str, key: str) -> None:
        """FalkorDB declares constraints with a command, not Cypher."""
        try:
            self.db.connection.execute_command(
                "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label,
                "PROPERTIES", 1, key)
        except redis.ResponseError as exc:
            if "already" not in str(exc).lower():
                raise GraphError(f"constraint on {label}.{key} failed: {exc}") from exc

    def close(self) -> None:
        if getattr(self, "_closed", True):
            return
        self._closed = True
        try:
            self.db.connection.close()
        except redis.RedisError:
            pass
        self.server.release()
