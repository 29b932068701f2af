"""Complaints (docs/complaints.md) through the portal's HTTP API: a full path, the role filters, the demo seed."""
import json

from test_portal_http import error_of

RESIDENT = "居民-张秀英"


def move_clock(p, now):
    p.json("POST", "/api/run-due", {"now": now}, token="demo-supervisor")


def command(p, case_id, token, type_, expect=200, **fields):
    case = p.json("GET", f"/api/cases/{case_id}", token="demo-dispatcher")
    body = {"type": type_, "expected_version": case["version"], **fields}
    return p.json("POST", f"/api/cases/{case_id}/commands", body, token=token, expect=expect)


def report(p, token="demo-resident", **extra):
    body = {"category": "exposed_garbage", "description": "人民路口垃圾暴露", "location": "人民路12号", **extra}
    if token != "demo-resident":  # the portal fills in kind, reporter and source for a resident only
        body["kind"] = "complaint"
    return p.json("POST", "/api/applications", body, token=token, expect=201)


def test_categories_and_complaint_users(portal):
    cats = portal.json("GET", "/api/categories", token="demo-resident")
    assert set(cats) == {"consultation", "help", "suggestion", "complaint", "report", "exposed_garbage"}
    assert cats["exposed_garbage"]["limit"]["working_hours"] == 4
    assert cats["complaint"]["unit"]["id"] == "law_enforcement"
    # the permits' definitions stay permits only
    assert set(portal.json("GET", "/api/definitions")) == {"road_excavation", "outdoor_advertising",
                                                          "construction_waste"}
    units = {portal.json("GET", "/api/me", token=login)["unit"]
             for login in ("demo-sanitation", "demo-enforcement", "demo-service")}
    assert units == {"sanitation", "law_enforcement", "service_center"}
    assert portal.json("GET", "/api/me", token="demo-dispatcher")["role"] == "dispatcher"
    assert portal.json("GET", "/api/me", token="demo-leader")["role"] == "leader"
    me = portal.json("GET", "/api/me", token="demo-sanitation")
    assert me["role"] == "handler" and me["unit"] == "sanitation"


def test_complaint_full_path_over_http(portal):
    # Tue 2026-12-01 09:00: a resident reports exposed garbage (4 working hours: 09:00–12:00, 14:00–15:00).
    c = report(portal)
    cid = c["id"]
    assert c["kind"] == "complaint" and c["state"] == "received" and c["source"] == "portal"
    assert c["reporter"]["id"] == RESIDENT
    assert c["deadlines"]["handling"]["due"] == "2026-12-01T15:00:00+08:00"
    assert set(c["working_days_left"]) == {"handling"}  # the running clock, for the queue's light

    # Only the dispatcher registers; the reporter may not.
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands",
                    {"type": "register", "verified": True}, token="demo-resident")[0] == 403
    move_clock(portal, "2026-12-01T09:10:00+08:00")
    assert command(portal, cid, "demo-dispatcher", "register", verified=True)["state"] == "registered"
    move_clock(portal, "2026-12-01T09:20:00+08:00")
    d = command(portal, cid, "demo-dispatcher", "dispatch")
    assert d["state"] == "dispatched" and d["unit"] == "sanitation"
    move_clock(portal, "2026-12-01T10:00:00+08:00")
    assert command(portal, cid, "demo-sanitation", "start_handling", note="已派车")["state"] == "handling"
    move_clock(portal, "2026-12-01T11:30:00+08:00")
    r = command(portal, cid, "demo-sanitation", "reply", reply="已清运完毕")
    assert r["state"] == "replied" and r["deadlines"]["handling"]["light"] == "met"
    move_clock(portal, "2026-12-01T14:00:00+08:00")
    assert command(portal, cid, "demo-dispatcher", "check", passed=True, note="现场已清理")["state"] == "checked"
    assert command(portal, cid, "demo-dispatcher", "close")["state"] == "closed"
    move_clock(portal, "2026-12-01T18:00:00+08:00")
    done = command(portal, cid, "demo-resident", "rate", rating=5, comment="很及时")
    assert done["state"] == "rated" and done["rating"] == 5

    types = [e["type"] for e in portal.json("GET", f"/api/cases/{cid}/history", token="demo-resident")]
    assert types == ["submitted", "registered", "dispatched", "handling_started", "replied", "checked",
                     "closed", "rated"]


