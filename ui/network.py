"""An offline, interactive (zoom, pan, tooltips) node-link view of one node's neighbourhood.

Drawn with Altair/Vega, which renders labels as text, never as HTML, so crawled titles cannot
inject markup; the layout is two rings: documents around the centre, then what they mention.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

KIND_OF = {"countries": "country", "risk_factors": "risk_factor", "actors": "actor"}
MAX_LABEL = 40


def short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"


def graph(kind: str, key: str, rows: list[dict[str, Any]],
          names: dict[tuple[str, str], str]) -> tuple[dict[tuple[str, str], str], set]:
    """Nodes {(kind, id): label} and edges {((kind, id), (kind, id))} from neighbourhood rows."""
    centre = (kind, key)
    nodes = {centre: names.get(centre, key)}
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for row in rows:
        doc = ("document", row["document"])
        nodes.setdefault(doc, row.get("title") or row["document"])
        if doc != centre:
            edges.add((centre, doc))
        for field, node_kind in KIND_OF.items():
            for value in row.get(field) or []:
                node = (node_kind, value)
                if node == centre:
                    continue
                nodes.setdefault(node, names.get(node, value))
                edges.add((doc, node))
    return nodes, edges


def layout(centre: tuple[str, str], nodes: dict, edges: set) -> dict[tuple[str, str], tuple]:
    docs = sorted(n for n in nodes if n[0] == "document" and n != centre)
    rest = sorted(n for n in nodes if n[0] != "document" and n != centre)
    pos = {centre: (0.0, 0.0)}
    for ring, members in ((1.0, docs), (2.0, rest)):
        for i, node in enumerate(members):
            angle = 2 * math.pi * i / max(len(members), 1)
            pos[node] = (ring * math.cos(angle), ring * math.sin(angle))
    return pos


def chart(kind: str, key: str, rows: list[dict[str, Any]],
          names: dict[tuple[str, str], str]) -> alt.LayerChart:
    nodes, edges = graph(kind, key, rows, names)
    pos = layout((kind, key), nodes, edges)
    node_df = pd.DataFrame([{"x": pos[n][0], "y": pos[n][1], "kind": n[0], "id": n[1],
                             "label": short(label), "full": str(label)}
                            for n, label in nodes.items()])
    edge_df = pd.DataFrame([{"x": pos[a][0], "y": pos[a][1], "x2": pos[b][0], "y2": pos[b][1]}
                            for a, b in edges] or [{"x": 0.0, "y": 0.0, "x2": 0.0, "y2": 0.0}])
    axis = alt.Axis(labels=False, ticks=False, grid=False, title=None, domain=False)
    x, y = alt.X("x:Q", axis=axis), alt.Y("y:Q", axis=axis)
    lines = alt.Chart(edge_df).mark_rule(opacity=0.25).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    dots = alt.Chart(node_df).mark_circle(size=220, opacity=0.9).encode(
        x=x, y=y, color=alt.Color("kind:N", title="Node"),
        tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("full:N", title="name"), alt.Tooltip("id:N")])
    text = alt.Chart(node_df).mark_text(dy=-12, fontSize=10).encode(x=x, y=y, text="label:N")
    return (lines + dots + text).properties(height=560).interactive()
