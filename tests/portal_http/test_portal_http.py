"""HTTP-level tests of every portal endpoint and every error status, against a real portal process."""
import json
import re
import sqlite3
import threading
import time

from conftest import make_users

GAS = "91320922MA1GAS001X"


def road_facts():
    return {"road_opened_on": "2012-05-01", "road_overhauled_on": None, "planned_start": "2027-01-10",
            "planned_end": "2027-01-30", "on_carriageway": True, "emergency": False,
            "protection_exception_approved": False}


def pdf(mid):
    return {"id": mid, "format": "pdf", "expires_on": "2030-12-31"}


def full_materials(p):
    """Every material a road excavation needs, found by asking the portal's precheck."""
    mats = []
    for _ in range(4):
        notice = p.json("POST", "/api/precheck", {"permit": "road_excavation", "facts": road_facts(),
                                                  "materials": mats}, token="demo-gas")
        if notice["complete"]:
            return mats
        mats += [pdf(i["material"]) for i in notice["items"] if not i["material"].startswith("fact:")]
    raise AssertionError("precheck never completes")


def submit_incomplete(p):
    mats = full_materials(p)
    case = p.json("POST", "/api/applications", {"permit": "road_excavation", "facts": road_facts(),
                                                "materials": mats[:1]}, token="demo-gas", expect=201)
    return case, mats


def error_of(p, method, path, body=None, token="demo-clerk", raw=None):
    status, ctype, text = p.call(method, path, body, token, raw=raw)
    assert "application/json" in ctype, (status, ctype, text)
    doc = json.loads(text)
    assert set(doc) == {"error"} and set(doc["error"]) == {"status", "message"}, doc
    assert doc["error"]["message"], doc
    return status, doc["error"]["status"], doc["error"]["message"]


def test_authentication_401(portal):
    assert error_of(portal, "GET", "/api/me", token=None)[:2] == (401, "unauthorized")
    assert error_of(portal, "GET", "/api/cases", token="no-such-user")[:2] == (401, "unauthorized")
    # the old bearer tokens mean nothing now
    status, _, text = portal.call("GET", "/api/me", headers={"Authorization": "Bearer demo-clerk"}, token=None)
    assert status == 401


def test_me_and_no_user_list(portal):
    me = portal.json("GET", "/api/me", token="demo-police")
    assert me["role"] == "reviewer" and me["department"] == "traffic_police"
    assert me["now"] == "2026-12-01T09:00:00+08:00" and me["fixed_clock"] is True and me["demo"] is True
    # no route lists users or tokens, signed in or not
    assert error_of(portal, "GET", "/api/demo-users", token=None)[0] == 404
    assert error_of(portal, "GET", "/api/demo-users", token="demo-supervisor")[0] == 404
    assert portal.json("GET", "/api/portal", token=None) == {"demo": True, "tls": False, "signed_in": False}
    assert portal.json("GET", "/api/portal", token="demo-clerk")["signed_in"] is True
    for login in ("demo-clerk", "demo-gas", "demo-resident", "demo-dispatcher", "demo-sanitation", "demo-leader",
                  "demo-head", "demo-roads", "demo-supervisor"):
        assert portal.session(login), login


def test_users_file(start_portal, tmp_path):
    cfg = make_users(tmp_path / "users.json", [{"login": "jia", "id": "窗口-甲", "role": "clerk"}],
                     "correct horse battery")
    p = start_portal("--users", cfg, password="correct horse battery")
    assert p.json("GET", "/api/me", token="jia")["id"] == "窗口-甲"
    assert p.json("GET", "/api/me", token="jia")["demo"] is False
    assert error_of(p, "GET", "/api/me", token="demo-clerk")[0] == 401
    assert p.login("jia", "wrong password")[0] == 401
    assert p.json("GET", "/api/portal", token=None)["demo"] is False


