"""The applicant app (examples/applicant_app) against a real portal on loopback: sign-in, the definitions
cached and the precheck run offline on the embedded engine, uploads of only the documents the portal lacks,
submission, a correction answered with only the named documents, status in working days, the inbox, and the
whole path to an issued certificate."""
import hashlib
import json
import os
import subprocess
import sys

import pytest

from conftest import PORTAL, sanitizer_build
from test_portal_http import road_facts

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
APP = os.path.join(ROOT, "examples", "applicant_app", "applicant_app.py")
GAS = {"id": "91320922MA1GAS001X", "name": "滨海华润燃气有限公司"}


def module_path():
    """The permitflow module of the same build as the portal binary (<build>/bindings/python)."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(PORTAL))))
    if sanitizer_build():
        # A sanitized module cannot load into a plain python; scripts/test runs this file on the release build.
        pytest.skip("the module beside this portal is a sanitizer build")
    path = os.path.join(build, "bindings", "python")
    if not os.path.isdir(os.path.join(path, "permitflow")):
        pytest.fail(f"no permitflow module beside the portal binary: {path}")
    return path


def run(portal_url, cache, *args, login="demo-gas"):
    env = dict(os.environ, PYTHONPATH=module_path(), PERMITFLOW_PASSWORD="permitflow-demo")
    r = subprocess.run([sys.executable, APP, "--portal", portal_url, "--login", login, "--cache", str(cache),
                        *args], capture_output=True, text=True, env=env, timeout=120)
    return r.returncode, r.stdout, r.stderr


def pdf(tag):
    return b"%PDF-1.7\n% " + tag.encode() + b"\n%%EOF\n"


def write_manifest(tmp_path, name, files):
    """files: {material: bytes}; each written to docs/<material>.pdf (whatever its bytes)."""
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    documents = []
    for mid, data in files.items():
        (docs / f"{name}-{mid}.pdf").write_bytes(data)
        documents.append({"id": mid, "file": f"docs/{name}-{mid}.pdf", "expires_on": "2030-12-31"})
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"permit": "road_excavation", "applicant": GAS, "facts": road_facts(),
                                "documents": documents}, ensure_ascii=False))
    return str(path)


def stored(portal):
    out = []
    for d, _, files in os.walk(portal.db + ".documents"):
        if os.path.basename(d) != "tmp":
            out += files
    return sorted(out)


def test_offline_precheck_to_certificate(portal, tmp_path):
    cache = tmp_path / "cache"
    # Sign-in refused with a wrong password; the definitions are fetched and cached.
    env = dict(os.environ, PYTHONPATH=module_path(), PERMITFLOW_PASSWORD="wrong password")
    r = subprocess.run([sys.executable, APP, "--portal", portal.base, "--login", "demo-gas", "--cache",
                        str(cache), "definitions"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1 and "401 unauthorized" in r.stderr
    code, out, err = run(portal.base, cache, "definitions")
    assert code == 0, err
    road = portal.json("GET", "/api/definitions", token="demo-gas")["road_excavation"]
    assert f"v{road['version']} (in effect) {road['hash'][:12]}…" in out.split("road_excavation")[-1]

    # Every material the bureau asks for, from the portal's own precheck.
    notice = portal.json("POST", "/api/precheck", {"permit": "road_excavation", "facts": road_facts(),
                                                   "materials": []}, token="demo-gas")
    needed = [i["material"] for i in notice["items"] if not i["material"].startswith("fact:")]
    files = {m: pdf(m) for m in needed}
    pdf_only = [m["id"] for m in road["materials"] if "png" not in m["formats"] and m["id"] in needed]
    missing, wrong = needed[0], pdf_only[-1]
    first = dict(files)
    del first[missing]
    first[wrong] = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40  # a PNG named .pdf
    m1 = write_manifest(tmp_path, "m1", first)

    # Offline: the portal is not even reachable; the cached definitions decide.
    code, out, err = run("http://127.0.0.1:9", tmp_path / "empty", "precheck", m1)
    assert code == 1 and "no cached definitions" in err
    offline_cache = cache
    code, out, err = run("http://127.0.0.1:9", offline_cache, "precheck", m1, "--at", "2026-12-01T09:30:00+08:00")
    assert code == 3, out + err
    assert f"road_excavation version {road['version']} (hash {road['hash'][:12]}…)" in out
    assert f"{missing}: missing" in out and f"{wrong}: wrong file format" in out
    # Exactly the notice the bureau computes from the same documents.
    bureau = portal.json("POST", "/api/precheck", {
        "permit": "road_excavation", "facts": road_facts(),
        "materials": [{"id": k, "format": "png" if k == wrong else "pdf", "expires_on": "2030-12-31"}
                      for k in first]}, token="demo-gas")
    assert out.count("\n  ") - len(first) >= len(bureau["items"])
    for item in bureau["items"]:
        assert f"{item['material']}:" in out
    # A month later the cache is reported stale.
    code, out, _ = run("http://127.0.0.1:9", offline_cache, "precheck", m1, "--at", "2027-01-05T09:30:00+08:00")
    assert "stale" in out

    # Submit anyway: every document the portal lacks is uploaded (with a progress line), once.
    code, out, err = run(portal.base, cache, "submit", m1, "--allow-incomplete")
    assert code == 0, out + err
    assert f"Documents: {len(first)} uploaded, 0 already at the bureau" in out
    assert out.count("uploading ") == len(first) and "100%" in out
    cid = out.split("Submitted: case ")[1].split()[0]
    assert len(stored(portal)) == len(first)
    case = portal.json("GET", f"/api/cases/{cid}", token="demo-clerk")
    assert {m["id"]: m["sha256"] for m in case["materials"]} == \
        {k: hashlib.sha256(v).hexdigest() for k, v in first.items()}
    assert {m["id"]: m["format"] for m in case["materials"]}[wrong] == "png"

    # The clerk sends the one-time correction notice; the applicant sees it in the inbox and in status.
    after = portal.json("POST", f"/api/cases/{cid}/commands", {"type": "request_correction"}, token="demo-clerk")
    assert after["state"] == "awaiting_correction"
    code, out, err = run(portal.base, cache, "inbox")
    assert code == 0, err
    assert f"{cid} correction_requested (sms)" in out and "请补正" in out
    code, out, _ = run(portal.base, cache, "inbox")
    assert "no new messages" in out
    # Another firm's inbox holds nothing of this case.
    assert all(m["case"] != cid for m in portal.json("GET", "/api/inbox", token="demo-adv")["messages"])
    code, out, err = run(portal.base, cache, "status", cid)
    assert code == 0, err
    assert "state: awaiting_correction" in out and "2 items to fix" in out and "补正告知" in out, out

    # The answer carries only the named documents: the missing one and the corrected drawing.
    corrected = dict(files)
    m2 = write_manifest(tmp_path, "m2", corrected)
    code, out, err = run(portal.base, cache, "resubmit", cid, m2)
    assert code == 0, out + err
    assert "Documents: 2 uploaded, 0 already at the bureau" in out
    assert out.count("uploading ") == 2 and f"uploading {missing}" in out and f"uploading {wrong}" in out
    assert len(stored(portal)) == len(first) + 2
    history = portal.json("GET", f"/api/cases/{cid}/history", token="demo-clerk")
    assert sorted(m["id"] for m in history[-1]["data"]["materials"]) == sorted([missing, wrong])

    # The bureau finishes the case; the applicant follows it to the certificate.
    cmd = lambda body, token="demo-clerk": portal.json("POST", f"/api/cases/{cid}/commands", body, token)
    assert cmd({"type": "accept"})["state"] == "under_review"
    code, out, err = run(portal.base, cache, "status", cid)
    assert code == 0 and "decision (审批)" in out and "working days left (today included)" in out, out + err
    for token, dept in (("demo-police", "traffic_police"), ("demo-roads", "municipal_roads")):
        cmd({"type": "record_opinion", "department": dept, "opinion": "approve"}, token)
    cmd({"type": "record_inspection", "inspectors": ["执法-张伟", "执法-刘洋"], "findings": "一致"})
    assert cmd({"type": "decide", "outcome": "approved"}, "demo-head")["state"] == "approved"
    assert cmd({"type": "issue_certificate"})["state"] == "issued"
    code, out, err = run(portal.base, cache, "status", cid)
    assert code == 0 and "state: issued" in out, out + err
    code, out, _ = run(portal.base, cache, "inbox")
    assert "certificate_issued" in out or "accepted" in out, out
    assert portal.json("GET", "/api/verify", token="demo-supervisor")["ok"] is True


def test_supply_after_a_tolerant_acceptance(portal, tmp_path):
    """容缺受理: the clerk accepts while the pipeline map (tolerable) is missing; the app brings only that."""
    cache = tmp_path / "cache"
    notice = portal.json("POST", "/api/precheck", {"permit": "road_excavation", "facts": road_facts(),
                                                   "materials": []}, token="demo-gas")
    files = {i["material"]: pdf(i["material"]) for i in notice["items"] if not i["material"].startswith("fact:")}
    assert "pipeline_map" in files
    first = {k: v for k, v in files.items() if k != "pipeline_map"}
    code, out, err = run(portal.base, cache, "submit", write_manifest(tmp_path, "t1", first), "--allow-incomplete")
    assert code == 0, out + err
    cid = out.split("Submitted: case ")[1].split()[0]
    everything = write_manifest(tmp_path, "t2", files)
    code, out, _ = run(portal.base, cache, "supply", cid, everything)
    assert code == 1 and "no supply pending" in out  # not accepted yet: nothing is sent
    signed = {"signed_by": "王强", "signed_at": "2026-12-01T09:30:00+08:00", "text_sha256": "c" * 64}
    case = portal.json("POST", f"/api/cases/{cid}/commands",
                       {"type": "accept", "tolerance": {"items": ["pipeline_map"], "supply_by": "2026-12-08",
                                                        "commitment": signed}}, token="demo-clerk")
    assert case["state"] == "under_review" and case["tolerance"]["pending"] is True
    code, out, err = run(portal.base, cache, "supply", cid, everything)
    assert code == 0, out + err
    assert "by 2026-12-08" in out and "Documents: 1 uploaded, 0 already at the bureau" in out
    assert "uploading pipeline_map" in out and "Supplied." in out
    case = portal.json("GET", f"/api/cases/{cid}", token="demo-clerk")
    assert case["tolerance"]["pending"] is False
    assert {m["id"]: m["sha256"] for m in case["materials"]}["pipeline_map"] == \
        hashlib.sha256(files["pipeline_map"]).hexdigest()
    code, out, _ = run(portal.base, cache, "supply", cid, everything)
    assert code == 1 and "no supply pending" in out  # supplied once; nothing more to bring
