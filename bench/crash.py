"""Crash-consistency of `cckb import`: kill it (and its graph server) anywhere, re-run, compare.

Why: the pipeline promises a document "either completes or leaves nothing behind" and that the
archive record is written last. This harness checks the promise from the outside. A reference
import runs uninterrupted into data dir A; each trial starts the same import into a fresh data
dir B as its own process group, SIGKILLs it after a random delay (in some trials it also
SIGKILLs the redis-server of B mid-write, whose pid is in `<B>/graph/server.pid`), then
re-runs the import to completion and compares B with A: the same (document id, sha256) pairs
and passage ids, no duplicate nodes, and `Archive.verify()` clean (orphan blobs are counted
separately, since they would be a defect of the "record last" rule).

With `--fast` each import runs in a small worker process (`--worker`) that swaps the model for
a deterministic hash embedder: the same pipeline, archive and graph server, without ~12 s of
model loading per import (the test suite uses it; the default is the real `cckb import`).

`--target crawl` does the same to `cckb crawl`: several sources' recorded pages are served by a
`MirrorServer` on 127.0.0.1; the reference crawl runs into A, and each trial SIGKILLs the crawl
(or its graph server, or both) at a random point after its first request, re-runs the crawl, and
compares B with A, then runs `cckb verify --archive` on B. The HTTP cache of the killed crawl is
kept, so the re-run goes through whatever the kill left in it.

Usage: python bench/crash.py [--target import|crawl] [--trials 20] [--seed 1] [--fast]
       [--workdir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import faulthandler
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from core.ids import document_id  # noqa: E402
from core.settings import load_settings  # noqa: E402
from embeddings.embedder import Embedder  # noqa: E402
from graph import queries as Q  # noqa: E402
from graph.server import EmbeddedServer  # noqa: E402
from ingest.archive import Archive  # noqa: E402
from ingest.kb import KnowledgeBase  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable

_HN = [
    "Gangs such as MS-13 and Barrio 18 extorted bus drivers and small businesses in {city}.",
    "Those who refused to pay the so-called war tax were threatened or killed.",
    "Police rarely investigated killings of transgender women and few perpetrators were "
    "convicted.",
    "Impunity remained widespread and the judiciary was susceptible to corruption.",
    "Human rights defenders and journalists reported threats from criminal organizations.",
    "Women fleeing domestic violence found few shelters and little police protection.",
]
_GT = [
    "Indigenous communities in {city} reported forced evictions linked to land disputes.",
    "Criminal groups recruited children and forcibly displaced families who resisted.",
    "Journalists covering corruption faced criminal complaints and surveillance.",
    "Violence against women remained pervasive and convictions were rare.",
    "Members of the security forces committed abuses with limited accountability.",
    "LGBTQI+ persons faced discrimination in access to health care and employment.",
]
_CITIES = {"HN": ["Tegucigalpa", "San Pedro Sula", "La Ceiba", "Choluteca", "Comayagua"],
           "GT": ["Guatemala City", "Quetzaltenango", "Coban", "Huehuetenango", "Escuintla"]}


def write_corpus(path: Path, n: int = 15, seed: int = 0) -> list[dict]:
    """~n small realistic documents about Honduras and Guatemala, each with a distinct URL."""
    rnd = random.Random(seed)
    records = []
    for i in range(n):
        iso = "HN" if i % 2 == 0 else "GT"
        pool = _HN if iso == "HN" else _GT
        name = "Honduras" if iso == "HN" else "Guatemala"
        paras = []
        for s in range(3):
            sentences = rnd.sample(pool, 4)
            city = rnd.choice(_CITIES[iso])
            paras.append(f"Section {s + 1}\n\n" + " ".join(x.format(city=city) for x in sentences)
                         + f" ({name}, report {i}, part {s}.)")
        records.append({
            "url": f"https://reports.example.org/{iso.lower()}/2024/report-{i:02d}",
            "title": f"{name} country conditions report {i}", "publisher": "Example Monitor",
            "countries": [iso], "language": "en", "published": f"2024-0{1 + i % 9}-15",
            "text": "\n\n".join(paras)})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return records


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CCKB_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    return env


class HashEmbedder(Embedder):
    """Deterministic unit vectors from a text's hash: same text, same vector, in any process."""

    name = "crash-bench-hash"
    dim = 384

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [np.random.default_rng(int.from_bytes(
            hashlib.sha256(t.encode()).digest()[:8], "little")).standard_normal(self.dim)
            for t in texts]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


