"""A full advocate session in the UI (Streamlit AppTest), run as its own process.

`python -m tests.reliability.privacy_session OUT CANARY` ingests a small knowledge base into
$CCKB_DATA_DIR, fills the client profile with CANARY in the narrative and every field, finds the
evidence, selects it, builds the exhibit bundle with CANARY in the caption, then does what the
advocate's browser does with the download buttons: writes the files the advocate chose to
OUT/exports (the only place the client may appear afterwards). It ends with "Forget this
client" and prints a JSON line with what the test needs (Streamlit's effective settings).
Run it with a private TMPDIR and HOME so everything it could leave behind is in one place.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ["sex", "gender_identity", "sexual_orientation", "race_ethnicity", "religion",
          "political_opinion", "persecutor_at_home", "other"]
DOCS = [
    {"url": "https://example.org/priv/hn", "title": "Honduras 2023 Human Rights Report",
     "publisher": "U.S. Department of State", "countries": ["HN"], "published": "2024-04-22",
     "language": "en",
     "text": "SEXUAL ORIENTATION\n\nCivil society groups reported killings of lesbian, gay, "
             "bisexual and transgender persons.\n\nPolice rarely investigated these hate crimes,"
             " and gay men were beaten by gang members who extorted them in Tegucigalpa."},
    {"url": "https://example.org/priv/gt", "title": "Guatemala 2023 report",
     "publisher": "Example Watch", "countries": ["GT"], "published": "2024-04-22",
     "language": "en",
     "text": "Gay asylum seekers in Guatemala were threatened and beaten by gang members, and "
             "police officers extorted migrants at checkpoints."},
]


def main(out: Path, canary: str) -> int:
    sys.path.insert(0, str(ROOT))
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from core.models import DocumentItem
    from core.settings import load_settings
    from ingest.kb import KnowledgeBase
    from ui import state

    with KnowledgeBase.open(load_settings()) as kb:
        kb.init()
        for doc in DOCS:
            kb.ingestor.ingest_item(DocumentItem(**doc))

    at = AppTest.from_file(str(ROOT / "ui" / "app.py"), default_timeout=180)
    at.run()
    at.selectbox(key="pf_nationality").set_value("VE")
    at.multiselect(key="pf_third_countries").set_value(["HN", "GT"])
    for name in FIELDS:
        at.text_input(key=f"pf_{name}").input(f"{name} {canary}")
    at.text_input(key="pf_sexual_orientation").input(f"gay {canary}")
    at.text_area(key="pf_social_groups").input(f"gay men {canary}")
    at.text_area(key="pf_languages").input(f"Spanish {canary}")
    at.text_area(key="pf_narrative").input(
        f"{canary} was beaten by gang members in Tegucigalpa because he is gay.")
    next(b for b in at.button if b.label == "Find evidence").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.exception or at.error]
    assert at.session_state[state.RESULTS], "no evidence found"
    exports = out / "exports"
    exports.mkdir(parents=True)
    # the advocate clicks "Download profile JSON": an explicit file of theirs
    profile = at.session_state[state.PROFILE]
    (exports / "client-profile.json").write_text(profile.model_dump_json(indent=1))

    at.switch_page("pages/evidence.py").run()
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("sel_")]
    assert len(boxes) >= 2, "not enough evidence to select"
    boxes[0].check().run()
    boxes[1].check().run()
    at.switch_page("pages/bundle.py").run()
    at.text_input(key="cap_respondent").input(f"Respondent {canary}").run()
    at.text_input(key="cap_a_number").input("A123-456-789").run()
    at.text_input(key="cover_title").input(f"Evidence for {canary}").run()
    next(b for b in at.button if b.label == "Build the bundle").click().run()
    assert not at.exception and not at.error, [e.value for e in at.exception or at.error]
    files = at.session_state[state.EXPORT]
    for fmt, data in files.items():  # the four download buttons, all clicked
        (exports / f"bundle.{fmt}").write_bytes(data)

    at.switch_page("pages/profile.py").run()
    next(b for b in at.button if b.label == "Forget this client").click().run()
    forgotten = at.session_state[state.PROFILE] is None and not at.session_state[state.SELECTED]
    state.knowledge_base().close()
    print(json.dumps({
        "exported": sorted(p.name for p in exports.iterdir()),
        "forgotten": forgotten,
        "gather_usage_stats": config.get_option("browser.gatherUsageStats"),
        "server_address": config.get_option("server.address"),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
