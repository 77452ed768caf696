from __future__ import annotations

import pytest

from core.errors import ConfigError
from core.settings import load_settings


def test_defaults_and_aliases():
    s = load_settings({"NEO4J_URI": "bolt://127.0.0.1:7687", "CCKB_NEO4J_USER": "u"})
    assert s.graph == "embedded" and s.data_dir == "./data/kb"
    assert s.neo4j_uri == "bolt://127.0.0.1:7687" and s.neo4j_user == "u"
    assert s.country_list == ["BZ", "EC", "GT", "HN", "PY", "UG", "SV",  # the ACAs
                              "DM", "AG", "KN", "LC", "GD"]  # the 2026 Caribbean arrangements


def test_prefixed_variable_wins_over_alias():
    s = load_settings({"NEO4J_URI": "bolt://a", "CCKB_NEO4J_URI": "bolt://b"})
    assert s.neo4j_uri == "bolt://b"


def test_password_is_redacted():
    s = load_settings({"NEO4J_PASSWORD": "hunter2"})
    assert s.neo4j_password == "hunter2"
    assert "hunter2" not in str(s.redacted())


@pytest.mark.parametrize("env,name", [({"CCKB_GRAPH": "mysql"}, "CCKB_GRAPH"),
                                      ({"CCKB_EMBEDDING_BATCH": "0"}, "CCKB_EMBEDDING_BATCH")])
def test_invalid_values_are_named(env, name):
    with pytest.raises(ConfigError, match=name):
        load_settings(env)
