"""Backend contract: every GraphStore behaves the same (embedded always, Neo4j with NEO4J_URI)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.errors import ValidationError
from graph import queries as Q
from graph.embedded import EmbeddedStore
from graph.loader import load_documents
from graph.schema import embedding_meta, ensure_schema
from graph.stats import node_counts
from tests.conftest import DIM, make_doc


def test_upsert_then_reupsert_is_all_noops(store):
    docs = [make_doc(i) for i in range(4)]
    first = load_documents(store, docs).as_dict()
    assert first["Document"] == {"insert": 4, "update": 0, "noop": 0, "delete": 0}
    assert first["Passage"]["insert"] == 12
    assert first["Country"]["insert"] == 2  # HN and VE
    again = load_documents(store, docs)
    assert again.only_noops(), again.as_dict()
    assert again.as_dict()["Passage"]["noop"] == 12
    assert node_counts(store)["Passage"] == 12


def test_changed_document_updates_and_removes_passages(store):
    load_documents(store, [make_doc(1, passages=3)])
    changed = make_doc(1, passages=2, text="Police tortured detainees")
    counts = load_documents(store, [changed]).as_dict()
    assert counts["Document"]["update"] == 1
    assert counts["Passage"]["delete"] == 1
    assert counts["Passage"]["update"] == 2
    rows = store.execute(Q.passages_of_document("doc-1"))
    assert [r["ordinal"] for r in rows] == [0, 1]
    assert all(r["text"].startswith("Police tortured") for r in rows)
    assert node_counts(store)["Passage"] == 2


def test_unchanged_content_with_new_retrieval_time_is_noop(store):
    load_documents(store, [make_doc(2)])
    later = make_doc(2)
    later["retrieved_at"] = "2026-11-20T00:00:00+00:00"
    assert load_documents(store, [later]).only_noops()


def test_relationships(store):
    load_documents(store, [make_doc(3)])
    links = store.execute(Q.passage_links("psg-3-0"))
    got = {(r["rel"], r["target"]) for r in links}
    assert {("ABOUT", "HN"), ("CONCERNS_NATIONALS_OF", "VE"), ("PART_OF", "doc-3"),
            ("EVIDENCES", "gang_violence_extortion"), ("MENTIONS", "ms13"),
            ("SUPPORTS", "harm")} <= got
    score = {r["rel"]: r["score"] for r in links}["EVIDENCES"]
    assert score == pytest.approx(0.95)
    doc = store.execute(Q.document_by_id("doc-3"))[0]
    assert doc["source"] == "example" and doc["countries"] == ["HN"]
    assert doc["doc"]["first_seen"] == "2026-11-01T00:00:00+00:00"
    about = store.execute(Q.passages_about("HN", 10))
    assert {r["id"] for r in about} == {"psg-3-0", "psg-3-1", "psg-3-2"}


def test_vector_query_returns_nearest_first(store):
    docs = [make_doc(i, seed=7) for i in range(5)]
    load_documents(store, docs)
    target = docs[3]["passages"][1]
    rows = store.execute(store.dialect.vector_search(3, target["embedding"]))
    assert rows[0]["id"] == target["id"]
    assert rows[0]["similarity"] == pytest.approx(1.0, abs=1e-4)
    assert rows[0]["similarity"] >= rows[1]["similarity"] >= rows[2]["similarity"]


def test_fulltext_query(store):
    load_documents(store, [make_doc(1), make_doc(2, text="Journalists were threatened")])
    rows = store.execute(store.dialect.fulltext_search(["journalists"], 10))
    assert {r["id"] for r in rows} == {"psg-2-0", "psg-2-1", "psg-2-2"}


@pytest.mark.parametrize("hostile", [
    "') DETACH DELETE n //", "\" OR 1=1 --", "x | @text:{a} -(b) ~c* %d%",
    "MATCH (n) DETACH DELETE n", "\\\\\\'", "\x00\x01\x1b[31m", "a" * 20000,
    "FLUSHALL\r\nGRAPH.DELETE cckb",
])
def test_hostile_strings_change_nothing(store, hostile):
    load_documents(store, [make_doc(1)])
    before = node_counts(store)
    store.execute(store.dialect.fulltext_search([hostile, "gang"], 5))
    store.execute(Q.passages_about(hostile, 5))
    store.execute(Q.document_by_id(hostile))
    assert node_counts(store) == before


def test_hostile_text_is_stored_verbatim(store):
    doc = make_doc(9)
    nasty = "He said \"don't\" \\ <script>alert(1)</script> }) MATCH (n) DETACH DELETE n //"
    doc["passages"][0]["text"] = nasty
    load_documents(store, [doc])
    rows = store.execute(Q.passages_of_document("doc-9"))
    assert rows[0]["text"] == nasty
    assert node_counts(store)["Document"] == 1


@pytest.mark.parametrize("breakage,expected", [
    (lambda d: d.pop("url"), "url"),
    (lambda d: d.update(sha256=123), "sha256"),
    (lambda d: d["passages"][1].update(ordinal="first"), "ordinal"),
    (lambda d: d["passages"][2].update(embedding=None), "embedding"),
    (lambda d: d.update(countries=["ZZ"]), "ZZ"),
    (lambda d: d.update(surprise=1), "surprise"),
])
def test_bad_record_raises_clear_error_and_writes_nothing(store, breakage, expected):
    good = make_doc(1)
    bad = make_doc(2)
    breakage(bad)
    with pytest.raises(ValidationError, match=expected):
        load_documents(store, [good, bad])
    assert all(n == 0 for n in node_counts(store).values())


def test_schema_is_idempotent_and_detects_model_change(store):
    assert ensure_schema(store, "test-model", DIM) is False
    assert ensure_schema(store, "test-model", DIM) is False
    assert embedding_meta(store)["model"] == "test-model"
    assert ensure_schema(store, "other-model", 16) is True
    assert embedding_meta(store) == {"id": "embedding", "model": "other-model", "dim": 16,
                                     "stale": True}


# --- embedded server life cycle --------------------------------------------------------------

def _server_pid(kb_dir: Path) -> int:
    return int((kb_dir / "graph" / "server.pid").read_text())


def test_persistence_across_server_restart(kb_dir):
    store = EmbeddedStore.open(kb_dir / "graph", "test")
    ensure_schema(store, "m", DIM)
    load_documents(store, [make_doc(1)])
    pid = _server_pid(kb_dir)
    store.close()  # last client out: the server stops
    assert not store.server.status()["running"]
    store = EmbeddedStore.open(kb_dir / "graph", "test")
    try:
        assert _server_pid(kb_dir) != pid
        assert node_counts(store)["Passage"] == 3
        assert load_documents(store, [make_doc(1)]).only_noops()
    finally:
        store.close()


def test_crash_recovery_after_sigkill(kb_dir):
    store = EmbeddedStore.open(kb_dir / "graph", "test")
    try:
        ensure_schema(store, "m", DIM)
        load_documents(store, [make_doc(1), make_doc(2)])
        pid = _server_pid(kb_dir)
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        # the next statement finds the server dead, recovers the stale pid/socket and restarts
        assert node_counts(store)["Passage"] == 6
        assert _server_pid(kb_dir) != pid
        rows = store.execute(store.dialect.fulltext_search(["gang"], 10))
        assert len(rows) == 6
    finally:
        store.close()


_ATTACH = """
import sys, time
from graph.embedded import EmbeddedStore
from graph.stats import node_counts
s = EmbeddedStore.open(sys.argv[1], "test")
print(open(sys.argv[1] + "/server.pid").read().strip(), node_counts(s)["Passage"], flush=True)
if sys.argv[2] == "hang":
    time.sleep(600)
