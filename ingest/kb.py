"""One knowledge base: graph store, archive, embedder and enricher wired from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from core.settings import Settings, load_settings
from core.taxonomy import Taxonomy, load_taxonomy
from embeddings.embedder import Embedder, get_embedder
from graph import open_store
from graph.init import init_kb
from graph.schema import embedding_meta, mark_embeddings_current
from graph.store import GraphStore
from ingest.archive import Archive
from ingest.enrich import Enricher
from ingest.pipeline import Ingestor, reembed_all


@dataclass
class KnowledgeBase:
    settings: Settings
    store: GraphStore

    @classmethod
    def open(cls, settings: Settings | None = None) -> KnowledgeBase:
        settings = settings or load_settings()
        return cls(settings, open_store(settings))

    @cached_property
    def archive(self) -> Archive:
        return Archive(self.settings.data_path / "archive")

    @cached_property
    def embedder(self) -> Embedder:
        return get_embedder(self.settings)

    @cached_property
    def taxonomy(self) -> Taxonomy:
        return load_taxonomy()

    @cached_property
    def enricher(self) -> Enricher:
        return Enricher(self.taxonomy, self.embedder)

    @cached_property
    def ingestor(self) -> Ingestor:
        """The writer; it first deletes what a writer killed mid-write left in the archive."""
        self.archive.sweep()
        return Ingestor(self.store, self.archive, self.embedder, self.enricher)

    def init(self) -> int:
        """Schema and taxonomy nodes; after a model change, re-embed every passage.

        Returns the number of passages re-embedded (0 normally)."""
        init_kb(self.store, self.embedder, self.taxonomy)
        if not embedding_meta(self.store).get("stale"):
            return 0
        count = reembed_all(self.store, self.embedder)
        mark_embeddings_current(self.store)
        return count

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