def test_users_file_changes_take_effect_without_a_restart(start_portal, tmp_path):
    """`portal users disable|passwd|add` on the running portal's file: seen at the next request a second
    later; a disabled login and a changed password end their sessions; a broken file keeps the users before."""
    import os
    import subprocess
    from conftest import PORTAL
    cfg = make_users(tmp_path / "users.json", [{"login": "jia", "id": "窗口-甲", "role": "clerk"},
                                               {"login": "yi", "id": "窗口-乙", "role": "clerk"}],
                     "correct horse battery")
    p = start_portal("--users", cfg, password="correct horse battery")

    def users(*args, password=None):
        r = subprocess.run([PORTAL, "users", "--file", cfg, *args], input=(password or "") + "\n",
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        time.sleep(1.2)  # the portal looks at the file at most once a second

    assert p.json("GET", "/api/me", token="jia")["id"] == "窗口-甲"
    assert p.json("GET", "/api/me", token="yi")["id"] == "窗口-乙"
    users("disable", "--login", "yi")
    assert error_of(p, "GET", "/api/me", token="yi")[0] == 401  # the session it had is dead
    assert p.login("yi")[0] == 401
    assert p.json("GET", "/api/me", token="jia")["id"] == "窗口-甲"  # the others go on

    users("passwd", "--login", "jia", password="a new password 2026")
    assert error_of(p, "GET", "/api/me", token="jia")[0] == 401
    assert p.login("jia")[0] == 401
    assert p.login("jia", "a new password 2026")[0] == 200

    users("add", "--login", "bing", "--id", "窗口-丙", "--role", "clerk", password="third password 2026")
    assert p.login("bing", "third password 2026")[0] == 200

    # A file that no longer loads (someone edited it by hand and broke it): the users before stay.
    with open(cfg, "w") as f:
        f.write("{not json")
    os.chmod(cfg, 0o600)
    time.sleep(1.2)
    assert p.login("bing", "third password 2026")[0] == 200
    assert p.login("yi")[0] == 401
    _, err = p.stop()
    assert "the users file changed but cannot be used" in err


def test_bad_config_refused(tmp_path):
    import os
    import subprocess
    from conftest import PORTAL
    cfg = tmp_path / "users.json"
    cfg.write_text(json.dumps({"users": [{"login": "t", "id": "x", "role": "mayor"}]}))
    os.chmod(cfg, 0o600)
    r = subprocess.run([PORTAL, "--db", str(tmp_path / "x.db"), "--port", "0", "--users", str(cfg)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "unknown role 'mayor'" in r.stderr


def test_precheck_and_submit(portal):
    notice = portal.json("POST", "/api/precheck", {"permit": "road_excavation", "facts": road_facts(),
                                                   "materials": []}, token="demo-gas")
    assert notice["complete"] is False and len(notice["items"]) >= 3
    case, _ = submit_incomplete(portal)
    assert case["state"] == "submitted"
    assert case["applicant"]["id"] == GAS and case["applicant"]["name"] == "滨海华润燃气有限公司"
    assert case["received_on"] == "2026-12-01" and case["id"].startswith("320922-RE-")
    assert case["working_days_left"]["acceptance_notice"] == 6  # Dec 1 (today) to Dec 8, both working days
    assert portal.call("GET", "/api/verify")[0] == 200


def test_actor_and_at_come_from_token_and_clock(portal):
    for extra in ({"actor": {"id": "局长-李建国", "role": "head"}}, {"at": "2026-01-01T09:00:00+08:00"}):
        body = {"permit": "road_excavation", "facts": road_facts(), "materials": [], **extra}
        status, name, msg = error_of(portal, "POST", "/api/applications", body, token="demo-gas")
        assert (status, name) == (400, "invalid_argument") and list(extra)[0] in msg
    case, _ = submit_incomplete(portal)
    status, name, _ = error_of(portal, "POST", f"/api/cases/{case['id']}/commands",
                               {"type": "accept", "actor": {"id": "x", "role": "head"}})
    assert status == 400
    assert portal.json("GET", "/api/cases")["cases"][0]["version"] == 1  # nothing was applied


def test_full_flow_and_error_statuses(portal):
    case, mats = submit_incomplete(portal)
    cid = case["id"]
    cmd = lambda body, token="demo-clerk": portal.call("POST", f"/api/cases/{cid}/commands", body, token)
    # 422: accepting an incomplete application is a rule violation
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands", {"type": "accept"})[:2] == (422, "rule_violation")
    # 403: an applicant may not accept
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands", {"type": "accept"}, token="demo-gas")[:2] == \
        (403, "permission_denied")
    # 400: unknown command type
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands", {"type": "teleport"})[0] == 400
    # 404: unknown case
    assert error_of(portal, "POST", "/api/cases/RE-NOPE/commands", {"type": "accept"})[:2] == (404, "not_found")
    assert error_of(portal, "GET", "/api/cases/RE-NOPE")[0] == 404
    # 409: expected_version that does not match
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands",
                    {"type": "request_correction", "expected_version": 7})[:2] == (409, "conflict")
    status, _, text = cmd({"type": "request_correction", "expected_version": 1})
    assert status == 200 and json.loads(text)["state"] == "awaiting_correction"
    # 409: wrong state
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands", {"type": "decide", "outcome": "approved"},
                    token="demo-head")[:2] == (409, "invalid_state")
    assert cmd({"type": "resubmit", "materials": mats[1:]}, token="demo-gas")[0] == 200
    assert json.loads(cmd({"type": "accept"})[2])["state"] == "under_review"
    # a reviewer cannot give another department's opinion
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands",
                    {"type": "record_opinion", "department": "municipal_roads", "opinion": "approve"},
                    token="demo-police")[:2] == (403, "permission_denied")
    for token, dept in (("demo-police", "traffic_police"), ("demo-roads", "municipal_roads")):
        assert cmd({"type": "record_opinion", "department": dept, "opinion": "approve"}, token)[0] == 200
    assert cmd({"type": "record_inspection", "inspectors": ["执法-张伟", "执法-刘洋"], "findings": "一致"})[0] == 200
    assert json.loads(cmd({"type": "decide", "outcome": "approved"}, "demo-head")[2])["state"] == "approved"
    issued = json.loads(cmd({"type": "issue_certificate"})[2])
    assert issued["state"] == "issued" and issued["certificate"]["number"]
    history = portal.json("GET", f"/api/cases/{cid}/history")
    assert [e["type"] for e in history][:4] == ["submitted", "correction_requested", "resubmitted", "accepted"]
    assert all(e["actor"]["id"] for e in history) and history[0]["actor"]["id"] == GAS
    assert history[3]["actor"]["id"] == "窗口-王芳"
    v = portal.json("GET", "/api/verify")
    assert v["ok"] is True and v["events_checked"] == len(history)


