"""One source = one YAML file; this model keeps those files honest (unknown keys are refused)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.countries import COUNTRIES
from core.errors import ConfigError

SOURCES_DIR = Path(__file__).parent / "sources"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Edition(_Strict):
    """One yearly edition of a report, with what an advocate must know about it."""

    year: int = Field(ge=1990, le=2100)
    note: str | None = None


class SourceConfig(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    publisher: str
    base_url: str = Field(pattern=r"^https?://[^/]+/$")
    licence: str
    language: str | None = None
    countries: dict[str, str] = Field(min_length=1, description="ISO2 -> the site's slug")
    paths: dict[str, str] = Field(min_length=1, description="named URL templates under base_url")
    hosts: dict[str, str] = Field(
        default_factory=dict, description="other hosts the source reads, by name -> base URL "
        "(e.g. govinfo: https://www.govinfo.gov/); `host_url` builds URLs on them")
    params: dict[str, str | list[str]] = Field(default_factory=dict)
    editions: list[Edition] = Field(default_factory=list)
    min_items: int = Field(ge=1, description="a full crawl yielding fewer is reported as a failure")
    intermediary: str | None = None
    disabled: str | None = Field(
        None, description="why this source is off by default; `--enable <id>` turns it on")
    min_delay: dict[str, float] = Field(
        default_factory=dict, description="real host -> seconds between requests at least (a "
        "floor under robots.txt Crawl-delay and AutoThrottle; not applied to mirrors)")
    notes: str = ""

    @field_validator("countries")
    @classmethod
    def _known(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [c for c in value if c not in COUNTRIES]
        if unknown:
            raise ValueError(f"unknown ISO2 country codes: {unknown}")
        return value

    @field_validator("min_delay")
    @classmethod
    def _delays(cls, value: dict[str, float]) -> dict[str, float]:
        bad = {h: d for h, d in value.items() if not 0 < d <= 300 or "/" in h}
        if bad:
            raise ValueError(f"min_delay: hosts map to seconds in (0, 300]; bad: {bad}")
        return value

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, value: dict[str, str]) -> dict[str, str]:
        bad = {k: v for k, v in value.items() if not re.fullmatch(r"https?://[^/]+/", v)}
        if bad:
            raise ValueError(f"hosts: each value must be a base URL like https://host/; bad: {bad}")
        return value

    @property
    def allowed_domains(self) -> list[str]:
        hosts = [urlsplit(u).hostname or "" for u in (self.base_url, *self.hosts.values())]
        return list(dict.fromkeys(hosts))

    def host_url(self, host: str, name: str, **values: object) -> str:
        """Absolute URL of the named path template on one of `hosts`."""
        if host not in self.hosts:
            raise ConfigError(f"source {self.id}: no host named {host!r}")
        return self.hosts[host] + self.url(name, **values)[len(self.base_url):]

    def url(self, name: str, **values: object) -> str:
        """Absolute URL of the named path template, e.g. `url("country", slug="honduras")`."""
        try:
            template = self.paths[name]
        except KeyError:
            raise ConfigError(f"source {self.id}: no path named {name!r}") from None
        return self.base_url + template.format(**values).lstrip("/")

    def rebased(self, override: str) -> SourceConfig:
        """The same source served from a mirror (e.g. the local test server)."""
        if not override:
            return self
        base = override if override.endswith("/") else override + "/"
        # a mirror serves every host of the source under its one base URL
        return self.model_copy(update={"base_url": base,
                                       "hosts": dict.fromkeys(self.hosts, base)})


def public_url(url: str, real: SourceConfig, served: SourceConfig) -> str:
    """The citation URL: a page fetched from a mirror is cited at the real site."""
    if served.base_url != real.base_url and url.startswith(served.base_url):
        return real.base_url + url[len(served.base_url):]
    return url


def fetch_url(url: str, real: SourceConfig, served: SourceConfig) -> str:
    """Where to fetch a real-site URL found in a page or API answer (mirror-aware)."""
    if served.base_url != real.base_url and url.startswith(real.base_url):
        return served.base_url + url[len(real.base_url):]
    return url


@cache
def load_source(source_id: str) -> SourceConfig:
    path = SOURCES_DIR / f"{source_id}.yml"
    if not path.exists():
        raise ConfigError(f"unknown source {source_id!r} (known: {', '.join(source_ids())})")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        config = SourceConfig.model_validate(data)
    except ValueError as exc:
        raise ConfigError(f"{path.name}: {exc}") from exc
    if config.id != source_id:
        raise ConfigError(f"{path.name}: id {config.id!r} does not match the file name")
    return config


def source_ids() -> list[str]:
    return sorted(p.stem for p in SOURCES_DIR.glob("*.yml"))
