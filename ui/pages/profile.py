"""Client profile: the form, JSON upload/download (session only) and the search on submit."""

from __future__ import annotations

import json
import time

import streamlit as st

from core.agreements import load_agreements
from core.countries import COUNTRIES
from core.errors import CckbError
from retrieval.profile import LIST_FIELDS, MAX_FILE_BYTES, TEXT_FIELDS, parse_profile
from ui import state

TEXT_LABELS = {"sex": "Sex", "gender_identity": "Gender identity",
               "sexual_orientation": "Sexual orientation", "race_ethnicity": "Race / ethnicity",
               "religion": "Religion", "political_opinion": "Political opinion",
               "persecutor_at_home": "Persecutor at home", "other": "Other facts"}
LIST_LABELS = {"social_groups": "Social groups (one per line)",
               "languages": "Languages (one per line)"}


def aca_countries() -> list[str]:
    """Receiving countries of every ACA in the registry, confirmed or not (the 2026 Caribbean
    arrangements included), in registry order; removal deals that are not ACAs are left out."""
    return list(dict.fromkeys(a.receiving_country for a in load_agreements().agreements
                              if a.kind in ("aca", "aca_unconfirmed")))


UAC_VALUE = {"not stated": None, "yes": True, "no": False}
UAC_LABEL = {value: label for label, value in UAC_VALUE.items()}


def country_name(code: str) -> str:
    return f"{code} — {COUNTRIES[code]['name']}" if code in COUNTRIES else code


def load_upload() -> None:
    """Fill the form once from an uploaded profile JSON (kept in memory only)."""
    # A new key per forgotten client: the browser keeps an uploaded file in the widget until
    # the widget itself is replaced, and the old file would fill the form again.
    upload = st.file_uploader("Load a profile JSON", type=["json"],
                              key=f"pf_upload_{st.session_state.get(state.FORM_GENERATION, 0)}")
    if upload is None or st.session_state.get("pf_loaded") == upload.file_id:
        return
    st.session_state["pf_loaded"] = upload.file_id
    try:
        raw = upload.getvalue()
        if len(raw) > MAX_FILE_BYTES:
            raise CckbError("profile file is larger than 1 MB")
        profile = parse_profile(json.loads(raw.decode("utf-8-sig")))
    except (CckbError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        st.error(str(exc) if isinstance(exc, CckbError) else "not valid UTF-8 JSON")
        return
    fill_form(profile.model_dump())


def fill_form(data: dict) -> None:
    st.session_state["pf_nationality"] = data["nationality"]
    st.session_state["pf_third_countries"] = list(data["third_countries"])
    for name in TEXT_FIELDS:
        st.session_state[f"pf_{name}"] = data.get(name, "")
    for name in LIST_FIELDS:
        st.session_state[f"pf_{name}"] = "\n".join(data.get(name, []))
    st.session_state["pf_unaccompanied_child"] = UAC_LABEL[data.get("unaccompanied_child")]


def forget() -> None:
    """Button callback (runs before the page): forget the client, then set every form field to
    its empty value. Assigning the values (not only deleting the keys) is what makes the browser
    show the emptied form; a deleted key leaves the old text in the widget, and the next submit
    would send it back."""
    state.clear_client()
    st.session_state["pf_nationality"] = None
    st.session_state["pf_third_countries"] = []
    for name in (*TEXT_FIELDS, *LIST_FIELDS):
        st.session_state[f"pf_{name}"] = ""
    st.session_state["pf_unaccompanied_child"] = UAC_LABEL[None]


def form_data() -> dict:
    data: dict = {"nationality": st.session_state.get("pf_nationality"),
                  "third_countries": st.session_state.get("pf_third_countries") or []}
    for name in TEXT_FIELDS:
        data[name] = st.session_state.get(f"pf_{name}", "")
    for name in LIST_FIELDS:
        text = st.session_state.get(f"pf_{name}", "")
        data[name] = [line.strip() for line in text.splitlines() if line.strip()]
    data["unaccompanied_child"] = UAC_VALUE[st.session_state.get("pf_unaccompanied_child",
                                                                 UAC_LABEL[None])]
    return data


def search(top: int) -> None:
    """Validate, then search every named third country; times the round trip."""
    started = time.perf_counter()
    try:
        profile = parse_profile(form_data())
        results = state.evidence_search().for_profile(profile, top=top)
    except CckbError as exc:
        st.error(str(exc))
        return
    st.session_state[state.PROFILE] = profile
    st.session_state[state.RESULTS] = results
    st.session_state[state.ELAPSED] = time.perf_counter() - started


def form(countries: list[str]) -> None:
    codes = sorted(COUNTRIES)
    with st.form("profile_form"):
        left, right = st.columns(2)
        left.selectbox("Nationality", codes, index=None, key="pf_nationality",
                       format_func=country_name, placeholder="Choose a country")
        right.multiselect("Third countries named in the DHS motion", countries,
                          key="pf_third_countries", format_func=country_name)
        cols = st.columns(2)
        for i, (name, text) in enumerate(TEXT_LABELS.items()):
            cols[i % 2].text_input(text, key=f"pf_{name}")
        for i, (name, text) in enumerate(LIST_LABELS.items()):
            cols[i % 2].text_area(text, key=f"pf_{name}", height=80)
        st.text_area("Narrative (as you would write it)", key="pf_narrative", height=160)
        st.radio("Unaccompanied child on arrival in the United States (agreement exceptions)",
                 list(UAC_VALUE), key="pf_unaccompanied_child", horizontal=True)
        top = st.slider("Evidence items per country", 5, 50, 15)
        if st.form_submit_button("Find evidence", type="primary"):
            with st.spinner("Searching…"):
                search(top)


def main() -> None:
    state.init_session()
    st.title("Client profile")
    st.caption("Confidential: kept in this browser session's memory only — never written to the "
               "knowledge base, logs or disk. Download it to keep it.")
    countries = list(dict.fromkeys(state.knowledge_base().settings.country_list
                                   + aca_countries()))
    load_upload()
    form(countries)
    profile = state.profile()
    if state.RESULTS in st.session_state and st.session_state[state.RESULTS]:
        st.success(f"Evidence ready for {', '.join(profile.third_countries)} in "
                   f"{st.session_state[state.ELAPSED]:.2f} s.")
        st.page_link("pages/evidence.py", label="Open the evidence",
                      icon=":material/arrow_forward:")
    if profile is not None:
        st.download_button("Download profile JSON", profile.model_dump_json(indent=1),
                           file_name="client-profile.json", mime="application/json")
    st.button("Forget this client", on_click=forget)


main()