def test_reads_are_filtered_by_role(portal):
    case, _ = submit_incomplete(portal)
    cid = case["id"]
    assert portal.json("GET", f"/api/cases/{cid}", token="demo-gas")["id"] == cid
    assert error_of(portal, "GET", f"/api/cases/{cid}", token="demo-adv")[:2] == (403, "permission_denied")
    assert error_of(portal, "GET", f"/api/cases/{cid}/history", token="demo-adv")[0] == 403
    assert portal.json("GET", "/api/cases", token="demo-adv")["cases"] == []
    assert [c["id"] for c in portal.json("GET", "/api/cases", token="demo-gas")["cases"]] == [cid]
    assert [c["id"] for c in portal.json("GET", "/api/cases", token="demo-police")["cases"]] == [cid]
    assert error_of(portal, "GET", "/api/report", token="demo-gas")[0] == 403
    assert error_of(portal, "GET", "/api/verify", token="demo-gas")[0] == 403


def test_query_parameters(portal):
    case, _ = submit_incomplete(portal)
    assert [c["id"] for c in portal.json("GET", "/api/cases?permit=road_excavation&state=submitted")["cases"]] \
        == [case["id"]]
    assert portal.json("GET", "/api/cases?state=issued")["cases"] == []
    page = portal.json("GET", "/api/cases?limit=1")
    assert [c["id"] for c in page["cases"]] == [case["id"]] and page["next"] == case["id"]
    assert portal.json("GET", "/api/cases?limit=1&after=" + page["next"]) == {"cases": [], "next": None}
    assert error_of(portal, "GET", "/api/cases?limit=abc")[0] == 400
    assert error_of(portal, "GET", "/api/cases?state=bogus")[0] == 400
    assert error_of(portal, "GET", "/api/cases?colour=red")[0] == 400
    assert error_of(portal, "GET", "/api/cases?actor=someone")[0] == 400


