"""Evidence: one tab per third country, applicability and gaps first, then cards by element."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from core.agreements import load_agreements
from graph.queries import passage_languages
from ui import components, state

OTHER = "other"


def languages(items: list[dict[str, Any]]) -> dict[str, str]:
    """Passage languages (the search answer does not carry them); ids only reach the graph."""
    ids = [i["passage_id"] for i in items]
    if not ids:
        return {}
    rows = state.knowledge_base().store.execute(passage_languages(ids))
    return {r["id"]: r["language"] or "und" for r in rows}


def year(item: dict[str, Any]) -> int | None:
    published = item.get("published") or ""
    return int(published[:4]) if published[:4].isdigit() else None


def filters(items: list[dict[str, Any]], langs: dict[str, str], key: str) -> list[dict]:
    years = sorted({y for i in items if (y := year(i))})
    publishers = sorted({i.get("publisher") or "" for i in items})
    cols = st.columns(4)
    span = (cols[0].slider("Published", years[0], years[-1], (years[0], years[-1]),
                           key=f"f_year_{key}") if len(years) > 1 else None)
    undated = cols[0].checkbox("include undated", True, key=f"f_undated_{key}")
    pubs = cols[1].multiselect("Source", publishers, key=f"f_pub_{key}")
    langs_wanted = cols[2].multiselect("Language", sorted(set(langs.values())),
                                       key=f"f_lang_{key}")
    elements = cols[3].multiselect("Element", sorted({e for i in items for e in i["elements"]}),
                                   key=f"f_el_{key}")

    def keep(item: dict[str, Any]) -> bool:
        y = year(item)
        if y is None and not undated:
            return False
        if span and y is not None and not span[0] <= y <= span[1]:
            return False
        if pubs and item.get("publisher") not in pubs:
            return False
        if langs_wanted and langs.get(item["passage_id"], "und") not in langs_wanted:
            return False
        return not elements or bool(set(elements) & set(item["elements"]))

    return [i for i in items if keep(i)]


def country_tab(block: dict[str, Any]) -> None:
    taxonomy = state.knowledge_base().taxonomy
    country = block["country"]
    st.subheader("Does the agreement apply? (8 CFR 1240.11(h)(2)(i)–(ii))")
    components.applicability(block["applicability"])
    components.gaps(block["gaps"], block.get("fact_gaps"))
    components.statistics(block.get("statistics") or [])
    items = block["evidence"]
    if not items:
        st.info("No evidence found for this country.")
        return
    shown = filters(items, languages(items), country)
    st.caption(f"{len(shown)} of {len(items)} items · today {date.today().isoformat()}")
    order = [e.id for e in taxonomy.legal_elements] + [OTHER]
    groups: dict[str, list[dict[str, Any]]] = {k: [] for k in order}
    for item in shown:
        groups[item["elements"][0] if item["elements"] else OTHER].append(item)
    for element, group in groups.items():
        if not group:
            continue
        name = "Other evidence" if element == OTHER else components.label(
            taxonomy, "element", element)
        st.markdown(f"#### {name} ({len(group)})")
        if element != OTHER:
            components.standard(load_agreements().standard(element), name)
        for item in group:
            components.evidence_card(item, taxonomy, f"sel_{country}_{item['passage_id']}")


def main() -> None:
    state.init_session()
    components.css()
    st.title("Evidence")
    results = st.session_state.get(state.RESULTS)
    if not results:
        st.info("Fill in the client profile first.")
        st.page_link("pages/profile.py", label="Client profile", icon=":material/person:")
        return
    blocks = results["countries"]
    st.caption(f"{len(state.selected())} item(s) selected for the bundle.")
    tabs = st.tabs([b["country"] for b in blocks])
    for tab, block in zip(tabs, blocks, strict=True):
        with tab:
            country_tab(block)


main()
