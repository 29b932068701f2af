"""The event feed from Python (docs/feed.md): pages, the iterator, durable consumers and refused requests."""
import pytest

import permitflow
from pfhelpers import CLERK, accepted, app, at


def test_records_follow_the_log(engine):
    case = accepted(engine, "road_excavation", "2026-06-01")
    log = engine.history(case["id"])
    records = list(engine.records(limit=1))
    assert [r["seq"] for r in records] == list(range(1, len(log) + 1))
    assert [r["event"]["hash"] for r in records] == [e["hash"] for e in log]
    assert records[-1]["state"] == "under_review"
    assert records[-1]["kind"] == "permit" and records[-1]["subject"] == "road_excavation"
    page = engine.feed(after=0, limit=1000)
    assert page["next"] == page["head"] == len(log)
    assert engine.verify()["feed_head"] == len(log)


def test_refused_command_adds_no_record(engine):
    case = accepted(engine, "road_excavation", "2026-06-01")
    head = engine.feed()["head"]
    with pytest.raises(permitflow.InvalidState):
        engine.execute(case["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-02")})
    assert engine.feed()["head"] == head


def test_durable_consumer(engine):
    engine.submit(app("construction_waste", at("2026-06-01")))
    engine.submit(app("construction_waste", at("2026-06-02")))
    assert [r["seq"] for r in engine.records(consumer="sms")] == [1, 2]
    engine.feed_ack("sms", 1)
    assert [r["seq"] for r in engine.records(consumer="sms")] == [2]
    with pytest.raises(permitflow.InvalidArgument):
        engine.feed_ack("sms", 0)  # never back
    with pytest.raises(permitflow.InvalidArgument):
        engine.feed_ack("sms", 3)  # past the head
    with pytest.raises(permitflow.InvalidArgument):
        engine.feed_ack("sms", True)
    engine.feed_ack("sms", 2)
    assert list(engine.records(consumer="sms")) == []


@pytest.mark.parametrize("request_", [{"profile": "fax"}, {"after": -1}, {"after": 10**6}, {"limit": 0},
                                      {"limit": 1001}, {"kinds": ["bundle"]}, {"consumer": "no spaces"}])
def test_bad_requests(engine, request_):
    with pytest.raises(permitflow.InvalidArgument):
        engine.feed(request_)