def test_reporter_and_handler_filters(portal):
    mine = report(portal)["id"]
    other = report(portal, token="demo-dispatcher", category="complaint", source="hotline",
                   reporter={"id": "居民-李明", "name": "李明"})["id"]
    # a reporter sees its own reports only, in the list and by id
    ids = {c["id"] for c in portal.json("GET", "/api/cases?kind=complaint", token="demo-resident")["cases"]}
    assert ids == {mine}
    assert {c["id"] for c in portal.json("GET", "/api/cases", token="demo-resident")["cases"]} == {mine}
    assert error_of(portal, "GET", f"/api/cases/{other}", token="demo-resident")[:2] == (403, "permission_denied")
    assert error_of(portal, "GET", f"/api/cases/{other}/history", token="demo-resident")[0] == 403
    # a reporter may not file in someone else's name
    status, name, _ = error_of(portal, "POST", "/api/applications",
                               {"category": "help", "description": "x", "location": "y",
                                "reporter": {"id": "居民-李明", "name": "李明"}}, token="demo-resident")
    assert (status, name) == (403, "permission_denied")

    for cid in (mine, other):
        move_clock(portal, "2026-12-01T09:30:00+08:00")
        command(portal, cid, "demo-dispatcher", "register", verified=True)
        command(portal, cid, "demo-dispatcher", "dispatch")
    # a handler sees its own unit's cases only
    san = {c["id"] for c in portal.json("GET", "/api/cases?kind=complaint", token="demo-sanitation")["cases"]}
    law = {c["id"] for c in portal.json("GET", "/api/cases?kind=complaint", token="demo-enforcement")["cases"]}
    assert san == {mine} and law == {other}
    # whatever it asks for, a handler gets its unit's complaints only
    asked = portal.json("GET", "/api/cases?kind=permit", token="demo-sanitation")["cases"]
    assert {c["id"] for c in asked} <= {mine}
    # a handler of another unit is refused, and nothing changes
    before = portal.json("GET", f"/api/cases/{mine}", token="demo-dispatcher")
    assert error_of(portal, "GET", f"/api/cases/{mine}", token="demo-enforcement")[0] == 403
    for body in ({"type": "start_handling"}, {"type": "return", "reasons": "非本单位职责"},
                 {"type": "reply", "reply": "已处理"}, {"type": "escalate", "reason": "重大"}):
        status, name, msg = error_of(portal, "POST", f"/api/cases/{mine}/commands",
                                     {**body, "expected_version": before["version"]}, token="demo-enforcement")
        assert (status, name) == (403, "permission_denied"), (body, msg)
    after = portal.json("GET", f"/api/cases/{mine}", token="demo-dispatcher")
    assert after["version"] == before["version"] and after["state"] == "dispatched"
    hist = portal.json("GET", f"/api/cases/{mine}/history", token="demo-dispatcher")
    assert len(hist) == before["version"]
    # complaint roles never act on permits' reports; a reporter may not read the weekly report
    assert error_of(portal, "GET", "/api/report?week=2026-12-01", token="demo-resident")[0] == 403


def test_returned_escalated_and_reopened_over_http(portal):
    cid = report(portal, token="demo-dispatcher", category="complaint", source="hotline",
                 reporter={"id": "居民-李明", "name": "李明"})["id"]
    move_clock(portal, "2026-12-01T09:30:00+08:00")
    command(portal, cid, "demo-dispatcher", "register", verified=True)
    command(portal, cid, "demo-dispatcher", "dispatch")
    back = command(portal, cid, "demo-enforcement", "return", reasons="属环卫职责")
    assert back["state"] == "returned" and back["returned_by"] == ["law_enforcement"]
    # the unit that returned it may not get it again
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands",
                    {"type": "dispatch", "unit": "law_enforcement"}, token="demo-dispatcher")[0] == 422
    assert command(portal, cid, "demo-dispatcher", "dispatch", unit="sanitation")["unit"] == "sanitation"
    esc = command(portal, cid, "demo-sanitation", "escalate", reason="涉及多个部门")
    assert esc["state"] == "escalated" and esc["deadlines"]["review"]["due"]
    assert set(esc["working_days_left"]) == {"review"}
    assert error_of(portal, "POST", f"/api/cases/{cid}/commands",
                    {"type": "assign_deputy", "deputy": "x"}, token="demo-dispatcher")[0] == 403
    assert command(portal, cid, "demo-leader", "assign_deputy", deputy="分管局长-钱进")["state"] == "handling"
    command(portal, cid, "demo-sanitation", "reply", reply="已处理")
    command(portal, cid, "demo-dispatcher", "check", passed=True, note="ok")
    command(portal, cid, "demo-leader", "close")
    # the hotline reporter is rated on the call-back by the dispatcher: a bad rating reopens it
    reopened = command(portal, cid, "demo-dispatcher", "rate", rating=1, comment="没有解决")
    assert reopened["state"] == "reopened" and reopened["deadlines"]["handling"]["rectification"] is True


def test_seed_demo_has_complaints(start_portal):
    p = start_portal("--seed-demo")
    # the dispatcher: it sees every complaint with its reporter (the supervisor sees them with reporters withheld)
    cases = p.json("GET", "/api/cases?kind=complaint", token="demo-dispatcher")["cases"]
    assert all(c["reporter"] == {"withheld": True}
               for c in p.json("GET", "/api/cases?kind=complaint", token="demo-supervisor")["cases"])
    states = {c["state"] for c in cases}
    assert {"received", "registered", "dispatched", "handling", "escalated", "returned", "replied", "closed",
            "rated", "reopened"} <= states, states
    assert len({c["category"] for c in cases}) >= 5
    assert any(c["deadlines"]["handling"]["light"] == "red" for c in cases)
    assert any(c["reporter"]["id"] == RESIDENT for c in cases)
    # the built-in users see their share of the seed
    mine = p.json("GET", "/api/cases", token="demo-resident")["cases"]
    assert mine and all(c["reporter"]["id"] == RESIDENT for c in mine)
    san = p.json("GET", "/api/cases", token="demo-sanitation")["cases"]
    assert san and all(c["unit"] == "sanitation" for c in san)
    # the permits are still all there
    assert len(p.json("GET", "/api/cases?kind=permit", token="demo-clerk")["cases"]) >= 15
    rep = p.json("GET", "/api/report?week=2026-11-30", token="demo-supervisor")
    assert rep["complaints"]["by_unit"]["sanitation"]["overdue"] >= 1
