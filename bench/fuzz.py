"""Mutation fuzzing of the import path: extraction and the whole ingestor on damaged inputs.

Why: `cckb import` promises that one bad file or line never stops the batch and that every
failure is reported naming its file. Valid HTML pages, a PDF (made with reportlab), JSONL lines
and TXT are mutated (byte flips, truncation, random insertions, charset mix-ups, deep nesting,
huge attributes, NUL/control bytes) and fed to `ingest.extract.extract` (fast) and to
`iter_items` + `Ingestor.ingest` (slow, real graph and model). Outcomes are classified: ok,
a reported failure (by reason), or a defect (an exception escaping, a failure not naming its
file, an "internal error", or a graph/archive mismatch afterwards).

Usage: python bench/fuzz.py [--extract 1000] [--ingest 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.errors import CckbError  # noqa: E402
from graph import queries as Q  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.files import iter_items  # noqa: E402

HN = ("Gangs such as MS-13 and Barrio 18 extorted bus drivers in Tegucigalpa, Honduras. Those who "
      "refused to pay were threatened or killed. Police rarely investigated the killings of "
      "transgender women in San Pedro Sula and impunity remained widespread in Honduras.")
GT = ("Indigenous communities in Guatemala reported forced evictions. Criminal groups recruited "
      "children and displaced families who resisted; journalists in Guatemala faced threats.")


def seed_html() -> bytes:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Honduras 2024 report</title></head><body><article><h1>Honduras</h1>"
            f"<h2>Gang violence</h2><p>{HN}</p><h2>Displacement</h2><p>{GT}</p>"
            f"<p>Señora Pérez said “the maras” controlled the barrio.</p></article>"
            f"</body></html>").encode()


def seed_pdf() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    y = 720
    for line in ["Honduras 2024", *re.findall(r".{1,80}(?:\s|$)", HN + " " + GT)]:
        c.drawString(72, y, line.strip())
        y -= 16
    c.save()
    return buf.getvalue()


def seed_txt() -> bytes:
    return f"HONDURAS\n\nGang violence\n\n{HN}\n\nDisplacement\n\n{GT}\n".encode()


def seed_jsonl(n: int = 0) -> bytes:
    return json.dumps({"url": f"https://fuzz.example.org/doc/{n}", "title": "Honduras report",
                       "publisher": "Fuzz Monitor", "countries": ["HN"], "language": "en",
                       "text": f"{HN}\n\n{GT}"}).encode()


SEEDS: dict[str, Callable[[], bytes]] = {"html": seed_html, "pdf": seed_pdf, "txt": seed_txt,
                                         "jsonl": seed_jsonl}


# --- mutators -------------------------------------------------------------------------------

def _flip(rnd: random.Random, data: bytes, kind: str) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(1, max(1, len(b) // 50))):
        b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
    return bytes(b)


def _truncate(rnd: random.Random, data: bytes, kind: str) -> bytes:
    return data[:rnd.randrange(0, len(data))]


def _insert(rnd: random.Random, data: bytes, kind: str) -> bytes:
    at = rnd.randrange(len(data) + 1)
    return data[:at] + rnd.randbytes(rnd.randint(1, 256)) + data[at:]


def _charset(rnd: random.Random, data: bytes, kind: str) -> bytes:
    """Re-encode or mislabel: UTF-16 without BOM, latin-1 labelled utf-8, mixed halves, BOMs."""
    text = data.decode("utf-8", "replace")
    choice = rnd.randrange(6)
    if choice == 0:
        return text.encode("utf-16-le")
    if choice == 1:
        return text.replace("utf-8", "shift_jis").encode("latin-1", "replace")
    if choice == 2:
        half = len(text) // 2
        return text[:half].encode("utf-8") + text[half:].encode("cp1252", "replace")
    if choice == 3:
        return rnd.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]) + data
    if choice == 4:
        return text.replace("charset='utf-8'", "charset='x-no-such-codec'").encode("utf-32")
    return text.encode("utf-8").replace(b"e", b"\xc3", rnd.randint(1, 20))


def _nesting(rnd: random.Random, data: bytes, kind: str) -> bytes:
    depth = rnd.choice([200, 2_000, 20_000])
    if kind == "jsonl":
        obj = data.decode("utf-8", "replace")
        where = rnd.choice(["text", "countries", "title"])
        return obj.replace(f'"{where}": ', f'"{where}": ' + "[" * depth, 1).encode() + \
            b"]" * rnd.choice([0, depth])
    if kind == "pdf":
        return data.replace(b"<<", b"<<" * depth, 1)
    tag = rnd.choice(["div", "b", "table", "ul><li"])
    return (f"<{tag}>" * depth).encode() + data + (f"</{tag}>" * (depth // 2)).encode()


def _huge_attr(rnd: random.Random, data: bytes, kind: str) -> bytes:
    size = rnd.choice([10_000, 200_000, 2_000_000])
    if kind == "jsonl":
        obj = json.loads(data)
        obj[rnd.choice(["title", "publisher", "url", "text"])] = "x" * size
        return json.dumps(obj).encode()
    blob = rnd.choice(["a", "&amp;", "\"'<", "é"]) * (size // 4)
    return data.replace(b"<p>", f'<p class="{blob}" data-x="{blob}">'.encode(), 1) \
        if b"<p>" in data else data + blob.encode()


def _controls(rnd: random.Random, data: bytes, kind: str) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(1, 40)):
        b.insert(rnd.randrange(len(b) + 1), rnd.choice([0, 1, 7, 8, 11, 27, 127]))
    return bytes(b)


def _splice(rnd: random.Random, data: bytes, kind: str) -> bytes:
    """Another format's seed glued in: a PDF inside HTML, HTML inside JSON, and so on."""
    other = SEEDS[rnd.choice(list(SEEDS))]()
    at = rnd.randrange(len(data) + 1)
    return data[:at] + other + data[at:]