def worker(corpus: Path) -> int:
    """What `cckb import` does, with the hash embedder (the `--fast` mode's subprocess)."""
    from ingest.files import iter_items

    with KnowledgeBase.open(load_settings()) as kb:
        kb.__dict__["embedder"] = HashEmbedder()
        kb.init()
        report = kb.ingestor.ingest(iter_items([corpus]))
    for f in report.failures:
        print(f"FAILED {f.where}: {f.reason}", file=sys.stderr)
    return 0 if report.ok else 1


def start_import(data_dir: Path, corpus: Path, fast: bool = False) -> subprocess.Popen:
    """The import as its own process group, so one killpg reaches all of it."""
    cmd = ([PYTHON, str(Path(__file__).resolve()), "--worker", str(corpus)] if fast
           else [PYTHON, "-m", "cckb.main", "import", str(corpus)])
    return subprocess.Popen(cmd, cwd=ROOT, env=_env(data_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def run_import(data_dir: Path, corpus: Path, fast: bool = False, timeout: float = 600) -> float:
    """Run an import to completion; returns its wall time (raises if it failed)."""
    t0 = time.monotonic()
    proc = start_import(data_dir, corpus, fast)
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"import failed ({proc.returncode}):\n{out.decode()}\n"
                           f"{err.decode()[-3000:]}")
    return time.monotonic() - t0


def server_of(data_dir: Path) -> EmbeddedServer:
    return EmbeddedServer(data_dir / "graph")


@dataclass
class Snapshot:
    """What the graph and the archive hold for the corpus' documents."""

    documents: set[tuple[str, str]] = field(default_factory=set)
    passages: set[str] = field(default_factory=set)
    document_nodes: int = 0
    passage_nodes: int = 0
    passage_rows: int = 0
    records: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def orphans(self) -> list[str]:
        return [p for p in self.problems if "orphan" in p]


def snapshot(data_dir: Path, doc_ids: list[str]) -> Snapshot:
    """Read the graph through the query builders, then the archive; stop the server after."""
    snap = Snapshot()
    kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(data_dir)}))
    try:
        store = kb.store
        for doc_id in doc_ids:
            rows = store.execute(Q.document_state(doc_id))
            if rows and rows[0]["sha256"] is not None:
                snap.documents.add((doc_id, rows[0]["sha256"]))
        rows = store.execute(Q.document_passage_ids(doc_ids))
        snap.passage_rows = len(rows)
        snap.passages = {r["id"] for r in rows}
        snap.document_nodes = int(store.execute(Q.count_nodes("Document"))[0]["n"])
        snap.passage_nodes = int(store.execute(Q.count_nodes("Passage"))[0]["n"])
        snap.records = {r["id"] for r in kb.archive.iter_records()}
        snap.problems = [f"{p.path}: {p.reason}" for p in kb.archive.verify()]
    finally:
        kb.close()
        server_of(data_dir).stop()
    return snap


def compare(ref: Snapshot, got: Snapshot) -> list[str]:
    """Every way `got` differs from the reference; empty when nothing was lost or doubled."""
    diffs = []
    if got.documents != ref.documents:
        diffs.append(f"documents differ: missing {sorted(ref.documents - got.documents)[:3]}, "
                     f"extra {sorted(got.documents - ref.documents)[:3]}")
    if got.passages != ref.passages:
        diffs.append(f"passages differ: {len(ref.passages - got.passages)} missing, "
                     f"{len(got.passages - ref.passages)} extra")
    if got.document_nodes != len(got.documents) or got.document_nodes != ref.document_nodes:
        diffs.append(f"Document nodes {got.document_nodes} vs {len(got.documents)} distinct")
    if got.passage_nodes != len(got.passages) or got.passage_rows != len(got.passages):
        diffs.append(f"Passage nodes {got.passage_nodes} / rows {got.passage_rows} vs "
                     f"{len(got.passages)} distinct")
    if got.records != {d for d, _ in ref.documents}:
        diffs.append(f"archive records differ: {len(got.records)} vs {len(ref.documents)}")
    other = [p for p in got.problems if p not in got.orphans]
    if other:
        diffs.append(f"archive problems: {other[:3]}")
    return diffs


@dataclass
class Trial:
    mode: str
    delay: float
    exit: str
    diffs: list[str]
    orphans: int


