"""Browse for researchers: counts, passages per risk factor over time, neighbourhoods, documents."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from ui import browse_data, components, network, state

KINDS = {"Country": "country", "Risk factor": "risk_factor", "Actor": "actor",
         "Source": "source"}


def names() -> dict[tuple[str, str], str]:
    """Labels for every node kind the network shows."""
    out = {}
    for kind in KINDS.values():
        out.update({(kind, r["id"]): r["label"] or r["id"] for r in browse_data.counts(kind)})
    return out


def timeline_chart(iso2: str | None) -> None:
    rows = browse_data.timeline(iso2)
    if not rows:
        st.info("No dated passages linked to risk factors yet.")
        return
    labels = {k[1]: v for k, v in names().items() if k[0] == "risk_factor"}
    df = pd.DataFrame(rows).assign(label=lambda d: d["risk_factor"].map(
        lambda r: labels.get(r, r)))
    st.altair_chart(alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("year:O", title="Publication year"),
        y=alt.Y("passages:Q", title="Documented passages"),
        color=alt.Color("label:N", title="Risk factor"),
        tooltip=["label", "year", "passages"]), width="stretch")


def document_view(doc_id: str) -> None:
    doc = browse_data.document(doc_id)
    if not doc:
        st.warning("Document not found.")
        return
    props, taxonomy = doc["doc"], state.knowledge_base().taxonomy
    st.markdown(f"### {props.get('title', doc_id)}".replace("<", "&lt;"))
    st.markdown(f"{props.get('publisher', '')} · published {props.get('published') or 'n.d.'} · "
                f"retrieved {props.get('retrieved_at', '')} · [source]({props.get('url', '')}) · "
                f"countries: {', '.join(doc['countries'])}")
    for p in doc["passages"]:
        with st.container(border=True):
            st.text(p["text"])
            tags = ([components.label(taxonomy, "element", e) for e in p["elements"]]
                    + [components.label(taxonomy, "risk_factor", r) for r in p["risk_factors"]]
                    + [components.label(taxonomy, "actor", a) for a in p["actors"]])
            st.caption(f"{p.get('section') or ''} #{p['ordinal']} · " + " · ".join(tags))


def node_view(kind: str, key: str) -> None:
    tab_docs, tab_net = st.tabs(["Documents", "Network"])
    docs = browse_data.documents(kind, key)
    with tab_docs:
        st.dataframe(pd.DataFrame(docs), hide_index=True, width="stretch",
                     column_config={"url": st.column_config.LinkColumn("url")})
        pick = st.selectbox("Open a document", [d["id"] for d in docs], index=None,
                            format_func=_doc_label(docs), key="browse_doc")
        if pick:
            document_view(pick)
    with tab_net:
        rows = browse_data.neighbourhood(kind, key)
        st.caption("Country — risk factor — actor — document neighbourhood (scroll to zoom, "
                   "drag to pan, hover for names).")
        st.altair_chart(network.chart(kind, key, rows, names()), width="stretch")


def _doc_label(docs: list[dict[str, Any]]) -> Any:
    titles = {d["id"]: f"{d['title']} ({d.get('published') or 'n.d.'})" for d in docs}
    return lambda doc_id: titles.get(doc_id, doc_id)


def main() -> None:
    state.init_session()
    st.title("Browse the knowledge base")
    by = st.radio("Browse by", list(KINDS), horizontal=True, key="browse_by")
    kind = KINDS[by]
    rows = browse_data.counts(kind)
    if not rows:
        st.info("The knowledge base is empty: run `cckb demo` or `cckb import`.")
        return
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    options = [r["id"] for r in rows]
    labels = {r["id"]: f"{r['label'] or r['id']} ({r['passages']})" for r in rows}
    key = st.selectbox(by, options, format_func=lambda k: labels[k], key=f"browse_{kind}")
    st.subheader("Documented passages per risk factor over time")
    timeline_chart(key if kind == "country" else None)
    if key:
        node_view(kind, key)


main()
