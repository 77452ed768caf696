"""Exhibit bundle: order the selected passages, fill the caption, export PDF/DOCX/CSV/JSON.

Files are rendered into a temporary directory that is deleted as soon as their bytes are read;
the bytes and the caption live in this session's memory only.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import streamlit as st

from core.errors import CckbError
from exhibits import Caption, Outputs, export_bundle
from exhibits.model import tab_letter
from ui import components, state

CAPTION_FIELDS = {"respondent": "Respondent", "a_number": "A-number",
                  "court": "Immigration court", "judge": "Immigration judge",
                  "hearing_date": "Hearing date"}
FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "csv": "text/csv", "json": "application/json"}


def export(ids: list[str], caption: Caption, full_text: bool, title: str | None = None,
           descriptions: dict[str, str] | None = None) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="cckb-bundle-") as tmp:
        paths = {fmt: Path(tmp) / f"bundle.{fmt}" for fmt in FORMATS}
        export_bundle(state.knowledge_base(), ids, Outputs(**paths), caption, full_text,
                      title or None, descriptions)
        return {fmt: path.read_bytes() for fmt, path in paths.items()}


def selection() -> None:
    ids, items = state.selected(), st.session_state.get(state.ITEMS, {})
    for n, pid in enumerate(list(ids)):
        item = items.get(pid, {})
        cols = st.columns([12, 1, 1, 1])
        cols[0].markdown(f"**{n + 1}.** {item.get('publisher', '')} — "
                         f"*{item.get('title', pid)}* ({item.get('published') or 'n.d.'})"
                         + components.age_mark(item))
        cols[0].caption((item.get("text") or "")[:240])
        cols[1].button("↑", key=f"up_{pid}", on_click=state.move, args=(pid, -1),
                       disabled=n == 0, help="Move up")
        cols[2].button("↓", key=f"down_{pid}", on_click=state.move, args=(pid, 1),
                       disabled=n == len(ids) - 1, help="Move down")
        cols[3].button("✕", key=f"rm_{pid}", on_click=state.toggle, args=(item or
                       {"passage_id": pid}, False), help="Remove")


def planned() -> dict[str, str]:
    """The exhibit tabs this order produces (one per document, in first-seen order), each with
    an editable table-of-contents description; returns the edited ones by document URL."""
    items = st.session_state.get(state.ITEMS, {})
    docs = dict.fromkeys((items[p].get("document_url"), items[p].get("title"))
                         for p in state.selected() if p in items)
    edited: dict[str, str] = {}
    for i, (url, title) in enumerate(docs):
        key = "desc_" + hashlib.sha256((url or "").encode()).hexdigest()[:16]
        text = st.text_input(f"Exhibit {tab_letter(i)}", value=title or "", key=key,
                             help="Description printed in the table of contents.")
        if url and text.strip() and text.strip() != (title or "").strip():
            edited[url] = text.strip()
    return edited


def caption_form() -> Caption:
    values = st.session_state.setdefault(state.CAPTION, {})
    cols = st.columns(len(CAPTION_FIELDS))
    for col, (name, text) in zip(cols, CAPTION_FIELDS.items(), strict=True):
        values[name] = col.text_input(text, value=values.get(name, ""), key=f"cap_{name}")
    return Caption(**values)


def main() -> None:
    state.init_session()
    st.title("Exhibit bundle")
    ids = state.selected()
    if not ids:
        st.info("Select evidence on the Evidence page first.")
        st.page_link("pages/evidence.py", label="Evidence", icon=":material/description:")
        return
    st.caption("Exhibits follow the order of their documents' first passage below.")
    selection()
    st.subheader("Exhibits")
    descriptions = planned()
    st.subheader("Caption (printed on the cover; kept in this session only)")
    caption = caption_form()
    title = st.text_input("Cover title", value="", key="cover_title",
                          placeholder="Respondent's Submission of Country Conditions Evidence")
    full_text = st.checkbox("Whole documents instead of a window around each passage")
    if st.button("Build the bundle", type="primary"):
        try:
            with st.spinner("Rendering…"):
                st.session_state[state.EXPORT] = export(ids, caption, full_text, title,
                                                        descriptions)
        except CckbError as exc:
            st.error(str(exc))
    files = st.session_state.get(state.EXPORT) or {}
    if files:
        cols = st.columns(len(files))
        for col, (fmt, data) in zip(cols, files.items(), strict=True):
            col.download_button(f"Download {fmt.upper()}", data, file_name=f"bundle.{fmt}",
                                mime=FORMATS[fmt], key=f"dl_{fmt}")


main()
