"""The cckb UI: navigation only; every page lives in ui/pages/."""

import streamlit as st

st.set_page_config(page_title="cckb — country conditions evidence", layout="wide")
st.navigation({
    "Advocate": [
        st.Page("pages/profile.py", title="Client profile", icon=":material/person:", default=True),
        st.Page("pages/evidence.py", title="Evidence", icon=":material/description:"),
        st.Page("pages/bundle.py", title="Exhibit bundle", icon=":material/library_books:"),
    ],
    "Research": [
        st.Page("pages/browse.py", title="Browse", icon=":material/travel_explore:"),
        st.Page("pages/sources.py", title="Sources", icon=":material/source:"),
    ],
}).run()
