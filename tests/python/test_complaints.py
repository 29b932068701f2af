"""The complaint kind (城管快速服务, docs/complaints.md) through the Python module: a complaint of every category
through every path, with the module's existing functions only (the kind is in the application)."""
import datetime as dt

import pytest

import permitflow
from pfhelpers import CST, at

DISPATCHER = {"id": "clerk-li", "role": "dispatcher"}
LEADER = {"id": "deputy-director-wang", "role": "leader"}

# category → (unit of the dispatch table, another unit, the limit as the case shows it)
CATEGORIES = {
    "consultation": ("service_center", "general_office", {"working_days": 2}),
    "help": ("sanitation", "law_enforcement", {"working_days": 10}),
    "suggestion": ("general_office", "service_center", {"working_days": 10}),
    "complaint": ("law_enforcement", "sanitation", {"working_days": 15}),
    "report": ("law_enforcement", "sanitation", {"working_days": 15}),
    "exposed_garbage": ("sanitation", "law_enforcement", {"working_hours": 4}),
}
PATHS = ["normal", "returned", "check_failed", "extension", "escalation", "bad_rating"]


def handler(unit):
    return {"id": "staff-" + unit, "role": "handler", "unit": unit}


def reporter(n):
    return {"id": f"resident-{n}", "role": "reporter"}


class Clock:
    """Monday 2026-12-07 from 09:00, one minute per step (inside office hours)."""

    def __init__(self):
        self.t = at("2026-12-07", "09:00")

    def __call__(self):
        self.t += dt.timedelta(minutes=1)
        return self.t


def cmd(clock, type_, actor, **fields):
    return dict(type=type_, actor=actor, at=clock(), **fields)


def unchanged(engine, case_id, error, command):
    before = engine.get(case_id)
    with pytest.raises(error):
        engine.execute(case_id, command)
    assert engine.get(case_id) == before


def file_and_dispatch(engine, clock, category, n, source="hotline"):
    unit, _, limit = CATEGORIES[category]
    case = engine.submit({"kind": "complaint", "category": category,
                          "reporter": {"id": f"resident-{n}", "name": f"居民{n}"},
                          # a resident files from the portal or WeChat; the hotline's reports are the dispatcher's
                          "actor": reporter(n) if source in ("portal", "wechat") else DISPATCHER,
                          "at": clock(), "source": source, "description": "路灯不亮", "location": "人民路"})
    assert case["kind"] == "complaint" and case["category"] == category and case["state"] == "received"
    assert case["deadlines"]["handling"]["limit"] == limit
    assert case["responsible_unit"] == unit
    cid = case["id"]
    unchanged(engine, cid, permitflow.RuleViolation, cmd(clock, "register", DISPATCHER))
    unchanged(engine, cid, permitflow.PermissionDenied, cmd(clock, "register", reporter(n), verified=True))
    assert engine.execute(cid, cmd(clock, "register", DISPATCHER, verified=True))["state"] == "registered"
    case = engine.execute(cid, cmd(clock, "dispatch", DISPATCHER))
    assert case["state"] == "dispatched" and case["unit"] == unit
    return cid


def start(engine, clock, cid, unit, other):
    unchanged(engine, cid, permitflow.PermissionDenied, cmd(clock, "start_handling", handler(other)))
    assert engine.execute(cid, cmd(clock, "start_handling", handler(unit)))["state"] == "handling"


