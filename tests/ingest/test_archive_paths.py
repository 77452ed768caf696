"""The archive names files only from real digests and safe document ids: a crafted manifest or
record cannot make it read or write outside its directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.ids import sha256_bytes
from ingest.archive import Archive


@pytest.mark.parametrize(
    "digest",
    [
        "",
        "../../etc/passwd",
        "ab/" + "0" * 61,
        "A" * 64,  # upper case is not how the archive names blobs
        "0" * 63,
        "0" * 65,
        "g" * 64,
        "0" * 63 + "\0",
        "0" * 64 + "\n",
    ],
)
def test_blob_path_refuses_what_is_not_a_sha256(tmp_path: Path, digest: str) -> None:
    archive = Archive(tmp_path / "archive")
    with pytest.raises(ValueError, match="not a sha256 digest"):
        archive.blob_path(digest)
    with pytest.raises(ValueError, match="not a sha256 digest"):
        archive.get_blob(digest)


def test_blob_path_of_a_real_digest_stays_under_blobs(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    digest, path = archive.put_blob(b"a country report")
    assert digest == sha256_bytes(b"a country report")
    assert archive.blob_path(digest) == path
    assert path.resolve().is_relative_to(archive.blobs.resolve())
    assert archive.get_blob(digest) == b"a country report"


@pytest.mark.parametrize(
    "doc_id", ["", ".", "..", "../escape", "a/b", "a\\b", "x..y", "ok\0id", "/abs"]
)
def test_record_path_refuses_ids_that_could_escape(tmp_path: Path, doc_id: str) -> None:
    archive = Archive(tmp_path / "archive")
    with pytest.raises(ValueError, match="not a document id"):
        archive.record_path(doc_id)
    with pytest.raises(ValueError, match="not a document id"):
        archive.put_record(doc_id, {"sha256": "0" * 64})
    assert not archive.records.exists()  # nothing written anywhere


def test_verify_reports_a_record_with_a_crafted_digest(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    digest, _ = archive.put_blob(b"the report")
    archive.put_record("doc-1", {"sha256": digest, "url": "https://example.org/r"})
    archive.put_record("doc-2", {"sha256": "../../outside", "url": "https://example.org/x"})
    problems = archive.verify()
    assert [Path(p.path).name for p in problems] == ["doc-2.json"]
    assert "not a sha256 digest" in problems[0].reason
    assert json.loads(archive.record_path("doc-1").read_text("utf-8"))["sha256"] == digest
