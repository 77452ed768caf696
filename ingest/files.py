"""Local files and directories -> DocumentItems for `cckb import` (one bad file or line never
stops the batch: it becomes an error item naming the file, the line and the reason)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError as PydanticError

from core.errors import CckbError, ValidationError
from core.models import DocumentItem

SUPPORTED = (".jsonl", ".html", ".htm", ".pdf", ".txt")
JSONL_FIELDS = {"url", "title", "publisher", "countries", "language", "published", "text",
                "html", "source_id", "edition_note", "original_url", "intermediary"}
MAX_LINE = 60 * 1024 * 1024

Item = tuple[str, DocumentItem | CckbError]


def iter_paths(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                # robots.txt in a mirrored site is crawl policy, not a document
                if (child.is_file() and child.suffix.lower() in SUPPORTED
                        and child.name != "robots.txt"):
                    yield child
        else:
            yield path


def iter_items(paths: list[Path], defaults: dict | None = None,
               max_bytes: int = 20 * 1024 * 1024) -> Iterator[Item]:
    """Items from files; `defaults` (publisher, countries, ...) apply to non-JSONL files."""
    for path in iter_paths(paths):
        where = str(path)
        if not path.exists():
            yield where, ValidationError("no such file")
        elif path.suffix.lower() not in SUPPORTED:
            yield where, ValidationError(f"unsupported file type {path.suffix or '(none)'}; "
                                         f"expected one of {', '.join(SUPPORTED)}")
        elif path.stat().st_size == 0:
            yield where, ValidationError("empty file")
        elif path.suffix.lower() == ".jsonl":
            yield from _jsonl(path)
        elif path.stat().st_size > max_bytes:
            yield where, ValidationError(f"file too large: {path.stat().st_size:,} bytes "
                                         f"(limit {max_bytes:,})")
        else:
            yield where, _file_item(path, defaults or {})


def _jsonl(path: Path) -> Iterator[Item]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            where = f"{path}:{n}"
            if not raw.strip():
                continue
            if len(raw) > MAX_LINE:
                yield where, ValidationError(f"line too long ({len(raw):,} bytes)")
                continue
            yield where, _jsonl_item(raw)


def _jsonl_item(raw: bytes) -> DocumentItem | CckbError:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return ValidationError(f"not UTF-8 at byte {exc.start}")
    except json.JSONDecodeError as exc:
        return ValidationError(f"invalid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:  # json.loads recurses per nesting level; it must not stop the batch
        return ValidationError("invalid JSON: nested too deeply")
    if not isinstance(obj, dict):
        return ValidationError("a JSONL line must be a JSON object")
    unknown = set(obj) - JSONL_FIELDS
    if unknown:
        return ValidationError(f"unknown field(s): {', '.join(sorted(unknown))}")
    missing = {"url", "title", "publisher", "countries"} - set(obj)
    if missing:
        return ValidationError(f"missing field(s): {', '.join(sorted(missing))}")
    if not obj.get("countries"):
        return ValidationError("countries must list at least one ISO alpha-2 code")
    partial = str(obj.get("published") or "")
    if _PARTIAL_DATE.fullmatch(partial):  # a year (or month) is not a day: kept as a note
        obj = {**obj, "published": None}
        obj.setdefault("edition_note", f"published {partial} (no day given)")
    return _validated(obj)


_PARTIAL_DATE = re.compile(r"(19|20)\d{2}(-(0[1-9]|1[0-2]))?")


def _validated(obj: dict) -> DocumentItem | CckbError:
    try:
        return DocumentItem.model_validate(obj)
    except PydanticError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "record"
        return ValidationError(f"{where}: {err['msg'].removeprefix('Value error, ')}")


def _file_item(path: Path, defaults: dict) -> DocumentItem | CckbError:
    """A file plus its metadata: the sidecar `<file>.json` if any, else the command's options."""
    meta = dict(defaults)
    sidecar = path.with_name(path.name + ".json")
    if sidecar.exists():
        try:
            meta.update(json.loads(sidecar.read_text("utf-8")))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return ValidationError(f"unreadable metadata file {sidecar.name}: {exc}")
    meta.setdefault("url", path.resolve().as_uri())
    meta.setdefault("title", path.stem.replace("_", " "))
    meta.setdefault("publisher", "unknown publisher")
    meta["source_id"] = meta.get("source_id", "import")
    try:
        meta["raw"] = path.read_bytes()
    except OSError as exc:
        return ValidationError(f"cannot read: {exc.strerror}")
    return _validated(meta)