def test_run_due_turns_a_case_red(portal):
    case, _ = submit_incomplete(portal)
    assert error_of(portal, "POST", "/api/run-due", {}, token="demo-clerk")[:2] == (403, "permission_denied")
    assert error_of(portal, "POST", "/api/run-due", {"now": "2026-11-01T00:00:00+08:00"},
                    token="demo-supervisor")[0] == 400
    assert error_of(portal, "POST", "/api/run-due", {"now": 5}, token="demo-supervisor")[0] == 400
    # The engine's wording for a key it does not take: its pointer, then what is wrong.
    assert error_of(portal, "POST", "/api/run-due", {"then": "x"}, token="demo-supervisor") == (
        400, "invalid_argument", "/then: unknown key 'then' (only now)")
    out = portal.json("POST", "/api/run-due", {"now": "2026-12-09T00:00:00+08:00"}, token="demo-supervisor")
    assert out["now"] == "2026-12-09T00:00:00+08:00"
    assert any(f["case"] == case["id"] and f["kind"] == "acceptance_deemed" for f in out["fired"])
    after = portal.json("GET", f"/api/cases/{case['id']}")
    assert after["deemed_accepted"] is True and after["deadlines"]["acceptance_notice"]["light"] == "red"
    assert portal.json("GET", "/api/me")["now"] == "2026-12-09T00:00:00+08:00"


def test_real_clock_cannot_be_set(start_portal):
    p = start_portal(clock=None)
    assert error_of(p, "POST", "/api/run-due", {"now": "2030-01-01T00:00:00+08:00"}, token="demo-supervisor")[0] == 400
    assert isinstance(p.json("POST", "/api/run-due", {}, token="demo-supervisor")["fired"], list)


def test_report_json_and_csv(portal):
    submit_incomplete(portal)
    r = portal.json("GET", "/api/report?week=2026-12-01", token="demo-supervisor")
    assert r["counts"]["received"] == 1 and r["week"]["dated"] == "2026-12-07"
    status, ctype, text = portal.call("GET", "/api/report?week=2026-12-01&format=csv", token="demo-supervisor")
    assert status == 200 and ctype.startswith("text/csv") and "received" in text
    assert error_of(portal, "GET", "/api/report?format=xml")[0] == 400
    assert error_of(portal, "GET", "/api/report?week=someday")[0] == 400
    assert error_of(portal, "GET", "/api/report?weekday=1")[0] == 400


def test_bad_bodies(start_portal):
    p = start_portal("--max-body", "4096")
    assert error_of(p, "POST", "/api/applications", raw=b"{not json")[:2] == (400, "invalid_argument")
    assert error_of(p, "POST", "/api/applications", raw=b"[1,2]")[0] == 400
    deep = b"{\"facts\":" + b"[" * 40 + b"]" * 40 + b"}"
    status, _, msg = error_of(p, "POST", "/api/precheck", raw=deep)
    assert status == 400 and "nested" in msg
    big = json.dumps({"permit": "road_excavation", "facts": {"x": "a" * 8000}}).encode()
    assert error_of(p, "POST", "/api/applications", raw=big)[:2] == (413, "payload_too_large")
    assert error_of(p, "GET", "/api/nothing-here")[0] == 404
    assert p.json("GET", "/api/cases")["cases"] == []


def test_calendar_add(portal):
    assert portal.json("GET", "/api/calendar/add?date=2026-09-30&n=1")["date"] == "2026-10-08"
    assert error_of(portal, "GET", "/api/calendar/add?date=2026-09-30&n=-1")[0] == 400


