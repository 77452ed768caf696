"""Deterministic ids from the fewest stable raw fields (`<prefix>-<sha1>`), never readable slugs."""

import hashlib
from urllib.parse import urlsplit, urlunsplit


def make_id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:20]}"


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop fragment and trailing slash: one page, one id."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def document_id(url: str) -> str:
    return make_id("doc", canonical_url(url))


def passage_id(doc_id: str, ordinal: int, text: str) -> str:
    return make_id("psg", doc_id, str(ordinal), sha256_text(text))


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))