MUTATORS: dict[str, Callable[[random.Random, bytes, str], bytes]] = {
    "flip": _flip, "truncate": _truncate, "insert": _insert, "charset": _charset,
    "nesting": _nesting, "huge_attr": _huge_attr, "controls": _controls, "splice": _splice}


def mutated(rnd: random.Random, n: int) -> list[tuple[str, str, bytes]]:
    """n inputs as (kind, mutator name(s), bytes); 1-3 stacked mutations each."""
    seeds = {kind: make() for kind, make in SEEDS.items()}
    out = []
    for i in range(n):
        kind = list(SEEDS)[i % len(SEEDS)]
        data = seed_jsonl(i) if kind == "jsonl" else seeds[kind]
        names = rnd.sample(list(MUTATORS), rnd.randint(1, 3))
        for name in names:
            try:
                data = MUTATORS[name](rnd, data, kind)
            except (ValueError, RecursionError, TypeError):  # _huge_attr on a broken line
                continue
            if not data:
                break
        out.append((kind, "+".join(names), data))
    return out


def reason_class(message: str) -> str:
    """A short bucket for a failure message (the first words, digits dropped)."""
    words = re.sub(r"[\d,]+", "#", message.split(":")[0]).split()[:5]
    return " ".join(words) or "(empty)"


# --- extraction ------------------------------------------------------------------------------

@dataclass
class Outcomes:
    ok: int = 0
    failed: Counter = field(default_factory=Counter)
    defects: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [f"  ok {self.ok}, reported failures {sum(self.failed.values())}, "
                 f"defects {len(self.defects)}, {self.seconds:.1f}s"]
        lines += [f"    {n:5d}  {reason}" for reason, n in self.failed.most_common()]
        lines += [f"    DEFECT {d}" for d in self.defects[:20]]
        return "\n".join(lines)