s.close()
"""


def _attach(kb_dir: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _ATTACH, str(kb_dir / "graph"), mode],
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)


def test_second_process_attaches_and_stale_client_is_recovered(kb_dir):
    store = EmbeddedStore.open(kb_dir / "graph", "test")
    ensure_schema(store, "m", DIM)
    load_documents(store, [make_doc(1)])
    pid = _server_pid(kb_dir)
    other = _attach(kb_dir, "exit")
    out, _ = other.communicate(timeout=60)
    assert out.split() == [str(pid), "3"]  # same server, same data
    assert store.server.status()["running"]  # the other process left it running for us
    crashed = _attach(kb_dir, "hang")
    assert crashed.stdout.readline().split() == [str(pid), "3"]
    crashed.send_signal(signal.SIGKILL)
    crashed.wait(timeout=30)
    store.close()  # the crashed client's lease is stale: the last live client stops the server
    assert not store.server.status()["running"]
    assert not (kb_dir / "graph" / "graph.sock").exists()


def test_server_listens_on_unix_socket_only(kb_dir):
    store = EmbeddedStore.open(kb_dir / "graph", "test")
    try:
        pid = _server_pid(kb_dir)
        tcp = Path("/proc/net/tcp").read_text() + Path("/proc/net/tcp6").read_text()
        inodes = {line.split()[9] for line in tcp.splitlines()[1:] if line.split()[3] == "0A"}
        fds = Path(f"/proc/{pid}/fd")
        sockets = {os.readlink(fd)[8:-1] for fd in fds.iterdir()
                   if os.readlink(fd).startswith("socket:")}
        assert not (sockets & inodes), "embedded server listens on a TCP port"
        assert (kb_dir / "graph" / "graph.sock").stat().st_mode & 0o077 == 0
    finally:
        store.close()
