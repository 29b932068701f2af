"""The applicant app end to end, as subprocesses: on temporary documents and a temporary database, and the
README walkthrough replayed command by command with its printed output compared."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import permitflow
from pfhelpers import CLERK, FACTS, at, complete

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APP_DIR = os.path.join(ROOT, "examples", "applicant_app")
APP = os.path.join(APP_DIR, "applicant_app.py")


def env():
    pkg_parent = os.path.dirname(os.path.dirname(permitflow.__file__))
    return dict(os.environ, PYTHONPATH=pkg_parent)


def run(*args, cwd=None):
    return subprocess.run([sys.executable, APP, *args], capture_output=True, text=True, env=env(), cwd=cwd)


def write_docs(tmp_path, materials):
    docs = []
    for m in materials:
        path = tmp_path / "docs" / f"{m['id']}.pdf"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"%PDF-1.7\n" + m["id"].encode() + b"\n%%EOF\n")
        docs.append({"id": m["id"], "file": f"docs/{m['id']}.pdf", "expires_on": "2030-12-31"})
    return docs


def manifest(tmp_path, name, documents, permit="road_excavation"):
    facts = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in FACTS[permit].items()}
    doc = {"permit": permit, "applicant": {"id": "91320922MA1CONF01X", "name": "示例工程有限公司"},
           "facts": facts, "documents": documents}
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False))
    return str(path)


def test_precheck_submit_correct_and_follow_the_clock(tmp_path):
    db = str(tmp_path / "app.db")
    with permitflow.Engine(str(tmp_path / "scratch.db")) as e:
        full = complete(e, "road_excavation", at("2026-03-02"))
    docs = write_docs(tmp_path, full)
    # one document missing, one with the wrong format (a PNG named .pdf), one that does not exist on disk
    by_id = {doc["id"]: doc for doc in docs}
    missing, wrong = by_id["application_form"], by_id["design_documents"]  # design documents: PDF only
    (tmp_path / wrong["file"]).write_bytes(b"\x89PNG\r\n\x1a\n....")
    first = [d for d in docs if d is not missing] + [{"id": "extra_photo", "file": "docs/nowhere.jpg"}]
    m1 = manifest(tmp_path, "m1.json", first)

    r = run("--db", db, "precheck", m1, "--at", "2026-03-02T09:30:00+08:00")
    assert r.returncode == 3, r.stderr
    assert "One-time checklist" in r.stdout and "2 items to fix" in r.stdout
    assert f"{missing['id']}: missing" in r.stdout
    assert f"{wrong['id']}: wrong file format" in r.stdout
    assert "NOT FOUND" in r.stdout
    assert re.search(rf"{wrong['id']}\s+{re.escape(wrong['file'])}\s+png\s+sha256 [0-9a-f]{{12}}", r.stdout)

    r = run("--db", db, "submit", m1, "--at", "2026-03-02T09:30:00+08:00")
    assert r.returncode == 3 and "Not submitted" in r.stdout
    r = run("--db", db, "submit", m1, "--at", "2026-03-02T09:30:00+08:00", "--allow-incomplete")
    assert r.returncode == 0, r.stderr
    case_id = re.search(r"Submitted: case (\S+)", r.stdout).group(1)
    assert "due 2026-03-09 — 6 working days left (today included)" in r.stdout  # +5 WD

    with permitflow.Engine(db) as e:
        c = e.execute(case_id, {"type": "request_correction", "actor": CLERK, "at": at("2026-03-04", "15:00")})
        assert c["state"] == "awaiting_correction"
        stored = {m["id"]: m for m in c["materials"]}
        assert stored[wrong["id"]]["format"] == "png" and len(stored[wrong["id"]]["sha256"]) == 64

    r = run("--db", db, "status", case_id, "--today", "2026-03-05")
    assert r.returncode == 0 and "awaiting_correction" in r.stdout and "Correction notice of 2026-03-04" in r.stdout

    (tmp_path / wrong["file"]).write_bytes(b"%PDF-1.7\nfixed\n%%EOF\n")
    m2 = manifest(tmp_path, "m2.json", docs)
    r = run("--db", db, "resubmit", case_id, m2, "--at", "2026-03-06T10:00:00+08:00")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Resubmitted" in r.stdout and "state: submitted" in r.stdout
    with permitflow.Engine(db) as e:
        c = e.get(case_id)
        assert c["state"] == "submitted" and c["deadlines"]["acceptance_notice"]["due"] == "2026-03-13"
        c = e.execute(case_id, {"type": "accept", "actor": CLERK, "at": at("2026-03-09")})
        assert c["state"] == "under_review"
    r = run("--db", db, "status", case_id, "--today", "2026-03-10")
    assert r.returncode == 0 and "decision (审批)" in r.stdout and "statutory limit" in r.stdout
    assert "due 2026-04-07" in r.stdout  # +20 WD from 2026-03-09, 清明 skipped

    r = run("--db", db, "status", "no-such-case")
    assert r.returncode == 1 and "NotFound" in r.stderr
    r = run("precheck", m1)
    assert r.returncode == 2  # no --db


def test_supply_after_a_tolerant_acceptance(tmp_path):
    """容缺受理: the clerk accepts without the rendering, promised by 06-15; the app brings only that document."""
    db = str(tmp_path / "app.db")
    with permitflow.Engine(str(tmp_path / "scratch.db")) as e:
        full = complete(e, "outdoor_advertising", at("2026-06-01", "09:00"))
    docs = write_docs(tmp_path, full)
    first = manifest(tmp_path, "first.json", [d for d in docs if d["id"] != "rendering"], "outdoor_advertising")
    r = run("--db", db, "submit", first, "--at", "2026-06-01T09:00:00+08:00", "--allow-incomplete")
    assert r.returncode == 0, r.stdout + r.stderr
    case_id = re.search(r"Submitted: case (\S+)", r.stdout).group(1)
    everything = manifest(tmp_path, "all.json", docs, "outdoor_advertising")
    r = run("--db", db, "supply", case_id, everything, "--at", "2026-06-02T10:00:00+08:00")
    assert r.returncode == 1 and "no supply pending" in r.stdout  # not accepted yet: nothing to supply
    with permitflow.Engine(db) as e:
        signed = {"signed_by": "张三", "signed_at": at("2026-06-01", "10:30"), "text_sha256": "b" * 64}
        c = e.execute(case_id, {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00"),
                                "tolerance": {"items": ["rendering"], "supply_by": "2026-06-15",
                                              "commitment": signed}})
        assert c["tolerance"]["pending"] is True
        before = len(e.history(case_id))
    r = run("--db", db, "supply", case_id, everything, "--at", "2026-06-03T10:00:00+08:00")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "by 2026-06-15" in r.stdout and "rendering" in r.stdout and "Supplied." in r.stdout
    with permitflow.Engine(db) as e:
        c = e.get(case_id)
        assert c["tolerance"]["pending"] is False and c["tolerance"]["supplied_on"] == "2026-06-03"
        supplied = e.history(case_id)[before:]
        assert [x["type"] for x in supplied] == ["supplied"]
        assert [m["id"] for m in supplied[0]["data"]["materials"]] == ["rendering"]  # only what was outstanding


def readme_steps():
    """The ```console blocks of the README: each `$ command` with the output printed under it."""
    with open(os.path.join(APP_DIR, "README.md"), encoding="utf-8") as f:
        text = f.read()
    steps = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append((command, output))
    return steps


def test_readme_walkthrough_runs_as_written(tmp_path):
    steps = readme_steps()
    assert len(steps) >= 6
    work = tmp_path / "applicant_app"
    shutil.copytree(APP_DIR, work, ignore=shutil.ignore_patterns("__pycache__", "*.db*"))
    e = env()
    build = os.path.abspath(os.path.join(os.path.dirname(permitflow.__file__), "..", "..", ".."))
    permitctl = os.path.join(build, "examples", "permitctl")
    if not os.path.exists(os.path.join(permitctl, "permitctl")):
        pytest.skip("permitctl (the clerk's side of the walkthrough) is not built next to the module")
    e["PATH"] = permitctl + os.pathsep + os.path.dirname(sys.executable) + os.pathsep + e["PATH"]
    e["PYTHON"] = sys.executable
    for command, expected in steps:
        r = subprocess.run(["bash", "-c", command.replace("python3 ", sys.executable + " ", 1)], cwd=work,
                           capture_output=True, text=True, env=e)
        assert r.stdout + r.stderr == expected, f"$ {command}"