def run_trial(rnd: random.Random, data_dir: Path, corpus: Path, max_delay: float,
              mode: str | None = None, fast: bool = False) -> tuple[Trial, Snapshot]:
    """One kill-and-resume trial into a fresh `data_dir`; the trial and what B holds after."""
    shutil.rmtree(data_dir, ignore_errors=True)
    mode = mode or rnd.choice(["importer", "server", "both"])
    delay = rnd.uniform(0.5, max(0.6, max_delay))
    proc = start_import(data_dir, corpus, fast)
    exit_state = "killed"
    if mode == "importer":
        time.sleep(delay)
    else:
        # wait until the server is up, then kill it at a random point of the import
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        pid = server_of(data_dir).pid()
        while pid is None and proc.poll() is None:  # too early: kill it as soon as it is up
            time.sleep(0.02)
            pid = server_of(data_dir).pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
        else:
            mode += "(missed)"
        if mode == "both":
            time.sleep(rnd.uniform(0.0, 1.0))
    if mode.startswith("server"):
        # the importer must survive a server crash (it reconnects) or fail cleanly
        try:
            proc.communicate(timeout=600)
            exit_state = f"rc={proc.returncode}"
        except subprocess.TimeoutExpired:
            exit_state = "hung"
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    elif exit_state == "killed":
        exit_state = f"finished-before-kill rc={proc.returncode}"
    run_import(data_dir, corpus, fast)
    got = snapshot(data_dir, _doc_ids(corpus))
    return Trial(mode, delay, exit_state, [], len(got.orphans)), got


def _doc_ids(corpus: Path) -> list[str]:
    return [document_id(json.loads(line)["url"])
            for line in corpus.read_text("utf-8").splitlines() if line.strip()]


def reference(workdir: Path, n_docs: int = 15,
              fast: bool = False) -> tuple[Path, Snapshot, float]:
    corpus = workdir / "corpus.jsonl"
    write_corpus(corpus, n_docs)
    ref_dir = workdir / "A"
    shutil.rmtree(ref_dir, ignore_errors=True)
    duration = run_import(ref_dir, corpus, fast)
    return corpus, snapshot(ref_dir, _doc_ids(corpus)), duration


def trials(workdir: Path, n: int, seed: int, n_docs: int = 15,
           fast: bool = False) -> tuple[Snapshot, float, list[Trial]]:
    """The reference import, then `n` kill-and-resume trials cycling the three kill modes."""
    corpus, ref, duration = reference(workdir, n_docs, fast)
    rnd = random.Random(seed)
    modes = ["importer", "server", "both"]
    out = []
    for i in range(n):
        trial, got = run_trial(rnd, workdir / "B", corpus, duration, modes[(i + seed) % 3],
                               fast)
        trial.diffs = compare(ref, got)
        out.append(trial)
    return ref, duration, out


# --- crawl target ----------------------------------------------------------------------------

CRAWL_SOURCES = ["usdos_crhrp", "hrw_world_report", "freedomhouse_fiw", "usdos_irf"]


def crawl_args(sources: list[str]) -> list[str]:
    return [a for s in sources for a in ("--source", s)] + ["--country", "HN", "--country", "GT"]

FIXTURES = ROOT / "tests" / "fixtures" / "crawlers"
# the suite's fast crawl settings (tests/crawlers/crawl_helpers.py): no politeness delays
FAST_CRAWL = {"AUTOTHROTTLE_ENABLED": False, "RETRY_BACKOFF_BASE": 0.05}


def mirror_roots() -> list[Path]:
    return sorted(FIXTURES.glob("*/site"))


def crawl_worker(argv: list[str]) -> int:
    """What `cckb crawl` does, with the hash embedder (the `--fast` mode's subprocess)."""
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `_hung` asks where it is stuck
    import ingest.kb
    from crawlers import cli

    ingest.kb.get_embedder = lambda settings=None: HashEmbedder()
    sets = [f"--set={k}={json.dumps(v)}" for k, v in FAST_CRAWL.items()]
    return cli.main(["--json", *sets, *argv])


def start_crawl(data_dir: Path, base_url: str, fast: bool = False, sets: dict | None = None,
                sources: list[str] = CRAWL_SOURCES) -> subprocess.Popen:
    """The crawl as its own process group (the graph server daemonises out of it).

    `sets` are Scrapy setting overrides, only for the fast worker (`cckb crawl` has none)."""
    extra = [f"--set={k}={json.dumps(v)}" for k, v in (sets or {}).items()]
    args = crawl_args(sources)
    cmd = ([PYTHON, str(Path(__file__).resolve()), "--crawl-worker", *extra, *args]
           if fast else [PYTHON, "-m", "cckb.main", "crawl", "--json", *args])
    env = _env(data_dir)
    env.update(CCKB_SOURCE_BASE_URL=base_url, CCKB_RELIEFWEB_APPNAME="cckb-test")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def run_crawl(data_dir: Path, base_url: str, fast: bool = False, timeout: float | None = None,
              sets: dict | None = None, sources: list[str] = CRAWL_SOURCES) -> dict:
    """Run a crawl to completion; its JSON summary (raises if it failed or hung: the fast
    crawl of the recorded pages takes seconds, so 180 s without an end is a hang)."""
    timeout = timeout or (180 if fast else 600)
    proc = start_crawl(data_dir, base_url, fast, sets, sources)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(_hung(proc, timeout)) from None
    if proc.returncode != 0:
        raise RuntimeError(f"crawl failed ({proc.returncode}):\n{out.decode()[-3000:]}\n"
                           f"{err.decode()[-3000:]}")
    return json.loads(out)


