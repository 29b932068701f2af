"""Tolerant acceptance (容缺受理) and acceptance on commitment (告知承诺) through the Python module: the worked
examples of docs/contract.md §17, each new command by each role, and refusals that change nothing."""
import pytest

import permitflow
from pfhelpers import APP, CLERK, HEAD, app, at, complete, reviewer

SIGNED = {"signed_by": "张三", "signed_at": at("2026-06-01", "09:30"), "text_sha256": "b" * 64}
SUPERVISOR = {"id": "sup-1", "role": "supervisor"}


def without(e, permit, when, drop):
    return [m for m in complete(e, permit, when) if m["id"] not in drop]


def tolerance(supply_by, items=("rendering",)):
    return {"items": list(items), "supply_by": supply_by, "commitment": SIGNED}


def unchanged(e, case_id, command, error):
    before = e.get_case(case_id)
    with pytest.raises(error):
        e.execute(case_id, command)
    assert e.get_case(case_id) == before
    assert len(e.history(case_id)) == before["version"]


def advert(e):
    when = at("2026-06-01", "09:00")
    return e.submit(app("outdoor_advertising", when, without(e, "outdoor_advertising", when, {"rendering"})))


def test_outdoor_advertising_tolerance_and_lapse(engine):
    c = advert(engine)
    accept = {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00")}
    unchanged(engine, c["id"], dict(accept, tolerance=tolerance("2026-06-16")), permitflow.RuleViolation)
    c = engine.execute(c["id"], dict(accept, tolerance=tolerance("2026-06-15")))
    assert c["deadlines"]["decision"]["due"] == "2026-06-15"
    assert c["tolerance"]["pending"] is True
    assert [x["id"] for x in engine.query({"tolerance_pending": True})["cases"]] == [c["id"]]
    fired = engine.run_due(at("2026-06-16", "00:00"))
    lapses = [f for f in fired if f["kind"] == "tolerance_lapsed"]
    assert len(lapses) == 1 and lapses[0]["events"][0]["type"] == "terminated"
    assert not [f for f in engine.run_due(at("2026-06-30", "00:00")) if f["kind"] == "tolerance_lapsed"]
    c = engine.get_case(c["id"])
    assert c["state"] == "terminated" and c["end_reason"] == "tolerance_lapsed"


@pytest.mark.parametrize("actor,error", [
    (CLERK, permitflow.PermissionDenied), (HEAD, permitflow.PermissionDenied),
    (reviewer("traffic_police"), permitflow.PermissionDenied), (SUPERVISOR, permitflow.PermissionDenied),
    ({"id": "other", "role": "applicant"}, permitflow.PermissionDenied), (APP, None)])
def test_supply_by_role(engine, actor, error):
    c = advert(engine)
    engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00"),
                             "tolerance": tolerance("2026-06-12")})
    cmd = {"type": "supply", "actor": actor, "at": at("2026-06-03"),
           "materials": [{"id": "rendering", "format": "pdf"}]}
    if error:
        if actor["role"] in ("clerk", "head", "supervisor"):  # who may see the case but not supply
            assert "supply" not in engine.get(c["id"], actor=actor)["allowed_commands"]
        unchanged(engine, c["id"], cmd, error)
    else:
        assert "supply" in engine.get(c["id"], actor=actor)["allowed_commands"]
        assert engine.execute(c["id"], cmd)["tolerance"]["pending"] is False
        assert "supply" not in engine.get(c["id"], actor=actor)["allowed_commands"]


def test_issuance_held_while_pending(engine):
    c = advert(engine)
    cid = c["id"]
    engine.execute(cid, {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00"),
                         "tolerance": tolerance("2026-06-12")})
    engine.execute(cid, {"type": "record_inspection", "actor": CLERK, "at": at("2026-06-02"),
                         "inspectors": ["a", "b"], "findings": "ok"})
    engine.execute(cid, {"type": "decide", "actor": HEAD, "at": at("2026-06-03"), "outcome": "approved"})
    unchanged(engine, cid, {"type": "issue_certificate", "actor": CLERK, "at": at("2026-06-04")},
              permitflow.RuleViolation)
    engine.execute(cid, {"type": "supply", "actor": APP, "at": at("2026-06-05"),
                         "materials": [{"id": "rendering", "format": "png"}]})
    assert engine.execute(cid, {"type": "issue_certificate", "actor": CLERK,
                                "at": at("2026-06-05", "15:00")})["state"] == "issued"


def committed_waste(engine, facts=None):
    when = at("2026-02-26", "09:00")
    a = app("construction_waste", when,
            without(engine, "construction_waste", when, {"transport_contract", "vehicle_management_rules"}), facts)
    a["commitment"] = dict(SIGNED, items=["transport_contract", "vehicle_management_rules"])
    return a


