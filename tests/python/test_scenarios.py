"""The worked examples of docs/worked_examples.md through the Python module, with the expectations of
the external conformance checks (same dates, same statuses), written with dates and aware datetimes."""
import datetime as dt

import pytest

import permitflow
from pfhelpers import APP, CLERK, HEAD, accepted, app, at, complete, d, reviewer


def test_t01_deemed_acceptance_before_national_day(engine):
    c = engine.submit(app("outdoor_advertising", at("2026-09-18")))
    assert c["state"] == "submitted" and c["received_on"] == "2026-09-18"
    assert c["deadlines"]["acceptance_notice"]["due"] == "2026-09-24"
    engine.run_due(at("2026-09-24", "23:59") + dt.timedelta(seconds=59))
    assert engine.get(c["id"])["state"] == "submitted"
    fired = engine.run_due(at("2026-09-25", "00:00"))
    assert any(f["case"] == c["id"] and f["kind"] == "acceptance_deemed" for f in fired), fired
    c = engine.get(c["id"])
    assert c["state"] == "under_review" and c["deemed_accepted"] is True and c["accepted_on"] == "2026-09-18"
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-10-22"


def test_t02_notice_on_the_last_day_vs_one_day_late(engine):
    c = engine.submit(app("road_excavation", at("2026-02-13")))
    assert c["deadlines"]["acceptance_notice"]["due"] == "2026-02-27"
    c2 = engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-02-27", "16:00")})
    assert c2["state"] == "awaiting_correction" and c2["notices"] and c2["notices"][0]["items"]

    late = engine.submit(app("road_excavation", at("2026-02-13")))
    with pytest.raises(permitflow.InvalidState) as info:
        engine.execute(late["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-02-28")})
    assert info.value.status == 3 and str(info.value)
    late = engine.get(late["id"])
    assert late["deemed_accepted"] is True and late["accepted_on"] == "2026-02-13"
    assert late["deadlines"]["decision"]["statutory_due"] == "2026-03-19"


def test_t04_accepted_just_before_may_day(engine):
    c = accepted(engine, "construction_waste", "2026-04-30")
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-06-01"


def test_t05_hearing_suspends_the_clock(engine):
    c = accepted(engine, "outdoor_advertising", "2026-03-02")
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-03-30"
    c = engine.execute(c["id"], {"type": "suspend", "actor": CLERK, "at": at("2026-03-10"), "reason": "hearing",
                                 "expected_working_days": 12, "notice": "听证告知书"})
    assert c["state"] == "suspended" and c["deadlines"]["decision"]["light"] == "stopped"
    assert c["suspensions"][0]["to"] is None
    c = engine.execute(c["id"], {"type": "resume", "actor": CLERK, "at": at("2026-03-25", "17:00")})
    assert c["state"] == "under_review"
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-04-16"
    assert c["suspensions"][0]["from"] == "2026-03-10" and c["suspensions"][0]["to"] == "2026-03-25"


def test_t09_suspension_extension_and_certificate_clock(engine):
    c = accepted(engine, "outdoor_advertising", "2026-06-01")
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-06-30"
    c = engine.execute(c["id"], {"type": "suspend", "actor": CLERK, "at": at("2026-06-08"), "reason": "testing",
                                 "expected_working_days": 5, "notice": "结构检测"})
    c = engine.execute(c["id"], {"type": "resume", "actor": CLERK, "at": at("2026-06-12", "17:00")})
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-07-07"
    c = engine.execute(c["id"], {"type": "extend", "actor": HEAD, "at": at("2026-07-03"), "working_days": 10,
                                 "reason": "需补充论证"})
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-07-21"
    assert c["deadlines"]["decision"]["extended_working_days"] == 10
    for dept in c["opinions"]:
        c = engine.execute(c["id"], {"type": "record_opinion", "actor": reviewer(dept), "at": at("2026-07-20"),
                                     "department": dept, "opinion": "approve"})
    try:
        c = engine.execute(c["id"], {"type": "record_inspection", "actor": CLERK, "at": at("2026-07-20", "15:00"),
                                     "inspectors": ["insp-1", "insp-2"], "findings": "现场核查符合"})
    except (permitflow.InvalidState, permitflow.RuleViolation):
        pass  # a definition without a site inspection may refuse it
    c = engine.execute(c["id"], {"type": "decide", "actor": HEAD, "at": at("2026-07-21"), "outcome": "approved"})
    assert c["state"] == "approved" and c["deadlines"]["issuance"]["due"] == "2026-08-04"