def _hung(proc: subprocess.Popen, timeout: float) -> str:
    """Why a crawl did not finish: its threads' stacks (the worker dumps them on SIGUSR1) and the
    tail of its log, or that it exited while something it started kept its output open."""
    exited = proc.poll()
    if exited is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGUSR1)
        time.sleep(3)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    state = (f"exited rc={exited} but its output stayed open (a child holds it)"
             if exited is not None else "still running")
    return (f"crawl did not finish in {timeout:.0f} s ({state}); stacks and log tail:\n"
            f"{err.decode(errors='replace')[-8000:]}\n{out.decode(errors='replace')[-1000:]}")


def verify_archive_cli(data_dir: Path) -> tuple[int, str]:
    """`cckb verify --archive` on `data_dir`: (exit code, output)."""
    proc = subprocess.run([PYTHON, "-m", "cckb.main", "verify", "--archive"], cwd=ROOT,
                          env=_env(data_dir), capture_output=True, text=True, timeout=300)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def _requests(mirror: object) -> int:
    return sum(mirror.hits.values())  # type: ignore[attr-defined]


def _records(data_dir: Path) -> int:
    root = data_dir / "archive" / "records"
    return sum(1 for p in root.rglob("*.json")) if root.exists() else 0


@dataclass
class CrawlReference:
    snapshot: Snapshot
    doc_ids: list[str]
    active: float  # seconds from the crawl's first request to its exit
    requests: int
    sources: list[str]


def crawl_reference(workdir: Path, mirror: object, fast: bool = False,
                    sources: list[str] = CRAWL_SOURCES) -> CrawlReference:
    ref_dir = workdir / "A"
    shutil.rmtree(ref_dir, ignore_errors=True)
    before = _requests(mirror)
    proc = start_crawl(ref_dir, mirror.base_url, fast,  # type: ignore[attr-defined]
                       sources=sources)
    while _requests(mirror) == before and proc.poll() is None:
        time.sleep(0.01)
    t0 = time.monotonic()
    out, err = proc.communicate(timeout=600)
    active = time.monotonic() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"reference crawl failed:\n{err.decode()[-3000:]}")
    doc_ids = sorted(r["id"] for r in Archive(ref_dir / "archive").iter_records())
    return CrawlReference(snapshot(ref_dir, doc_ids), doc_ids, active,
                          _requests(mirror) - before, sources)


@dataclass
class CrawlTrial:
    mode: str
    delay: float  # seconds after the crawl's first request
    requests: int  # requests the mirror had answered at the kill
    records: int  # archive records written at the kill
    exit: str
    diffs: list[str] = field(default_factory=list)
    orphans: int = 0
    verify: str = ""


def crawl_trial(rnd: random.Random, data_dir: Path, mirror: object, ref: CrawlReference,
                mode: str, fast: bool = False,
                by_records: bool = False) -> tuple[CrawlTrial, Snapshot]:
    """Crawl into a fresh `data_dir`, kill at a random point, re-crawl, snapshot.

    The kill point is a random time within the reference crawl's active time or, with
    `by_records` (timing-proof, for the suite), a random moment after the k-th archive record
    (k < the number of documents - 1), so the crawl is always killed mid-way."""
    shutil.rmtree(data_dir, ignore_errors=True)
    delay = rnd.uniform(0.0, ref.active)
    k = rnd.randint(0, max(0, len(ref.doc_ids) - 2))
    before = _requests(mirror)
    proc = start_crawl(data_dir, mirror.base_url, fast,  # type: ignore[attr-defined]
                       sources=ref.sources)
    while _requests(mirror) == before and proc.poll() is None:
        time.sleep(0.005)
    t0 = time.monotonic()
    if by_records:
        while _records(data_dir) < k and proc.poll() is None:
            time.sleep(0.005)
        delay = time.monotonic() - t0 + rnd.uniform(0.0, 0.1)
    deadline = t0 + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    exit_state = "killed"
    if proc.poll() is not None:
        exit_state = f"finished-before-kill rc={proc.returncode}"
    if mode in ("crawler", "both") and proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    if mode in ("server", "both"):
        pid = server_of(data_dir).pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
        else:
            mode += "(missed)"
    trial = CrawlTrial(mode, delay, _requests(mirror) - before, _records(data_dir), exit_state)
    if mode.startswith("server") and exit_state == "killed":
        # the crawl must survive its graph server's crash (it reconnects) or fail cleanly
        try:
            proc.communicate(timeout=600)
            trial.exit = f"survived rc={proc.returncode}"
        except subprocess.TimeoutExpired:
            trial.exit = "hung"
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()
    run_crawl(data_dir, mirror.base_url, fast, sources=ref.sources)  # type: ignore[attr-defined]
    server_of(data_dir).stop()
    rc, output = verify_archive_cli(data_dir)
    trial.verify = "clean" if rc == 0 else f"rc={rc}: {output[-300:]}"
    got = snapshot(data_dir, ref.doc_ids)
    trial.orphans = len(got.orphans)
    trial.diffs = compare(ref.snapshot, got) + ([] if rc == 0 else [f"verify {trial.verify}"])
    return trial, got