def test_storage_error_503(portal):
    case, _ = submit_incomplete(portal)
    # Another connection holds the write lock past the engine's busy timeout (10 s).
    con = sqlite3.connect(portal.db, timeout=1, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        status, name, _ = error_of(portal, "POST", f"/api/cases/{case['id']}/commands",
                                   {"type": "request_correction"})
        assert (status, name) == (503, "storage"), (status, name)
        assert time.monotonic() - started >= 5
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert portal.json("GET", f"/api/cases/{case['id']}")["state"] == "submitted"
    assert portal.json("GET", "/api/verify")["ok"] is True


def test_ui_is_served(portal):
    for path, kind in (("/", "text/html"), ("/app.js", "text/javascript"), ("/style.css", "text/css")):
        status, ctype, text = portal.call("GET", path, token=None)
        assert status == 200 and ctype.startswith(kind) and len(text) > 0


def test_graceful_shutdown_and_access_log(tmp_path):
    from conftest import Portal
    p = Portal(tmp_path)
    p.json("GET", "/api/me")
    out, _ = p.stop()
    assert p.proc.returncode == 0
    assert "portal: stopped" in out
    # the user is an opaque reference (docs/security.md), never the actor's name
    assert re.search(r" access 127\.0\.0\.1 u:[0-9a-f]{16} GET /api/me 200 \d+B", out), out
    assert "王芳" not in out


def test_concurrent_requests(portal):
    case, _ = submit_incomplete(portal)
    results = []

    def read():
        for _ in range(10):
            results.append(portal.call("GET", f"/api/cases/{case['id']}")[0])

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 40


def test_seed_demo_has_every_state(start_portal):
    p = start_portal("--seed-demo", clock="2026-11-30T08:30:00+08:00")
    cases = []
    after = None
    while True:
        page = p.json("GET", "/api/cases?kind=permit&limit=100" + (f"&after={after}" if after else ""))
        cases += page["cases"]
        if page["next"] is None:
            break
        after = page["next"]
    states = {c["state"] for c in cases}
    assert {"submitted", "awaiting_correction", "not_accepted", "under_review", "suspended", "approved",
            "denied", "issued", "withdrawn", "closed", "revoked", "expired"} <= states, states
    assert {c["permit"] for c in cases} == {"road_excavation", "outdoor_advertising", "construction_waste"}
    review_lights = {c["deadlines"]["decision"]["light"] for c in cases if c["state"] == "under_review"}
    assert {"green", "yellow", "red"} <= review_lights, review_lights
    assert any(c["deemed_accepted"] for c in cases)
    # working days left: only for the clock that runs in the case's state
    for c in cases:
        expected = {"submitted": ["acceptance_notice"], "under_review": ["decision"], "suspended": ["decision"],
                    "approved": ["issuance"]}.get(c["state"], [])
        if c["state"] == "awaiting_correction":
            expected = ["correction"] if c["deadlines"]["correction"] else []
        assert list(c["working_days_left"]) == expected, (c["id"], c["state"], c["working_days_left"])
    red = [c for c in cases if c["state"] == "under_review" and c["deadlines"]["decision"]["light"] == "red"]
    assert all(c["working_days_left"]["decision"] < 0 for c in red)
    assert any(c["deadlines"]["decision"] and c["deadlines"]["decision"]["extended_working_days"] for c in cases)
    assert p.json("GET", "/api/verify")["ok"] is True
    # a reviewer's queue: cases awaiting its department
    mine = p.json("GET", "/api/cases?awaiting_department=traffic_police", token="demo-police")["cases"]
    assert mine and all(c["opinions"]["traffic_police"] is None for c in mine)
    # seeding again on the same database adds nothing
    n = len(cases)
    p.stop()
    from conftest import Portal
    import pathlib
    again = Portal(pathlib.Path(p.db).parent, "--seed-demo", clock="2026-11-30T08:30:00+08:00")
    try:
        assert len(again.json("GET", "/api/cases?kind=permit&limit=100")["cases"]) == min(n, 100)
    finally:
        again.stop()


def test_complaints_queue_and_report(start_portal, tmp_path):
    """Complaints (docs/complaints.md) through the same routes: a dispatcher files one, the window lists it apart."""
    cfg = make_users(tmp_path / "users.json", [
        {"login": "t-dispatch", "id": "信息员-李", "role": "dispatcher"},
        {"login": "t-clerk", "id": "窗口-王芳", "role": "clerk"},
        {"login": "t-resident", "id": "resident-1", "role": "reporter", "name": "居民1"},
        {"login": "t-other", "id": "resident-2", "role": "reporter"},
        {"login": "t-san", "id": "staff-sanitation", "role": "handler", "unit": "sanitation"},
        {"login": "t-gas", "id": GAS, "role": "applicant"}], "tests-password")
    p = start_portal("--users", cfg, clock="2026-12-07T09:00:00+08:00", password="tests-password")
    c = p.json("POST", "/api/applications",
               {"kind": "complaint", "category": "exposed_garbage", "source": "hotline", "description": "垃圾暴露",
                "location": "人民路", "reporter": {"id": "resident-1", "name": "居民1"}}, token="t-dispatch", expect=201)
    assert c["kind"] == "complaint" and c["state"] == "received"
    # permit staff see no complaints (docs/policy.md); the dispatcher does
    assert p.json("GET", "/api/cases?kind=complaint", token="t-clerk")["cases"] == []
    assert error_of(p, "GET", f"/api/cases/{c['id']}", token="t-clerk")[0] == 403
    assert [x["id"] for x in p.json("GET", "/api/cases?kind=complaint", token="t-dispatch")["cases"]] == [c["id"]]
    assert p.json("GET", "/api/cases?kind=permit", token="t-dispatch")["cases"] == []
    assert p.json("GET", f"/api/cases/{c['id']}", token="t-resident")["id"] == c["id"]
    assert error_of(p, "GET", f"/api/cases/{c['id']}", token="t-other")[0] == 403
    assert error_of(p, "GET", f"/api/cases/{c['id']}", token="t-gas")[0] == 403
    assert error_of(p, "GET", "/api/report", token="t-resident")[0] == 403
    report = p.json("GET", "/api/report?week=2026-12-07", token="t-dispatch")
    assert report["complaints"]["counts"]["received"] == 1
    assert p.json("GET", "/api/report?week=2026-12-07", token="t-clerk")["complaints"]["counts"]["received"] == 0


def test_handler_needs_a_unit(tmp_path):
    import subprocess
    from conftest import PORTAL
    cfg = tmp_path / "users.json"
    cfg.write_text(json.dumps({"users": [{"login": "t", "id": "x", "role": "handler"}]}))
    cfg.chmod(0o600)
    r = subprocess.run([PORTAL, "--db", str(tmp_path / "x.db"), "--port", "0", "--users", str(cfg)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "only a handler, has a unit" in r.stderr


def test_inbox_and_feed_lag(portal):
    """消息: the applicant reads the notify messages of its own cases; staff see the feed's head and lag."""
    case, mats = submit_incomplete(portal)
    cid = case["id"]
    assert portal.json("GET", "/api/inbox", token="demo-gas") == {"messages": [], "next": None}  # nothing sent
    assert portal.call("POST", f"/api/cases/{cid}/commands", {"type": "request_correction"})[0] == 200
    assert portal.call("POST", f"/api/cases/{cid}/commands", {"type": "resubmit", "materials": mats[1:]},
                       token="demo-gas")[0] == 200
    assert portal.call("POST", f"/api/cases/{cid}/commands", {"type": "accept"})[0] == 200
    inbox = portal.json("GET", "/api/inbox", token="demo-gas")["messages"]
    types = [m["type"] for m in inbox]
    assert "correction_requested" in types and "accepted" in types, types
    assert types.index("accepted") < types.index("correction_requested")  # newest first
    assert all(m["case"] == cid and m["to"]["role"] == "applicant" for m in inbox)
    notice = inbox[types.index("correction_requested")]
    assert cid in notice["text"] and notice["seq"] > 0
    # Another person's inbox holds none of it; staff have no inbox; parameters are refused.
    assert portal.json("GET", "/api/inbox", token="demo-resident") == {"messages": [], "next": None}
    assert error_of(portal, "GET", "/api/inbox", token="demo-clerk")[:2] == (403, "permission_denied")
    assert error_of(portal, "GET", "/api/inbox?case=" + cid, token="demo-gas")[:2] == (400, "invalid_argument")
    assert error_of(portal, "GET", "/api/inbox", token=None)[0] == 401
    # Pages, newest first: each page's `next` is the `before` of the older one; together they are the inbox.
    pages, before = [], None
    while True:
        page = portal.json("GET", "/api/inbox?limit=1" + (f"&before={before}" if before else ""), token="demo-gas")
        pages.extend(page["messages"])
        assert len(page["messages"]) <= 1
        if page["next"] is None:
            break
        assert page["next"] == page["messages"][-1]["seq"]
        before = page["next"]
    assert pages == inbox and len(pages) >= 2
    assert portal.json("GET", f"/api/inbox?before={inbox[-1]['seq']}", token="demo-gas") == {"messages": [],
                                                                                            "next": None}
    for bad in ("limit=0", "limit=201", "limit=two", "before=0", "before=x"):
        assert error_of(portal, "GET", "/api/inbox?" + bad, token="demo-gas")[:2] == (400, "invalid_argument"), bad
    # The dashboard's feed lag: the head counts every event; no consumer yet.
    lag = portal.json("GET", "/api/feed/lag", token="demo-supervisor")
    history = portal.json("GET", f"/api/cases/{cid}/history")
    assert lag == {"head": len(history), "pruned": 0, "consumers": []}
    assert error_of(portal, "GET", "/api/feed/lag", token="demo-gas")[:2] == (403, "permission_denied")
