"""What an actor may see and do, through the Python module (docs/policy.md): get/history with an actor,
allowed_commands, command ids per actor (both attacks), the reviewer's department, the reporter's sources,
withheld reporters and the report per role. Refusals are checked to leave the log and the ledger as they were."""
import pytest

import permitflow
from pfhelpers import CLERK, FACTS, accepted, at, reviewer

VICTIM = {"id": "91320922VICTIM0001", "role": "applicant"}
ATTACKER = {"id": "91320922ATTACK0001", "role": "applicant"}
DISPATCHER = {"id": "clerk-li", "role": "dispatcher"}
LEADER = {"id": "deputy-wang", "role": "leader"}
RESIDENT = {"id": "resident-7", "role": "reporter"}
SANITATION = {"id": "staff-s", "role": "handler", "unit": "sanitation"}


def application(actor, when, command_id=None):
    a = {"permit": "construction_waste", "applicant": {"id": actor["id"], "name": "某工程公司"}, "actor": actor,
         "at": when, "facts": FACTS["construction_waste"], "materials": []}
    if command_id:
        a["command_id"] = command_id
    return a


def complaint(actor, source):
    return {"kind": "complaint", "category": "exposed_garbage", "reporter": {"id": "resident-7", "name": "王小明"},
            "actor": actor, "at": "2026-12-07T09:00:00+08:00", "source": source, "description": "垃圾",
            "location": "人民路1号"}


def ledger(e):
    return e.verify()["ledger_count"]


def test_reads_with_an_actor(engine):
    c = engine.submit(application(VICTIM, at("2026-06-01")))
    assert engine.get(c["id"], actor=VICTIM)["allowed_commands"] == ["withdraw"]
    assert engine.get_case_as(c["id"], CLERK)["allowed_commands"] == ["accept", "request_correction", "reject"]
    assert "allowed_commands" not in engine.get(c["id"])
    assert engine.history(c["id"], actor=VICTIM) == engine.history(c["id"])
    for who in (ATTACKER, reviewer("municipal_roads"), DISPATCHER):
        with pytest.raises(permitflow.PermissionDenied):
            engine.get(c["id"], actor=who)
        with pytest.raises(permitflow.PermissionDenied):
            engine.history_as(c["id"], who)
    with pytest.raises(permitflow.InvalidArgument):
        engine.get(c["id"], actor={"id": "x"})


def test_command_ids_on_submit_are_per_applicant(engine):
    v1 = engine.submit(application(VICTIM, at("2026-06-01", "09:00"), "portal-1"))
    n = ledger(engine)
    a1 = engine.submit(application(ATTACKER, at("2026-06-01", "09:05"), "portal-1"))
    assert a1["id"] != v1["id"] and a1["applicant"]["id"] == ATTACKER["id"]
    assert ledger(engine) == n + 1
    a2 = engine.submit(application(ATTACKER, at("2026-06-01", "09:10"), "portal-2"))
    v2 = engine.submit(application(VICTIM, at("2026-06-01", "09:20"), "portal-2"))
    assert v2["id"] != a2["id"] and v2["applicant"]["id"] == VICTIM["id"]
    n = ledger(engine)
    assert engine.submit(application(VICTIM, at("2026-06-01", "09:30"), "portal-2"))["id"] == v2["id"]
    assert ledger(engine) == n


def test_command_ids_on_execute_are_per_applicant(engine):
    victim = engine.submit(application(VICTIM, at("2026-06-01", "09:00")))["id"]
    own = engine.submit(application(ATTACKER, at("2026-06-01", "09:05")))["id"]
    cmd = {"type": "withdraw", "actor": VICTIM, "at": at("2026-06-01", "10:00"), "command_id": "w-1"}
    engine.execute(victim, cmd)
    before, n = engine.history(victim), ledger(engine)
    with pytest.raises(permitflow.PermissionDenied):
        engine.execute(victim, {**cmd, "actor": ATTACKER})
    assert engine.history(victim) == before and ledger(engine) == n
    mine = engine.execute(own, {**cmd, "actor": ATTACKER})
    assert mine["id"] == own and mine["state"] == "withdrawn"
    assert engine.history(victim) == before


def test_a_reviewer_of_another_department_may_not_inspect(engine):
    c = accepted(engine, "construction_waste", "2026-06-01")
    cmd = {"type": "record_inspection", "actor": reviewer("municipal_roads"), "at": at("2026-06-02"),
           "inspectors": ["i-1", "i-2"], "findings": "符合"}
    before, n = engine.history(c["id"]), ledger(engine)
    with pytest.raises(permitflow.PermissionDenied):
        engine.execute(c["id"], cmd)
    assert engine.history(c["id"]) == before and ledger(engine) == n
    done = engine.execute(c["id"], {**cmd, "actor": reviewer("traffic_police")})
    assert len(done["inspections"]) == 1


def test_reporters_sources_and_contact_details(engine):
    n = ledger(engine)
    with pytest.raises(permitflow.PermissionDenied):
        engine.submit(complaint(RESIDENT, "referral"))
    assert ledger(engine) == n
    c = engine.submit(complaint(RESIDENT, "wechat"))
    assert c["reporter"]["name"] == "王小明"
    assert engine.get(c["id"], actor=LEADER)["reporter"] == {"withheld": True}
    assert "resident-7" not in str(engine.history(c["id"], actor=LEADER))
    assert engine.get(c["id"], actor=DISPATCHER)["reporter"]["name"] == "王小明"
    engine.execute(c["id"], {"type": "register", "actor": DISPATCHER, "at": "2026-12-07T09:10:00+08:00",
                             "verified": True})
    engine.execute(c["id"], {"type": "dispatch", "actor": DISPATCHER, "at": "2026-12-07T09:20:00+08:00"})
    seen = engine.get(c["id"], actor=SANITATION)
    assert seen["reporter"]["name"] == "王小明"
    assert seen["allowed_commands"] == ["return", "start_handling", "escalate"]
    report = engine.report("2026-12-07", actor=LEADER)
    assert [r["reporter"] for r in report["complaints"]["unresolved"]] == [""]
    report = engine.report("2026-12-07", actor=SANITATION)
    assert [r["reporter"] for r in report["complaints"]["unresolved"]] == ["王小明"]
    assert engine.report("2026-12-07", actor=CLERK)["complaints"]["unresolved"] == []
