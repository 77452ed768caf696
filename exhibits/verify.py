"""Re-check a bundle PDF against the archive: is every quoted copy still there, unchanged?

A bundle may be filed weeks after it was made; the manifest inside it names each archived copy
by hash, so a missing, corrupt or truncated copy (or a quotation no longer found verbatim in
it) is reported before anyone relies on the exhibit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import CckbError
from core.ids import sha256_bytes
from exhibits import manifest
from exhibits.collect import source_text
from exhibits.model import Document
from ingest.archive import Archive


@dataclass(frozen=True)
class BundleProblem:
    tab: str
    sha256: str
    reason: str

    def __str__(self) -> str:
        return f"Exhibit {self.tab} ({self.sha256[:12]}): {self.reason}"


def verify_bundle(pdf_path: Path | str, archive: Archive,
                  check_quotes: bool = True) -> list[BundleProblem]:
    """Problems found; an empty list means every exhibit matches its archived copy."""
    try:
        data = manifest.read(Path(pdf_path))
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types for broken files
        return [BundleProblem("-", "", f"cannot read {pdf_path}: {type(exc).__name__}: {exc}")]
    if not data or data.get("format") != manifest.FORMAT:
        return [BundleProblem("-", "", f"{pdf_path} carries no cckb manifest")]
    problems: list[BundleProblem] = []
    for ex in data["exhibits"]:
        problems += _check_exhibit(ex, archive, check_quotes)
    return problems


def _check_exhibit(ex: dict, archive: Archive, check_quotes: bool) -> list[BundleProblem]:
    tab, digest = ex["tab"], ex["sha256"]
    path = archive.blob_path(digest)
    if not path.exists():
        return [BundleProblem(tab, digest, f"archived copy missing ({path})")]
    actual = sha256_bytes(path.read_bytes())
    if actual != digest:
        return [BundleProblem(tab, digest, f"archived copy corrupt or truncated: hash is "
                                           f"{actual}, manifest says {digest}")]
    return _check_quotes(ex, archive) if check_quotes else []


def _check_quotes(ex: dict, archive: Archive) -> list[BundleProblem]:
    """Each quotation must still be the same characters at the same offsets of the text."""
    doc = Document(id=ex["document_id"], url=ex["url"], title=ex["title"],
                   publisher=ex["publisher"], sha256=ex["sha256"])
    try:
        text, _ = source_text(archive, doc)
    except CckbError as exc:
        return [BundleProblem(ex["tab"], ex["sha256"], f"cannot re-extract: {exc}")]
    return [BundleProblem(ex["tab"], ex["sha256"], f"passage {p['id']} no longer matches the "
                                                   "archived text")
            for p in ex["passages"]
            if sha256_bytes(text[p["start"]:p["end"]].encode("utf-8")) != p["text_sha256"]]
