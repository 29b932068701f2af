"""The decision clock at its edges through the Python module: a withdrawal while suspended and an acceptance
dated on a rest day (the same dates as tests/engine/clock_edges_test.cpp)."""
from pfhelpers import APP, CLERK, app, at, complete


def _accepted_road(engine):
    c = engine.submit(app("road_excavation", at("2026-03-02"), complete(engine, "road_excavation", at("2026-03-02"))))
    return engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-03-02", "11:00")})


def _suspend(engine, case_id, when):
    return engine.execute(case_id, {"type": "suspend", "actor": CLERK, "at": when, "reason": "testing",
                                    "expected_working_days": 5, "notice": "检测告知书"})


def test_withdrawal_while_suspended_is_met_and_closes_the_suspension(engine):
    c = _accepted_road(engine)
    _suspend(engine, c["id"], at("2026-03-04", "11:00"))
    w = engine.execute(c["id"], {"type": "withdraw", "actor": APP, "at": at("2026-03-25", "11:00")})
    assert w["state"] == "withdrawn"
    assert [(s["from"], s["to"]) for s in w["suspensions"]] == [("2026-03-04", "2026-03-25")]
    decision = w["deadlines"]["decision"]
    assert (decision["light"], decision["statutory_light"]) == ("met", "met")
    assert (decision["due"], decision["statutory_due"]) == ("2026-03-09", "2026-03-30")
    assert engine.get(c["id"]) == w


def test_withdrawal_while_suspended_after_the_statutory_due(engine):
    c = _accepted_road(engine)
    _suspend(engine, c["id"], at("2026-03-04", "11:00"))
    w = engine.execute(c["id"], {"type": "withdraw", "actor": APP, "at": at("2026-04-08", "11:00")})
    assert w["suspensions"][0]["to"] == "2026-04-08"
    assert w["deadlines"]["decision"]["statutory_light"] == "met"


def test_acceptance_on_a_rest_day_is_never_before_receipt(engine):
    s = engine.submit(app("road_excavation", at("2026-03-07"), complete(engine, "road_excavation", at("2026-03-07"))))
    assert s["received_on"] == "2026-03-09"  # Saturday's submission is received on Monday
    c = engine.execute(s["id"], {"type": "accept", "actor": CLERK, "at": at("2026-03-07", "11:00")})
    assert c["accepted_on"] == "2026-03-09"
    assert c["deadlines"]["decision"]["due"] == "2026-03-16"
