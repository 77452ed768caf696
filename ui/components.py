"""Rendering pieces shared by the pages: applicability, gaps and one evidence card.

Every piece of crawled or registry text reaches the browser either through `html.escape`
(inside `unsafe_allow_html` blocks) or through Streamlit's own escaping (plain `st.write`).
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from core.taxonomy import Taxonomy
from retrieval.gaps import all_specific
from ui import state
from ui.highlight import highlight, item_patterns

CARD_CSS = """<style>
.cckb-quote {border-left: 4px solid #b0b8c4; padding: .4rem .8rem; margin: .3rem 0;
  background: rgba(128,128,128,.06); white-space: normal;}
.cckb-quote mark {background: #ffe58a; padding: 0 .1rem;}
</style>"""

_COVERED = {True: "covered", False: "not covered", "unknown": "unknown"}
_EXCLUDED = {True: "yes", False: "no", "unknown": "unknown"}


def css() -> None:
    st.markdown(CARD_CSS, unsafe_allow_html=True)


def label(taxonomy: Taxonomy, kind: str, key: str) -> str:
    """English label of a taxonomy id (falls back to the id)."""
    items = {"element": taxonomy.legal_elements, "risk_factor": taxonomy.risk_factors}.get(kind)
    for item in items or []:
        if item.id == key:
            return item.label.en
    if kind == "actor":
        return next((a.name for a in taxonomy.actors if a.id == key), key)
    return key


def applicability(answer: dict[str, Any]) -> None:
    """(h)(2)(i)-(ii): does the agreement reach this client, with the registry's citations."""
    status = answer.get("status") or "none recorded"
    covered = _COVERED.get(answer.get("covered"), str(answer.get("covered", "unknown")))
    excluded = _EXCLUDED.get(answer.get("excluded"), str(answer.get("excluded", "unknown")))
    st.markdown(f"**Agreement:** `{answer.get('agreement') or '—'}` · status **{status}** · "
                f"client nationality **{covered}** · excluded: **{excluded}**")
    for reason in answer.get("reasons") or ([answer["reason"]] if answer.get("reason") else []):
        st.markdown(f"- {html.escape(reason)}")
    cites = answer.get("citations") or []
    if cites:
        st.caption("Citations: " + " · ".join(
            f"[{html.escape(c.get('fact', 'source'))}]({c['url']})" for c in cites if c.get("url")))
    exceptions = answer.get("exceptions") or []
    if exceptions:
        with st.expander(f"Exceptions ({len(exceptions)})"):
            for e in exceptions:
                link = f" — [source]({e['citation']})" if e.get("citation") else ""
                st.markdown(f"- **{html.escape(e.get('kind', ''))}**: "
                            f"{html.escape(e.get('value', ''))}{link}")


def gaps(rows: list[dict[str, Any]], facts: list[dict[str, Any]] | None = None) -> None:
    """Element gaps and the client's facts one by one; the green 'all covered' appears only
    when no element is weak and every client fact has evidence specific to it."""
    facts = facts or []
    if facts:
        st.markdown("**The client's facts in this country**")
        for f in facts:
            mark = {"specific": "✔", "general only": "◐"}.get(f["status"], "✘")
            st.markdown(f"- {mark} {html.escape(f['message'])}"
                        + (f" ({f['specific_count']} item(s))" if f["specific_count"] else ""))
    if not rows and all_specific(facts):
        st.success("Every legal element has at least two client-relevant passages, and every "
                   "fact of the client has specific evidence.")
        return
    if not rows:
        st.warning("Every legal element has passages, but not every fact of the client has "
                   "evidence specific to it (see above).")
        return
    st.warning("Gaps — elements with no or weak evidence about people like this client: " +
               "; ".join(f"{g['label']} ({g['strength']}, {g['evidence_count']})" for g in rows))
    for g in rows:
        standard(g.get("standard"), g["label"])


def standard(rule: dict[str, Any] | None, element: str) -> None:
    """What the evidence for `element` must show, as the registry states it (cckb's summary, not
    a quotation of the law), with the law it rests on linked to its citation."""
    if not rule:
        return
    law = "; ".join(f"[{html.escape(x['label'])}]({x['citation']})" if x.get("citation")
                    else html.escape(x["label"]) for x in rule["law"])
    st.caption(f"**{html.escape(element)}: the standard** (cckb's summary) — "
               f"{html.escape(rule['text'])}" + (f" — {law}" if law else ""))


def statistics(rows: list[dict[str, Any]]) -> None:
    """UNHCR asylum decisions on the client's nationals in this country: figures in a table (no
    HTML), each with the computed sentence and its citation, marked as computed, not quoted."""
    if not rows:
        return
    st.markdown("**Asylum decisions on nationals of the client's country** (UNHCR Refugee Data "
                "Finder)")
    st.dataframe([{
        "year": r["year"], "level": r.get("decision_level") or "", "unit": r.get("unit") or "",
        "decided": r["total"], "recognized": r.get("recognized"),
        "complementary": r.get("complementary_protection"), "rejected": r.get("rejected"),
        "closed": r.get("otherwise_closed"),
        "total recognition rate": ("" if r.get("total_recognition_rate") is None
                                   else f"{r['total_recognition_rate']:.1%}"),
    } for r in rows], hide_index=True)
    with st.expander("Computed sentences and citations"):
        for r in rows:
            st.text(r["summary"])


def age_mark(item: dict[str, Any]) -> str:
    """A visible mark on an old or an undated item ('n.d.' alone is easy to miss)."""
    if item.get("stale") or not item.get("published"):
        note = item.get("age_note") or "publication date unknown"
        return f" · ⚠ {html.escape(note)}"
    return ""


def evidence_card(item: dict[str, Any], taxonomy: Taxonomy, key: str) -> None:
    """One quoted passage with provenance, corroboration, why it ranked, and a select box."""
    with st.container(border=True):
        pattern = item_patterns(taxonomy, item.get("risk_factors", []), item.get("elements", []))
        st.markdown(f'<div class="cckb-quote">{highlight(item["text"], pattern)}</div>',
                    unsafe_allow_html=True)
        title = html.escape(item.get("title") or "untitled").replace("[", "\\[")
        st.markdown(f"**{html.escape(item.get('publisher') or '')}** — [{title}]"
                    f"({item['document_url']}) · published {item.get('published') or 'n.d.'}"
                    + age_mark(item))
        tags = [label(taxonomy, "element", e) for e in item.get("elements", [])]
        tags += [label(taxonomy, "risk_factor", r) for r in item.get("risk_factors", [])]
        if tags:
            st.caption(" · ".join(tags))
        if item.get("why"):
            st.caption(f"Why: {item['why']}")
        corroborating = item.get("corroborating") or []
        if corroborating:
            st.caption("Corroborated by: " + "; ".join(
                f"[{html.escape(c.get('publisher') or c['document_url'])}]({c['document_url']})"
                f" ({c.get('published') or 'n.d.'})" for c in corroborating))
        selection_box(item, key)


def selection_box(item: dict[str, Any], key: str) -> None:
    """The card's select box. A passage shown in several country tabs is one selection: each
    box's value is set from the session's selection on every run (not kept as the widget's
    own state), so ticking or unticking it in one tab shows in all and the bundle takes exactly
    what is ticked."""
    st.session_state[key] = item["passage_id"] in state.selected()
    st.checkbox("Select for the exhibit bundle", key=key,
                on_change=lambda: state.toggle(item, bool(st.session_state[key])))
