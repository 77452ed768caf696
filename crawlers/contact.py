"""Who runs the crawl: a real site is never crawled while the User-Agent names the placeholder
contact (its operators must be able to reach whoever runs it)."""

from __future__ import annotations

from scrapy.settings import Settings

from core.errors import ConfigError
from core.settings import SETTINGS

PLACEHOLDER_CONTACT = next(s.default for s in SETTINGS if s.name == "contact")


def check_contact(ids: list[str], settings: Settings, base_urls: dict[str, str] | None) -> None:
    """Refuse to crawl a real site while the User-Agent names the placeholder contact: a site
    operator must be able to reach whoever runs the crawl. Mirrors (CCKB_SOURCE_BASE_URL or a
    per-source base URL) are not real sites."""
    if (settings.get("CCKB_CONTACT") or "").strip() not in ("", PLACEHOLDER_CONTACT):
        return
    real = [sid for sid in ids
            if not (base_urls or {}).get(sid) and not settings.get("CCKB_SOURCE_BASE_URL")]
    if real:
        raise ConfigError(
            f"refusing to crawl the real sites ({', '.join(real)}) while CCKB_CONTACT is the "
            f"placeholder {PLACEHOLDER_CONTACT!r}: set CCKB_CONTACT to a URL or e-mail address "
            "where the sites' operators can reach you (it is sent in the User-Agent)")