def fuzz_extract(inputs: list[tuple[str, str, bytes]]) -> Outcomes:
    """Every input either extracts or raises a CckbError; anything else is a defect."""
    out = Outcomes()
    t0 = time.monotonic()
    for kind, how, data in inputs:
        if kind == "jsonl":
            try:
                obj = json.loads(data)
                data, kind = str(obj.get("text", "")).encode(), "txt"
            except (ValueError, RecursionError, AttributeError):
                continue  # not extractable text; the ingest pass covers bad lines
        try:
            extract(data, kind, "https://fuzz.example.org/x")
            out.ok += 1
        except CckbError as exc:
            out.failed[reason_class(str(exc))] += 1
        except Exception as exc:  # noqa: BLE001 - the point is to catch anything
            out.defects.append(f"extract {kind} [{how}]: {type(exc).__name__}: {exc}"[:300])
    out.seconds = time.monotonic() - t0
    return out


# --- whole ingestor -------------------------------------------------------------------------

def write_inputs(folder: Path, inputs: list[tuple[str, str, bytes]]) -> list[Path]:
    """One file per non-JSONL input; all JSONL inputs as lines of one file (plus a good line)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, lines = [], []
    for i, (kind, _how, data) in enumerate(inputs):
        if kind == "jsonl":
            lines.append(data.replace(b"\n", b" ").replace(b"\r", b" "))
            continue
        path = folder / f"input-{i:04d}.{kind}"
        path.write_bytes(data)
        paths.append(path)
    if lines:
        jsonl = folder / "lines.jsonl"
        jsonl.write_bytes(b"\n".join([*lines, seed_jsonl(99_999)]) + b"\n")
        paths.append(jsonl)
    return paths


def consistency(kb) -> list[str]:
    """Graph and archive agree: every record's document is in the graph and vice versa."""
    records = [r["id"] for r in kb.archive.iter_records()]
    in_graph = {r["id"] for r in kb.store.execute(Q.fingerprints("Document", records))}
    n_docs = int(kb.store.execute(Q.count_nodes("Document"))[0]["n"])
    problems = [f"archive record {d} has no Document node" for d in records if d not in in_graph]
    if n_docs != len(records):
        problems.append(f"{n_docs} Document nodes but {len(records)} archive records")
    problems += [f"archive: {p.path}: {p.reason}" for p in kb.archive.verify()]
    return problems


def fuzz_ingest(kb, folder: Path, inputs: list[tuple[str, str, bytes]]) -> Outcomes:
    """The import path on files: no exception escapes; each failure names a file we wrote."""
    out = Outcomes()
    t0 = time.monotonic()
    paths = write_inputs(folder, inputs)
    try:
        report = kb.ingestor.ingest(iter_items(paths, {"countries": ["HN"],
                                                       "publisher": "Fuzz Monitor"}))
    except Exception as exc:  # noqa: BLE001
        out.defects.append(f"ingest raised {type(exc).__name__}: {exc}"[:300] + "\n"
                           + traceback.format_exc()[-1500:])
        out.seconds = time.monotonic() - t0
        return out
    names = {str(p) for p in paths}
    out.ok = report.documents
    for f in report.failures:
        if f.where.rsplit(":", 1)[0] not in names and f.where not in names:
            out.defects.append(f"failure does not name an input file: {f.where!r}")
        if f.reason.startswith("internal error"):
            out.defects.append(f"{f.where}: {f.reason}"[:300])
        out.failed[reason_class(f.reason)] += 1
    out.defects += consistency(kb)
    out.seconds = time.monotonic() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extract", type=int, default=1000)
    parser.add_argument("--ingest", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    inputs = mutated(rnd, args.extract)
    print(f"extract: {len(inputs)} mutated inputs "
          f"({dict(Counter(k for k, _, _ in inputs))})")
    ext = fuzz_extract(inputs)
    print(ext.summary())
    from core.settings import load_settings
    from ingest.kb import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="cckb-fuzz-") as tmp:
        kb = KnowledgeBase.open(load_settings({"CCKB_DATA_DIR": str(Path(tmp) / "kb")}))
        try:
            kb.init()
            ing = fuzz_ingest(kb, Path(tmp) / "in", mutated(rnd, args.ingest))
        finally:
            kb.close()
    print(f"ingest: {args.ingest} mutated inputs through iter_items + Ingestor.ingest")
    print(ing.summary())
    sys.exit(1 if ext.defects or ing.defects else 0)


if __name__ == "__main__":
    main()
