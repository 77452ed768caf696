"""Profile validation: strict keys, known countries, capped text, and no value in any error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ValidationError
from retrieval.profile import MAX_TEXT, load_profile, parse_profile

BASE = {"nationality": "VE", "third_countries": ["HN", "gt"]}


def test_minimal_profile_normalises_codes():
    p = parse_profile(BASE)
    assert p.nationality == "VE" and p.third_countries == ["HN", "GT"]


def test_unknown_key_is_named():
    with pytest.raises(ValidationError, match="unknown key 'sexual_orientaton'"):
        parse_profile({**BASE, "sexual_orientaton": "gay"})


@pytest.mark.parametrize("field,value", [("nationality", "XX"), ("nationality", "ven"),
                                         ("third_countries", ["HN", "ZZ"]),
                                         ("third_countries", "HN")])
def test_bad_iso_codes_are_refused(field, value):
    with pytest.raises(ValidationError, match=field):
        parse_profile({**BASE, field: value})


@pytest.mark.parametrize("missing", ["nationality", "third_countries"])
def test_required_fields(missing):
    data = dict(BASE)
    del data[missing]
    with pytest.raises(ValidationError, match=missing):
        parse_profile(data)


def test_too_long_narrative_is_refused_without_echo():
    secret = "Zorblax " * (MAX_TEXT // 8 + 1)
    with pytest.raises(ValidationError, match="narrative: longer than") as err:
        parse_profile({**BASE, "narrative": secret})
    assert "Zorblax" not in str(err.value)


def test_error_messages_never_echo_values():
    with pytest.raises(ValidationError) as err:
        parse_profile({**BASE, "religion": ["Quixotic-Secret-Faith"], "nationality": "QQ"})
    assert "Quixotic" not in str(err.value) and "QQ" not in str(err.value)


def test_control_characters_are_stripped():
    p = parse_profile({**BASE, "narrative": "gay\x00 man\x1b[31m\u202e", "social_groups":
                       ["trans\x07 women", "\x01"]})
    assert p.narrative == "gay  man [31m" and p.social_groups == ["trans  women"]


def test_load_profile_errors_name_the_file_not_the_content(tmp_path: Path):
    bad = tmp_path / "client.json"
    bad.write_text('{"nationality": "VE", "narrative": "Secretive detail",')
    with pytest.raises(ValidationError, match="client.json is not valid UTF-8 JSON") as err:
        load_profile(bad)
    assert "Secretive" not in str(err.value)
    with pytest.raises(ValidationError, match="cannot read"):
        load_profile(tmp_path / "missing.json")
    good = tmp_path / "ok.json"
    good.write_text(json.dumps(BASE))
    assert load_profile(good).nationality == "VE"


def test_not_an_object():
    with pytest.raises(ValidationError, match="JSON object"):
        parse_profile(["VE"])


def test_unaccompanied_child_is_true_false_or_null():
    base = {"nationality": "CD", "third_countries": ["UG"]}
    assert parse_profile(base).unaccompanied_child is None
    assert parse_profile({**base, "unaccompanied_child": True}).unaccompanied_child is True
    assert parse_profile({**base, "unaccompanied_child": False}).unaccompanied_child is False
    for bad in ("yes", 1, "true"):
        with pytest.raises(ValidationError,
                           match="unaccompanied_child: must be true, false or null"):
            parse_profile({**base, "unaccompanied_child": bad})