def crawl_trials(workdir: Path, n: int, seed: int,
                 fast: bool = False) -> tuple[CrawlReference, list[CrawlTrial]]:
    from crawlers.mirror import MirrorServer

    rnd = random.Random(seed)
    modes = ["crawler", "both", "server"]
    out: list[CrawlTrial] = []
    with MirrorServer(mirror_roots()) as mirror:
        ref = crawl_reference(workdir, mirror, fast)
        # a trial whose crawl finished before its kill point killed nothing: it is reported but
        # does not count, so `n` kills really happen (at most 2n attempts)
        while sum(1 for t in out if not t.exit.startswith("finished")) < n and len(out) < 2 * n:
            out.append(crawl_trial(rnd, workdir / "B", mirror, ref,
                                   modes[(len(out) + seed) % 3], fast)[0])
    return ref, out


def crawl_main(args: argparse.Namespace, workdir: Path) -> int:
    t0 = time.monotonic()
    ref, results = crawl_trials(workdir, args.trials, args.seed, args.fast)
    print(f"reference crawl: {len(ref.snapshot.documents)} documents, "
          f"{len(ref.snapshot.passages)} passages, {ref.requests} requests, "
          f"{ref.active:.1f}s from first request to exit, archive problems "
          f"{len(ref.snapshot.problems)}")
    for i, t in enumerate(results):
        verdict = "OK" if not t.diffs else "FAIL " + "; ".join(t.diffs)
        print(f"trial {i:2d} kill={t.mode:<8} at +{t.delay:5.2f}s after {t.requests:2d} requests,"
              f" {t.records:2d} records; first run={t.exit:<26} orphans={t.orphans} "
              f"verify={t.verify} {verdict}")
    bad = [t for t in results if t.diffs]
    kills = sum(1 for t in results if not t.exit.startswith("finished"))
    print(f"summary: {len(results)} crawl trials ({dict(Counter(t.mode for t in results))}), "
          f"{kills} killed mid-crawl, {len(results) - len(bad)} identical to the reference, "
          f"{len(bad)} different; "
          f"{time.monotonic() - t0:.0f}s total; workdir {workdir}")
    return 1 if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["import", "crawl"], default="import")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--docs", type=int, default=15)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--fast", action="store_true", help="hash embedder instead of the model")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    if sys.argv[1:2] == ["--crawl-worker"]:
        sys.exit(crawl_worker(sys.argv[2:]))
    args = parser.parse_args()
    if args.worker:
        sys.exit(worker(args.worker))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cckb-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.target == "crawl":
        sys.exit(crawl_main(args, workdir))
    t0 = time.monotonic()
    ref, duration, results = trials(workdir, args.trials, args.seed, args.docs,
                                     args.fast)
    print(f"reference: {len(ref.documents)} documents, {len(ref.passages)} passages, "
          f"import {duration:.1f}s, archive problems {len(ref.problems)}")
    for i, t in enumerate(results):
        verdict = "OK" if not t.diffs else "FAIL " + "; ".join(t.diffs)
        print(f"trial {i:2d} kill={t.mode:<8} delay={t.delay:5.2f}s first run={t.exit:<28} "
              f"orphans={t.orphans} {verdict}")
    bad = [t for t in results if t.diffs]
    by_mode = Counter(t.mode for t in results)
    print(f"summary: {len(results)} trials ({dict(by_mode)}), {len(results) - len(bad)} "
          f"identical to the reference, {len(bad)} different, "
          f"{sum(1 for t in results if t.orphans)} with orphan blobs; "
          f"{time.monotonic() - t0:.0f}s total; workdir {workdir}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
