"""The small interface every graph backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from graph.queries import Dialect, Query


class GraphStore(ABC):
    """A graph database reached with parameterised Cypher."""

    dialect: Dialect
    description: str = ""

    @abstractmethod
    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement atomically and return its rows as dicts."""

    def execute(self, built: Query) -> list[dict[str, Any]]:
        query, params = built
        return self.run(query, params)

    def run_ddl(self, statement: str) -> None:
        """Schema statements; backends may treat 'already exists' as success."""
        self.run(statement)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (the embedded server may keep running for other processes)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
