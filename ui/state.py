"""Cached resources and the session's confidential state.

The knowledge base (graph connection, model) is a process-wide `st.cache_resource`; anything
derived from a client profile lives only in `st.session_state` of the browser session and is
never passed to `st.cache_data`, written to disk or logged.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.settings import load_settings
from ingest.kb import KnowledgeBase
from retrieval.profile import ClientProfile
from retrieval.search import EvidenceSearch

PROFILE = "profile"          # ClientProfile | None
RESULTS = "results"          # the for_profile() answer | None
ELAPSED = "search_seconds"   # float: time from submit to results
SELECTED = "selected"        # list[str]: passage ids in bundle order
ITEMS = "selected_items"     # dict[str, dict]: passage id -> evidence item (for display)
CAPTION = "caption"          # dict[str, str]: caption fields, session only
EXPORT = "export"            # dict[str, bytes]: the last export's files
FORM_GENERATION = "form_generation"  # int: bumped by Forget, so the upload widget is new


@st.cache_resource(show_spinner="Opening the knowledge base…")
def knowledge_base() -> KnowledgeBase:
    """One graph connection and one embedding model per server process."""
    kb = KnowledgeBase.open(load_settings())
    kb.init()
    _ = kb.enricher  # load the model now, not on the first search
    return kb


@st.cache_resource(show_spinner=False)
def evidence_search() -> EvidenceSearch:
    return EvidenceSearch.from_kb(knowledge_base())


def init_session() -> None:
    defaults: dict[str, Any] = {PROFILE: None, RESULTS: None, ELAPSED: None, SELECTED: [],
                                ITEMS: {}, CAPTION: {}, EXPORT: {}}
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value
    # Streamlit drops a widget's state when a page without it runs; re-assigning the form's
    # values makes them session values, so the profile form survives a visit to other pages.
    for key in [k for k in st.session_state if str(k).startswith("pf_")
                and not str(k).startswith("pf_upload")]:
        st.session_state[key] = st.session_state[key]


def profile() -> ClientProfile | None:
    return st.session_state.get(PROFILE)


def selected() -> list[str]:
    return st.session_state.setdefault(SELECTED, [])


def toggle(item: dict[str, Any], on: bool) -> None:
    """Add or remove one evidence item from the bundle selection, keeping the order."""
    ids, items = selected(), st.session_state.setdefault(ITEMS, {})
    pid = item["passage_id"]
    if on and pid not in ids:
        ids.append(pid)
        items[pid] = item
    elif not on and pid in ids:
        ids.remove(pid)
        items.pop(pid, None)
    st.session_state[EXPORT] = {}


def move(pid: str, step: int) -> None:
    ids = selected()
    i = ids.index(pid)
    j = max(0, min(len(ids) - 1, i + step))
    ids[i], ids[j] = ids[j], ids[i]
    st.session_state[EXPORT] = {}


def clear_client() -> None:
    """Forget everything about the client in this session."""
    st.session_state[FORM_GENERATION] = st.session_state.get(FORM_GENERATION, 0) + 1
    for key in (PROFILE, RESULTS, ELAPSED, SELECTED, ITEMS, CAPTION, EXPORT):
        st.session_state.pop(key, None)
    for key in [k for k in st.session_state if str(k).startswith(("pf_", "sel_", "cap_"))]:
        del st.session_state[key]
    init_session()