def finish(engine, clock, cid, unit, n, rating):
    case = engine.execute(cid, cmd(clock, "reply", handler(unit), reply="已处理，已电话答复"))
    assert case["state"] == "replied" and case["deadlines"]["handling"]["light"] == "met"
    assert engine.execute(cid, cmd(clock, "check", DISPATCHER, passed=True))["state"] == "checked"
    assert engine.execute(cid, cmd(clock, "close", DISPATCHER))["state"] == "closed"
    unchanged(engine, cid, permitflow.PermissionDenied, cmd(clock, "rate", reporter(n + 1000), rating=5))
    case = engine.execute(cid, cmd(clock, "rate", reporter(n), rating=rating))
    assert case["state"] == "rated" and case["rating"] == rating
    unchanged(engine, cid, permitflow.InvalidState, cmd(clock, "rate", reporter(n), rating=5))
    return case


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_every_category_through_every_path(engine, category, path):
    clock = Clock()
    unit, other, _ = CATEGORIES[category]
    n = PATHS.index(path)
    cid = file_and_dispatch(engine, clock, category, n)
    if path == "normal":
        start(engine, clock, cid, unit, other)
        finish(engine, clock, cid, unit, n, 5)
    elif path == "returned":
        case = engine.execute(cid, cmd(clock, "return", handler(unit), reasons="不属于本单位职责"))
        assert case["state"] == "returned" and case["returned_by"] == [unit] and case["unit"] is None
        unchanged(engine, cid, permitflow.RuleViolation, cmd(clock, "dispatch", DISPATCHER, unit=unit))
        case = engine.execute(cid, cmd(clock, "dispatch", DISPATCHER, unit=other))
        assert case["unit"] == other
        start(engine, clock, cid, other, unit)
        finish(engine, clock, cid, other, n, 4)
    elif path == "check_failed":
        start(engine, clock, cid, unit, other)
        engine.execute(cid, cmd(clock, "reply", handler(unit), reply="已清理"))
        unchanged(engine, cid, permitflow.RuleViolation, cmd(clock, "check", DISPATCHER, passed=False))
        case = engine.execute(cid, cmd(clock, "check", DISPATCHER, passed=False, note="仍未修复"))
        assert case["state"] == "handling" and case["failed_checks"] == 1 and case["replied_at"] is None
        finish(engine, clock, cid, unit, n, 3)
    elif path == "extension":
        start(engine, clock, cid, unit, other)
        due = engine.get(cid)["deadlines"]["handling"]["due"]
        unchanged(engine, cid, permitflow.RuleViolation,
                  cmd(clock, "extend", DISPATCHER, working_days=11, reason="多部门协调"))
        case = engine.execute(cid, cmd(clock, "extend", LEADER, working_days=3, reason="多部门协调"))
        assert case["deadlines"]["handling"]["extended_working_days"] == 3
        assert case["deadlines"]["handling"]["due"] > due
        unchanged(engine, cid, permitflow.RuleViolation,
                  cmd(clock, "extend", LEADER, working_days=1, reason="again"))
        finish(engine, clock, cid, unit, n, 5)
    elif path == "escalation":
        start(engine, clock, cid, unit, other)
        case = engine.execute(cid, cmd(clock, "escalate", handler(unit), reason="重大事项"))
        assert case["state"] == "escalated"
        assert case["deadlines"]["review"]["due"] == "2026-12-14T17:30:00+08:00"
        unchanged(engine, cid, permitflow.PermissionDenied,
                  cmd(clock, "assign_deputy", DISPATCHER, deputy="deputy-zhao"))
        case = engine.execute(cid, cmd(clock, "assign_deputy", LEADER, deputy="deputy-zhao"))
        assert case["state"] == "handling" and case["deputy"] == "deputy-zhao"
        finish(engine, clock, cid, unit, n, 4)
    elif path == "bad_rating":
        start(engine, clock, cid, unit, other)
        engine.execute(cid, cmd(clock, "reply", handler(unit), reply="已处理"))
        engine.execute(cid, cmd(clock, "check", DISPATCHER, passed=True))
        engine.execute(cid, cmd(clock, "close", DISPATCHER))
        case = engine.execute(cid, cmd(clock, "rate", reporter(n), rating=2, comment="没有解决"))
        assert case["state"] == "reopened" and case["reopened"] == 1
        assert case["deadlines"]["handling"]["limit"] == {"working_days": 15}
        assert case["deadlines"]["handling"]["due"] == "2026-12-28T17:30:00+08:00"
        assert engine.execute(cid, cmd(clock, "dispatch", DISPATCHER))["unit"] == unit
        start(engine, clock, cid, unit, other)
        assert finish(engine, clock, cid, unit, n, 5)["ratings"] == [2, 5]
    types = [e["type"] for e in engine.history(cid)]
    assert types[0] == "submitted" and types[-1] == "rated"
    assert engine.verify()["ok"]


