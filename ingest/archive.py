"""Raw archive: the original bytes, content-addressed by sha256, plus one record per document.

The archive is the source of truth (`cckb rebuild` rebuilds the graph from it alone). Blobs and
records are written to a temporary name and renamed, so a crash never leaves a torn file. A
record is written only after its document reached the graph: a blob without a record is an
orphan that `verify` reports, never a half-imported document.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.ids import sha256_bytes
from graph.server import pid_alive


@dataclass(frozen=True)
class ArchiveProblem:
    path: str
    reason: str


_TMP = re.compile(r"\.tmp-(?:(\d+)-)?")
_SHA256 = re.compile(r"[0-9a-f]{64}")
UNOWNED_TMP_SECONDS = 3600  # a temporary file with no writer id is swept once this old


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # the writer's pid in the name tells a crashed writer's leftovers from a live writer's file
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{os.getpid()}-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.blobs = self.root / "blobs"
        self.records = self.root / "records"

    def blob_path(self, sha256: str) -> Path:
        """Where the blob of a digest lives; anything but 64 lowercase hex characters (a crafted
        manifest's '../../x', say) is refused before it can name a path."""
        if not isinstance(sha256, str) or _SHA256.fullmatch(sha256) is None:
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def put_blob(self, data: bytes) -> tuple[str, Path]:
        digest = sha256_bytes(data)
        path = self.blob_path(digest)
        if not path.exists():
            _atomic_write(path, data)
        return digest, path

    def get_blob(self, sha256: str) -> bytes:
        """The bytes of a blob, checked against their name (a corrupt copy is never served)."""
        data = self.blob_path(sha256).read_bytes()
        if sha256_bytes(data) != sha256:
            raise ValueError(f"archived copy {sha256} is corrupt (hash mismatch)")
        return data

    def record_path(self, doc_id: str) -> Path:
        """Where a document's record lives; an id that could leave the records directory
        (empty, '.', '..', a path separator or NUL) is refused."""
        if (
            not isinstance(doc_id, str)
            or doc_id in ("", ".", "..")
            or ".." in doc_id
            or any(ch in doc_id for ch in ("/", "\\", "\0"))
        ):
            raise ValueError(f"not a document id the archive can store: {doc_id!r}")
        return self.records / doc_id[-2:] / f"{doc_id}.json"

    def put_record(self, doc_id: str, record: dict) -> None:
        blob = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str, indent=1)
        _atomic_write(self.record_path(doc_id), blob.encode("utf-8"))

    def get_record(self, doc_id: str) -> dict | None:
        path = self.record_path(doc_id)
        return json.loads(path.read_text("utf-8")) if path.exists() else None

    def iter_records(self) -> Iterator[dict]:
        if not self.records.exists():
            return
        for path in sorted(self.records.glob("*/*.json")):
            yield json.loads(path.read_text("utf-8"))

    def sweep(self) -> list[Path]:
        """Delete the temporary files of writers that were killed mid-write (their process is
        gone), so a resumed run leaves the archive as an uninterrupted run would. A live
        writer's files are kept; returns what was deleted."""
        gone = []
        for tmp in [*self.blobs.glob("*/*/.tmp-*"), *self.records.glob("*/.tmp-*")]:
            match = _TMP.match(tmp.name)
            if match is None:
                continue
            try:
                if match.group(1):
                    if pid_alive(int(match.group(1))):
                        continue
                elif time.time() - tmp.stat().st_mtime < UNOWNED_TMP_SECONDS:
                    continue
                tmp.unlink()
            except FileNotFoundError:  # its writer finished or another sweep got there first
                continue
            gone.append(tmp)
        return gone

    def verify(self) -> list[ArchiveProblem]:
        """Every record's blob exists and matches its hash; every blob is named by its hash."""
        problems: list[ArchiveProblem] = []
        referenced = set()
        for path in sorted(self.records.glob("*/*.json")) if self.records.exists() else []:
            try:
                rec = json.loads(path.read_text("utf-8"))
                digest = rec["sha256"]
                blob = self.blob_path(digest)
            except (ValueError, KeyError, TypeError) as exc:
                problems.append(ArchiveProblem(str(path), f"unreadable record: {exc}"))
                continue
            referenced.add(digest)
            if not blob.exists():
                problems.append(ArchiveProblem(str(blob), f"missing copy of {rec.get('url')}"))
        for tmp in sorted(self.records.glob("*/.tmp-*")) if self.records.exists() else []:
            problems.append(ArchiveProblem(str(tmp), "temporary file left by a crash"))
        for blob in sorted(self.blobs.glob("*/*/*")) if self.blobs.exists() else []:
            if blob.name.startswith(".tmp-"):
                problems.append(ArchiveProblem(str(blob), "temporary file left by a crash"))
            elif sha256_bytes(blob.read_bytes()) != blob.name:
                problems.append(ArchiveProblem(str(blob), "corrupt or truncated (hash mismatch)"))
            elif blob.name not in referenced:
                problems.append(ArchiveProblem(str(blob), "orphan copy (no document record)"))
        return problems
