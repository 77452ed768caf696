"""The ingest path end to end: files -> archive -> passages -> enrichment -> embeddings -> graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from graph import queries as Q
from graph.stats import node_counts
from ingest.files import iter_items

HN_URL = "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/honduras/"
HN_TEXT = (
    "Executive Summary\n\n"
    "Significant human rights issues included credible reports of unlawful or arbitrary killings. "
    "Gangs such as MS-13 and Barrio 18 extorted bus drivers and small businesses. "
    "Those who refused to pay were threatened or killed. Impunity remained widespread.\n\n"
    "Acts of Violence Based on Sexual Orientation\n\n"
    "LGBTQI+ persons faced violence and discrimination. Civil society organizations reported the "
    "killing of transgender women in San Pedro Sula and Tegucigalpa. Police rarely investigated "
    "these killings and few perpetrators were convicted. Venezuelan migrants were also "
    "targeted by gangs while transiting the country."
)


def jsonl_line(**over) -> str:
    rec = {"url": HN_URL, "title": "2023 Country Reports on Human Rights Practices: Honduras",
           "publisher": "U.S. Department of State", "countries": ["HN"], "language": "en",
           "published": "2024-04-22", "text": HN_TEXT}
    rec.update(over)
    return json.dumps(rec)


def write_pdf(path: Path, lines: list[str], password: str | None = None) -> None:
    c = canvas.Canvas(str(path), pagesize=letter)
    y = 720
    for line in lines:
        c.drawString(72, y, line)
        y -= 16
    c.save()
    if password:
        writer = PdfWriter(clone_from=str(path))
        writer.encrypt(password)
        with path.open("wb") as fh:
            writer.write(fh)


def ingest(kb, paths, **defaults):
    return kb.ingestor.ingest(iter_items([Path(p) for p in paths], defaults or None))


def test_import_links_passages_and_reimport_is_noop(kb, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(jsonl_line() + "\n")
    report = ingest(kb, [src])
    assert report.ok, report.failures
    counts = report.counts.as_dict()
    assert counts["Document"]["insert"] == 1 and counts["Passage"]["insert"] >= 2
    rows = kb.store.execute(Q.passages_about("HN", 50))
    texts = " ".join(r["text"] for r in rows)
    assert "transgender women" in texts
    lgbti = [r for r in rows if "transgender" in r["text"]][0]
    links = {(x["rel"], x["target"]) for x in kb.store.execute(Q.passage_links(lgbti["id"]))}
    assert ("ABOUT", "HN") in links
    assert ("EVIDENCES", "lgbti") in links  # the risk factor the passage is about
    assert ("CONCERNS_NATIONALS_OF", "VE") in links
    embedded = kb.embedder.texts
    again = ingest(kb, [src])
    assert again.ok and again.counts.only_noops(), again.counts.as_dict()
    assert kb.embedder.texts == embedded  # unchanged input costs no model time


def test_changed_document_updates_and_drops_passages(kb, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(jsonl_line() + "\n")
    ingest(kb, [src])
    doc = kb.store.execute(Q.document_by_id(_doc_id(kb)))[0]["doc"]
    short = HN_TEXT.split("\n\nActs of Violence")[0]
    src.write_text(jsonl_line(text=short) + "\n")
    report = ingest(kb, [src])
    counts = report.counts.as_dict()
    assert counts["Document"]["update"] == 1
    assert counts["Passage"]["delete"] >= 1
    after = kb.store.execute(Q.document_by_id(_doc_id(kb)))[0]["doc"]
    assert after["first_seen"] == doc["first_seen"]
    assert after["sha256"] != doc["sha256"]
    texts = [r["text"] for r in kb.store.execute(Q.passages_of_document(_doc_id(kb)))]
    assert texts and not any("transgender" in t for t in texts)


def _doc_id(kb) -> str:
    from core.ids import document_id

    return document_id(HN_URL)


def test_html_pdf_txt_files_with_sidecar_and_inferred_countries(kb, tmp_path):
    html = tmp_path / "report.html"
    html.write_text("<html lang='es'><body><nav>Inicio | Contacto</nav><main><h1>Informe</h1>"
                    "<h2>Violencia contra las mujeres</h2><p>En Guatemala se registraron "
                    "numerosos femicidios y casos de violencia sexual contra mujeres y niñas. "
                    "La impunidad en estos casos supera el noventa por ciento según la "
                    "fiscalía.</p></main><footer>Derechos reservados</footer></body></html>",
                    encoding="utf-8")
    (tmp_path / "report.html.json").write_text(json.dumps(
        {"url": "https://example.org/gt/informe", "publisher": "Example NGO",
         "countries": ["GT"], "title": "Informe"}))
    pdf = tmp_path / "uganda.pdf"
    write_pdf(pdf, ["Uganda Country Note", "",
                    "In Uganda, the Anti-Homosexuality Act imposes the death penalty for",
                    "aggravated homosexuality. Uganda police arrested LGBTQI+ persons and",
                    "subjected some to forced anal examinations. In Uganda, activists",
                    "reported evictions and beatings."])
    txt = tmp_path / "latin1.txt"
    txt.write_bytes("En Honduras, las pandillas extorsionan a los transportistas. Honduras "
                    "registra altos índices de violencia. La policía de Honduras no protege "
                    "a las víctimas de extorsión.".encode("latin-1"))
    report = ingest(kb, [tmp_path], publisher="Test Publisher")
    assert report.ok, report.failures
    assert report.documents == 3
    about = {c: {r["id"] for r in kb.store.execute(Q.passages_about(c, 50))}
             for c in ("GT", "UG", "HN")}
    assert all(about.values()), about
    hn_text = " ".join(r["text"] for r in kb.store.execute(Q.passages_about("HN", 50)))
    assert "índices" in hn_text  # Latin-1 decoded correctly
    gt_text = " ".join(r["text"] for r in kb.store.execute(Q.passages_about("GT", 50)))
    assert "Contacto" not in gt_text and "Derechos reservados" not in gt_text


def test_bad_inputs_are_reported_and_the_rest_imported(kb, tmp_path):
    good = tmp_path / "a_good.jsonl"
    good.write_text(jsonl_line() + "\n" + "{not json}\n"
                    + jsonl_line(url="https://example.org/x", countries=["ZZ"]) + "\n"
                    + jsonl_line(url="https://example.org/y", surprise=1) + "\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    write_pdf(tmp_path / "locked.pdf", ["Secret text about Honduras"], password="pw")
    (tmp_path / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nxref\n")
    (tmp_path / "junk.html").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "huge.txt").write_bytes(b"Honduras gangs. " * (50 * 1024 * 1024 // 16))
    report = ingest(kb, [tmp_path], countries=["HN"])
    reasons = {Path(f.where.split(":")[0]).name + (":" + f.where.split(":")[1]
                                                   if ":" in f.where else ""): f.reason
               for f in report.failures}
    assert "invalid JSON" in reasons["a_good.jsonl:2"]
    assert "ZZ" in reasons["a_good.jsonl:3"]
    assert "surprise" in reasons["a_good.jsonl:4"]
    assert reasons["empty.txt"] == "empty file"
    assert "encrypted" in reasons["locked.pdf"]
    assert "corrupt" in reasons["corrupt.pdf"] or "not a PDF" in reasons["corrupt.pdf"]
    assert "binary" in reasons["junk.html"]
    assert "too large" in reasons["huge.txt"]
    assert len(report.failures) == 8
    assert report.documents == 1  # the good line
    assert node_counts(kb.store)["Document"] == 1
    records = list(kb.archive.iter_records())
    assert [r["url"] for r in records] == [HN_URL]
    assert kb.archive.verify() == []  # no orphan blob from a failed document


def test_rebuild_from_archive_alone_gives_the_same_graph(kb, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(jsonl_line() + "\n")
    ingest(kb, [src])
    before = sorted(r["id"] for r in kb.store.execute(Q.passages_about("HN", 100)))
    from ingest.rebuild import archived_items

    kb.store.execute(Q.delete_all())
    kb.init()
    report = kb.ingestor.ingest(archived_items(kb.archive))
    assert report.ok, report.failures
    after = sorted(r["id"] for r in kb.store.execute(Q.passages_about("HN", 100)))
    assert after == before


def test_corrupt_archive_copy_is_detected(kb, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(jsonl_line() + "\n")
    ingest(kb, [src])
    record = next(kb.archive.iter_records())
    blob = kb.archive.blob_path(record["sha256"])
    blob.write_bytes(blob.read_bytes()[:100])  # truncated
    problems = kb.archive.verify()
    assert [p.reason for p in problems] == ["corrupt or truncated (hash mismatch)"]
    with pytest.raises(ValueError, match="corrupt"):
        kb.archive.get_blob(record["sha256"])


def test_a_jsonl_year_alone_is_undated_with_a_note_not_a_failure():
    from ingest.files import _jsonl_item

    base = {"url": "https://example.org/y", "title": "T", "publisher": "P", "countries": ["HN"],
            "text": "Gangs extorted bus drivers."}
    for partial in ("2019", "2019-04"):
        item = _jsonl_item(json.dumps({**base, "published": partial}).encode())
        assert item.published is None, partial
        assert item.edition_note == f"published {partial} (no day given)"
    day = _jsonl_item(json.dumps({**base, "published": "2019-04-02"}).encode())
    assert str(day.published) == "2019-04-02" and day.edition_note is None
    bad = _jsonl_item(json.dumps({**base, "published": "in 2019"}).encode())
    assert "published" in str(bad)


def test_passages_of_many_documents_are_encoded_together_each_with_its_own_vector(kb, tmp_path):
    """One encoder call for a batch of documents; every passage still gets the vector of its
    own text, and a document failing inside the batch leaves the others written."""
    from retrieval.candidates import closeness

    topics = ["Gangs extorted bus drivers in San Pedro Sula and killed those who refused.",
              "Transgender women were murdered in Tegucigalpa and police rarely investigated.",
              "Venezuelan migrants crossing Honduras faced robbery and xenophobic abuse.",
              "Journalists covering corruption received death threats from local officials."]
    lines = [jsonl_line(url=f"https://example.org/hn/{i}", text=f"{t}\n\n{t} It happened again "
                        f"in {2019 + i}, according to witnesses.") for i, t in enumerate(topics)]
    lines.insert(2, jsonl_line(url="https://example.org/bug", text="A text enrichment trips on."))
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(lines) + "\n")
    kb.ingestor.enricher.enrich([HN_TEXT], ["HN"])  # the taxonomy's vectors, embedded once
    calls = []
    inner = kb.embedder.encode
    kb.embedder.encode = lambda texts: calls.append(len(texts)) or inner(texts)
    enrich = kb.ingestor.enricher.enrich

    def buggy(texts, *args, **kwargs):  # a bug on one document, after the batch was encoded
        if any("trips on" in t for t in texts):
            raise RuntimeError("enrichment bug")
        return enrich(texts, *args, **kwargs)

    kb.ingestor.enricher.enrich = buggy
    report = kb.ingestor.ingest(iter_items([src]))
    kb.embedder.encode, kb.ingestor.enricher.enrich = inner, enrich
    assert report.documents == 4 and len(report.failures) == 1
    assert "batch.jsonl:3" in report.failures[0].where
    assert "internal error: RuntimeError: enrichment bug" in report.failures[0].reason
    rows = kb.store.run("MATCH (p:Passage) RETURN p.id AS id, p.text AS text")
    assert len(rows) >= 4
    assert calls == [len(rows) + 1]  # one call for all five documents' passages
    for row in rows:
        own = closeness(kb.store, [row["id"]], inner([row["text"]])[0])[row["id"]]
        assert own > 0.999, row["text"]
    assert node_counts(kb.store)["Document"] == 4
    assert sorted(r["url"] for r in kb.archive.iter_records()) == [
        f"https://example.org/hn/{i}" for i in range(4)]
