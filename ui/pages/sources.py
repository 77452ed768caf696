"""Sources: documents, last retrieval and freshness per source; the last run's failures."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import browse_data, state
from ui.browse_data import freshness, last_run


def main() -> None:
    state.init_session()
    st.title("Sources")
    rows = [{**r, "freshness": freshness(r["last_retrieved"])} for r in browse_data.sources()]
    if not rows:
        st.info("No documents yet.")
    else:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                     column_config={"url": st.column_config.LinkColumn("url")})
    run = last_run(state.knowledge_base().settings.data_path)
    st.subheader("Last crawl run")
    if run is None:
        st.caption("No run log in the data directory.")
        return
    path, summary = run
    st.caption(f"From {path.name}")
    failures = [{"source": s.get("source"), **f} for s in summary.get("sources", [])
                for f in s.get("failures", [])]
    if failures:
        st.error(f"{len(failures)} failure(s) in the last run")
        st.dataframe(pd.DataFrame(failures), hide_index=True, width="stretch")
    else:
        st.success("The last run had no failures.")


main()