def test_t09_extension_after_the_statutory_due_is_refused(engine):
    c = accepted(engine, "outdoor_advertising", "2026-06-01")
    c = engine.execute(c["id"], {"type": "suspend", "actor": CLERK, "at": at("2026-06-08"), "reason": "testing",
                                 "expected_working_days": 5, "notice": "结构检测"})
    c = engine.execute(c["id"], {"type": "resume", "actor": CLERK, "at": at("2026-06-12", "17:00")})
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-07-07"
    engine.run_due(at("2026-07-08"))
    before = engine.history(c["id"])
    with pytest.raises(permitflow.RuleViolation) as info:
        engine.execute(c["id"], {"type": "extend", "actor": HEAD, "at": at("2026-07-08"), "working_days": 10,
                                 "reason": "迟"})
    assert info.value.status == 6
    after = engine.history(c["id"])
    assert len(after) == len(before)
    assert not [h for h in after if h["type"] == "extended"]


def test_t13_red_fires_on_a_sunday(engine):
    c = accepted(engine, "construction_waste", "2026-09-28")
    due = d(c["deadlines"]["decision"]["due"])
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-10-30"
    day_after = due + dt.timedelta(days=1)
    engine.run_due(f"{due.isoformat()}T23:59:59+08:00")
    assert engine.get(c["id"])["deadlines"]["decision"]["light"] in ("green", "yellow")
    engine.run_due(at(day_after.isoformat(), "00:00"))
    assert engine.get(c["id"])["deadlines"]["decision"]["light"] == "red"
    again = engine.run_due(at(day_after.isoformat(), "08:00"))
    assert not [f for f in again if f["case"] == c["id"] and f["kind"] == "deadline_overdue"]


def test_t14_year_boundary(engine):
    c = accepted(engine, "construction_waste", "2025-12-29")
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-01-27"
    assert c["deadlines"]["decision"]["provisional"] is False
    r = engine.add_working_days(d("2025-12-29"), 5)
    assert r == dt.date(2026, 1, 6) and r.provisional is False
    r = engine.add_working_days("2026-12-15", 20)
    assert r == dt.date(2027, 1, 13) and r.provisional is True


def test_t15_online_submission_on_a_saturday(engine):
    c = engine.submit(app("construction_waste", at("2026-03-07"),
                          complete(engine, "construction_waste", at("2026-03-07"))))
    assert c["received_on"] == "2026-03-09" and c["deadlines"]["acceptance_notice"]["due"] == "2026-03-16"
    c = engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-03-09")})
    assert c["deadlines"]["decision"]["statutory_due"] == "2026-04-07"


def test_t22_one_time_notice_integrity(engine):
    full = complete(engine, "road_excavation", at("2026-05-08"))
    assert len(full) >= 3
    c = engine.submit(app("road_excavation", at("2026-05-08"), full[2:]))
    engine.run_due(at("2026-05-09"))
    n = len(engine.history(c["id"]))
    with pytest.raises(permitflow.RuleViolation) as info:
        engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-05-09"),
                                 "items": [{"material": full[0]["id"], "problem": "missing"}]})
    assert full[1]["id"] in str(info.value)  # the message names the item left out
    assert len(engine.history(c["id"])) == n
    c = engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-05-09")})
    assert {full[0]["id"], full[1]["id"]} <= {i["material"] for i in c["notices"][0]["items"]}


def test_contract_errors(engine):
    with pytest.raises(permitflow.NotFound) as info:
        engine.get("no-such-case")
    assert info.value.status == 2 and str(info.value)
    for bad in ({}, {"permit": 7}, {"permit": "road_excavation", "at": "yesterday"}):
        with pytest.raises(permitflow.InvalidArgument) as info:
            engine.submit(bad)
        assert info.value.status == 1 and str(info.value)
    c = engine.submit(app("outdoor_advertising", at("2026-06-01")))
    with pytest.raises(permitflow.PermissionDenied) as info:
        engine.execute(c["id"], {"type": "decide", "actor": APP, "at": at("2026-06-02"), "outcome": "approved"})
    assert info.value.status == 4
    with pytest.raises(permitflow.Conflict) as info:
        engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-02"), "expected_version": 99})
    assert info.value.status == 5
    with pytest.raises(permitflow.RuleViolation):
        engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-02")})
    with pytest.raises(permitflow.InvalidArgument):
        engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-05-30")})
    assert engine.get(c["id"])["opinions"] == {}