def test_working_hour_due_of_the_issue(engine):
    case = engine.submit({"kind": "complaint", "category": "exposed_garbage", "reporter": {"id": "patrol-7"},
                          "actor": DISPATCHER, "at": dt.datetime(2026, 9, 30, 16, 0, tzinfo=CST),
                          "source": "patrol", "description": "垃圾暴露"})
    assert case["deadlines"]["handling"]["due"] == "2026-10-08T11:00:00+08:00"
    # A patrol's own finding needs no verification before 立案.
    assert engine.execute(case["id"], {"type": "register", "actor": DISPATCHER,
                                       "at": "2026-09-30T16:10:00+08:00"})["state"] == "registered"
    fired = engine.run_due("2026-10-08T12:00:00+08:00")
    assert [(f["kind"], f["clock"]) for f in fired] == [("deadline_warning", "handling"),
                                                        ("deadline_overdue", "handling")]
    # Yellow when a fifth of the 240 working minutes remain: 10:12 on 8 Oct.
    assert fired[0]["due"] == "2026-10-08T10:12:00+08:00"
    assert engine.get(case["id"])["deadlines"]["handling"]["light"] == "red"
    assert engine.run_due("2026-10-09T12:00:00+08:00") == []


def test_queue_filters_and_visibility(engine):
    clock = Clock()
    a = file_and_dispatch(engine, clock, "help", 1)
    b = file_and_dispatch(engine, clock, "complaint", 2)
    ids = lambda answer: [c["id"] for c in answer["cases"]]  # noqa: E731
    assert ids(engine.query(kind="complaint", state="dispatched")) == sorted([a, b])
    assert ids(engine.query(category="help")) == [a]
    assert ids(engine.query(kind="permit")) == []
    assert ids(engine.query(actor=handler("sanitation"))) == [a]
    assert ids(engine.query(actor=reporter(2))) == [b]
    assert ids(engine.query(unit="law_enforcement")) == [b]
    with pytest.raises(permitflow.InvalidArgument):
        engine.query(kind="petition")
    with pytest.raises(permitflow.InvalidArgument):
        engine.query(category="road_excavation")


def test_weekly_report_lists_unresolved_by_unit(engine):
    clock = Clock()
    a = file_and_dispatch(engine, clock, "consultation", 1)  # 2 working days: due Wed 9 Dec 17:30
    report = engine.report("2026-12-14")
    c = report["complaints"]
    assert c["unresolved"] == [{"case": a, "category": "consultation", "reporter": "居民1", "state": "dispatched",
                                "unit": "service_center", "due": "2026-12-09T17:30:00+08:00", "light": "red",
                                # late Thu 10 Dec … dated Mon 21 Dec: 10, 11, 14–18, 21 = 8 working days
                                "working_days_late": 8}]
    assert c["by_unit"]["service_center"] == {"open": 1, "overdue": 1, "closed": 0, "returned": 0, "reopened": 0}
    csv = engine.report("2026-12-14", format="csv")["csv"]
    assert f"complaint_unresolved,{a},consultation," in csv


def test_bad_complaints_are_refused_and_create_nothing(engine):
    base = {"kind": "complaint", "category": "help", "reporter": {"id": "r1"}, "actor": {"id": "r1", "role": "reporter"},
            "at": "2026-12-07T09:00:00+08:00", "description": "x"}
    for bad, error in [({"category": "noise"}, permitflow.InvalidArgument),
                       ({"source": "fax"}, permitflow.InvalidArgument),
                       ({"permit": "road_excavation"}, permitflow.InvalidArgument),
                       ({"actor": {"id": "c", "role": "clerk"}}, permitflow.PermissionDenied),
                       ({"actor": {"id": "r2", "role": "reporter"}}, permitflow.PermissionDenied)]:
        with pytest.raises(error):
            engine.submit({**base, **bad})
    assert engine.query(kind="complaint")["cases"] == []
    with pytest.raises(permitflow.InvalidArgument):
        engine.precheck(base)
