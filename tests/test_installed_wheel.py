"""An installed cckb works: the wheel built from this checkout carries the taxonomy, the
agreements registry and the ranking model as package data, and finds them from outside the
source tree (no editable install, no checkout on sys.path, cwd elsewhere)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
import core.agreements, core.taxonomy, retrieval.ranking
from retrieval.applicability import applicability
tax = core.taxonomy.load_taxonomy()
answer = applicability("HN", "VE")
model = retrieval.ranking.load_model()
print(json.dumps({"taxonomy_file": str(core.taxonomy.DEFAULT_PATH),
                  "module": core.taxonomy.__file__,
                  "categories": len(tax.protected_grounds),
                  "status": answer["status"], "agreement": answer.get("agreement"),
                  "citations": len(answer["citations"]),
                  "features": len(model.weights)}))
"""


# Built from a copy of the sources: the build leaves nothing (build/, *.egg-info) in the checkout.
SKIP = shutil.ignore_patterns(".git", ".venv", "kb", "node_modules", "build", "*.egg-info",
                              "__pycache__", ".pytest_cache", ".ruff_cache", "output")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "cckb"
    shutil.copytree(ROOT, src, symlinks=True, ignore=SKIP)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(out), str(src)], check=True, capture_output=True, timeout=300)
    (found,) = out.glob("cckb-*.whl")
    return found


def test_wheel_ships_the_data_files(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("core/data/taxonomy.yaml", "core/data/agreements.yaml", "core/data/ranker.json"):
        assert name in names, f"{name} missing from {wheel.name}"
    # Nothing of a client or of the local knowledge base rides along.
    assert not [n for n in names if n.startswith("data/") or "/kb/" in n]


def test_installed_wheel_answers_from_outside_the_checkout(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    # -I: isolated mode, so neither the cwd nor PYTHONPATH nor user site reaches sys.path; the
    # venv's site-packages (dependencies) stay, the checkout's editable finder is dropped and the
    # target directory comes first.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "CCKB_TAXONOMY", "CCKB_AGREEMENTS")}
    code = (f"import sys; sys.path.insert(0, {str(target)!r}); "
            "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
            "sys.path[:] = [p for p in sys.path if 'editable' not in p]; "
            f"assert not [p for p in sys.path if p == {str(ROOT)!r} or p.startswith("
            f"{str(ROOT) + '/'!r}) and not p.startswith({str(ROOT / '.venv') + '/'!r})], "
            "sys.path\n")
    proc = subprocess.run([sys.executable, "-I", "-c", code + PROBE], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["module"].startswith(str(target)), got
    assert got["taxonomy_file"].startswith(str(target)), got
    assert got["categories"] > 0 and got["features"] > 0
    assert got["status"] != "unknown" and got["agreement"] == "us-hn-2025" and got["citations"]