@pytest.mark.parametrize("actor,error", [
    (CLERK, None), (HEAD, None), (reviewer("traffic_police"), permitflow.PermissionDenied),
    (APP, permitflow.PermissionDenied), (SUPERVISOR, permitflow.PermissionDenied)])
def test_record_verification_by_role(engine, actor, error):
    c = engine.submit(committed_waste(engine))
    cid = c["id"]
    engine.execute(cid, {"type": "accept", "actor": CLERK, "at": at("2026-02-26", "11:00")})
    engine.execute(cid, {"type": "record_opinion", "actor": reviewer("traffic_police"), "at": at("2026-02-27"),
                         "department": "traffic_police", "opinion": "approve"})
    engine.execute(cid, {"type": "record_inspection", "actor": CLERK, "at": at("2026-02-27"),
                         "inspectors": ["a", "b"], "findings": "ok"})
    d = engine.execute(cid, {"type": "decide", "actor": HEAD, "at": at("2026-03-02"), "outcome": "approved"})
    assert d["deadlines"]["verification"]["due"] == "2026-04-14"
    overdue = [f for f in engine.run_due(at("2026-04-15", "00:00"))
               if f["kind"] == "deadline_overdue" and f["clock"] == "verification"]
    assert len(overdue) == 1
    cmd = {"type": "record_verification", "actor": actor, "at": at("2026-04-20"), "result": "false",
           "method": "document_check"}
    if error:
        unchanged(engine, cid, cmd, error)
        return
    assert "record_verification" in engine.get(cid, actor=actor)["allowed_commands"]
    c = engine.execute(cid, cmd)
    assert "record_verification" not in engine.get(cid, actor=actor)["allowed_commands"]
    assert c["state"] == "revoked" and c["end_reason"] == "false_commitment" and c["credit_flagged"] is True
    assert [e["type"] for e in engine.history(cid)[-3:]] == ["verification_recorded", "revoked", "credit_flagged"]
    report = engine.report("2026-04-20")
    assert [r["case"] for r in report["commitment"]["false_commitments"]] == [cid]


def test_credit_gate(engine):
    facts = {"volume_m3": 300, "route": "r", "disposal_site": "s",
             "vehicles": [{"plate": "苏J67890", "enclosed": True, "recorder": True}],
             "false_commitment_on_record": True}
    with pytest.raises(permitflow.RuleViolation, match="false_commitment_on_record"):
        engine.submit(committed_waste(engine, facts))
    a = committed_waste(engine, facts)
    del a["commitment"]
    n = engine.precheck(a)
    assert [i["material"] for i in n["items"]] == ["transport_contract", "vehicle_management_rules"]
    assert engine.query({})["cases"] == []


def test_supply_and_verification_refused_in_every_other_state(engine):
    """Each new command in every state where it has nothing to act on: refused, the case unchanged."""
    refused = (permitflow.InvalidState, permitflow.RuleViolation)
    supply = {"type": "supply", "actor": APP, "at": at("2026-06-03"),
              "materials": [{"id": "rendering", "format": "pdf"}]}
    verification = {"type": "record_verification", "actor": CLERK, "at": at("2026-06-03"), "result": "confirmed",
                    "method": "document_check"}
    cases = {}
    cases["submitted"] = advert(engine)
    c = advert(engine)
    cases["awaiting_correction"] = engine.execute(c["id"], {"type": "request_correction", "actor": CLERK,
                                                            "at": at("2026-06-02")})
    full = complete(engine, "outdoor_advertising", at("2026-06-01", "09:00"))
    c = engine.submit(app("outdoor_advertising", at("2026-06-01", "09:00"), full))
    cases["under_review without a tolerance"] = engine.execute(
        c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00")})
    c = advert(engine)
    cases["withdrawn"] = engine.execute(c["id"], {"type": "withdraw", "actor": APP, "at": at("2026-06-02")})
    c = advert(engine)
    engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00"),
                             "tolerance": tolerance("2026-06-02")})
    engine.run_due(at("2026-06-03", "00:00"))  # lapsed at 00:00 after supply_by
    cases["terminated"] = engine.get_case(c["id"])
    c = advert(engine)
    engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-01", "11:00"),
                             "tolerance": tolerance("2026-06-05")})
    cases["supplied already"] = engine.execute(c["id"], supply)
    assert [c["state"] for c in cases.values()] == [
        "submitted", "awaiting_correction", "under_review", "withdrawn", "terminated", "under_review"]
    for name, c in cases.items():
        # Not offered where it would be refused (allowed_commands and execute share the check).
        assert "supply" not in engine.get(c["id"], actor=APP)["allowed_commands"], name
        assert "record_verification" not in engine.get(c["id"], actor=CLERK)["allowed_commands"], name
        for cmd in (supply, verification):  # none of these cases was decided on a commitment
            try:
                unchanged(engine, c["id"], cmd, refused)
            except AssertionError as e:
                raise AssertionError(f"{cmd['type']} in {name}: {e}") from e
