"""Every function, type and exception of the permitflow module."""
import datetime as dt
import os
import pickle
import re

import pytest

import permitflow
from permitflow import _permitflow
from pfhelpers import APP, CLERK, CST, HEAD, accepted, app, at, complete, d, reviewer

EXCEPTIONS = {
    "InvalidArgument": 1, "NotFound": 2, "InvalidState": 3, "PermissionDenied": 4, "Conflict": 5,
    "RuleViolation": 6, "StorageError": 7, "Internal": 8,
}


# --- the module -------------------------------------------------------------------------------------------
def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", permitflow.__version__)
    assert permitflow.version() == permitflow.__version__ == _permitflow.__version__ == _permitflow.version()


def test_public_names():
    for name in permitflow.__all__:
        assert hasattr(permitflow, name), name
    assert permitflow.Engine.__doc__ and permitflow.__doc__


def test_docstrings_everywhere():
    for name in ("precheck", "submit", "execute", "get", "history", "query", "run_due", "report", "verify",
                 "add_working_days", "close"):
        assert getattr(permitflow.Engine, name).__doc__, name
        native = "get_case" if name == "get" else name
        assert getattr(_permitflow.Engine, native).__doc__, native
    for name in EXCEPTIONS:
        assert getattr(permitflow, name).__doc__, name


def test_typed_package_files():
    here = os.path.dirname(permitflow.__file__)
    assert os.path.exists(os.path.join(here, "py.typed"))
    assert os.path.exists(os.path.join(here, "_permitflow.pyi"))


# --- the exception hierarchy ------------------------------------------------------------------------------
@pytest.mark.parametrize("name,status", EXCEPTIONS.items())
def test_exception_classes(name, status):
    cls = getattr(permitflow, name)
    assert issubclass(cls, permitflow.Error) and issubclass(cls, Exception)
    assert cls.status == status
    assert cls is getattr(_permitflow, name)
    assert cls.__module__ == "permitflow"
    e = cls("a message")
    assert str(e) == "a message" and e.status == status and e.field is None


def test_builtin_bases():
    assert issubclass(permitflow.InvalidArgument, ValueError)
    assert issubclass(permitflow.NotFound, LookupError)
    assert not issubclass(permitflow.RuleViolation, ValueError)
    assert permitflow.Error.status == 0


def test_invalid_argument_carries_message_status_and_field(engine):
    with pytest.raises(permitflow.InvalidArgument) as info:
        engine.submit(app("no_such_permit", at("2026-06-01"), facts={}))
    assert info.value.status == 1 and "no_such_permit" in str(info.value)
    assert info.value.field is None or info.value.field.startswith("/")
    with pytest.raises(ValueError):  # also catchable as the built-in
        engine.add_working_days("2026-02-30", 1)


def test_not_found(engine):
    with pytest.raises(permitflow.NotFound) as info:
        engine.history("no-such-case")
    assert info.value.status == 2 and "no-such-case" in str(info.value)
    with pytest.raises(LookupError):
        engine.execute("no-such-case", {"type": "accept", "actor": CLERK, "at": at("2026-06-02")})


def test_invalid_state(engine):
    c = engine.submit(app("outdoor_advertising", at("2026-06-01")))
    with pytest.raises(permitflow.InvalidState) as info:
        engine.execute(c["id"], {"type": "resume", "actor": CLERK, "at": at("2026-06-02")})
    assert info.value.status == 3 and str(info.value)


def test_permission_denied(engine):
    c = engine.submit(app("outdoor_advertising", at("2026-06-01")))
    with pytest.raises(permitflow.PermissionDenied) as info:
        engine.execute(c["id"], {"type": "accept", "actor": APP, "at": at("2026-06-02")})
    assert info.value.status == 4


def test_conflict(engine):
    c = engine.submit(app("outdoor_advertising", at("2026-06-01")))
    with pytest.raises(permitflow.Conflict) as info:
        engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-06-02"),
                                 "expected_version": c["version"] + 5})
    assert info.value.status == 5
    c2 = engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-06-02"),
                                  "expected_version": c["version"]})
    assert c2["state"] == "awaiting_correction"


def test_rule_violation(engine):
    c = engine.submit(app("outdoor_advertising", at("2026-06-01")))
    with pytest.raises(permitflow.RuleViolation) as info:
        engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-06-02")})
    assert info.value.status == 6 and str(info.value)


def test_storage_error(tmp_path):
    (tmp_path / "not-a-db").write_bytes(b"this is not a SQLite database, just text " * 200)
    with pytest.raises(permitflow.StorageError) as info:
        with permitflow.Engine(str(tmp_path / "not-a-db")) as e:
            e.verify()
    assert info.value.status == 7 and str(info.value)


def test_internal_is_raisable_and_caught_as_error():
    with pytest.raises(permitflow.Error) as info:
        raise permitflow.Internal("boom")
    assert info.value.status == 8


def test_every_error_is_caught_as_error(engine):
    with pytest.raises(permitflow.Error):
        engine.get("nope")


# --- opening and closing ----------------------------------------------------------------------------------
def test_engine_context_manager_and_close(db_path):
    with permitflow.Engine(db_path) as e:
        assert not e.closed and db_path in repr(e)
        e.submit(app("outdoor_advertising", at("2026-06-01")))
    assert e.closed and "closed" in repr(e)
    with pytest.raises(permitflow.InvalidState):
        e.verify()
    e.close()  # twice is harmless


def test_exit_does_not_swallow_exceptions(db_path):
    with pytest.raises(KeyError):
        with permitflow.Engine(db_path):
            raise KeyError("x")


def test_reopen_keeps_cases(db_path):
    with permitflow.Engine(db_path) as e:
        c = e.submit(app("outdoor_advertising", at("2026-06-01")))
    with permitflow.Engine(db_path, utc_offset_minutes=480, county_code="320922") as e:
        assert e.get(c["id"])["state"] == "submitted"
        assert e.verify()["ok"] is True


def test_pathlike_database_and_config_keywords(tmp_path):
    with permitflow.Engine(tmp_path / "p.db", county_code="320922", synchronous="normal", log_level="off") as e:
        c = e.submit(app("road_excavation", at("2026-03-02")))
        assert c["id"].startswith("320922-")


def test_open_factory(tmp_path):
    with permitflow.open({"database": str(tmp_path / "o.db"), "county_code": "320922"}) as e:
        assert isinstance(e, permitflow.Engine)
        assert e.verify()["ok"]
    with pytest.raises(permitflow.InvalidArgument):
        permitflow.open({"county_code": "320922"})


def test_bad_config(tmp_path):
    with pytest.raises(permitflow.InvalidArgument):
        permitflow.Engine(str(tmp_path / "x.db"), no_such_option=1)
    with pytest.raises(permitflow.InvalidArgument):
        permitflow.Engine(str(tmp_path / "x.db"), county_code="12")
    with pytest.raises(permitflow.InvalidArgument):
        permitflow.Engine(None)


# --- the calls --------------------------------------------------------------------------------------------
def test_precheck_creates_nothing(engine):
    n = engine.precheck(app("road_excavation", at("2026-03-02")))
    assert n["complete"] is False and n["items"] and isinstance(n["flags"], list)
    assert {i["problem"] for i in n["items"]} <= {"missing", "expired", "invalid_format", "condition_required",
                                                   "invalid_content"}
    assert engine.query()["cases"] == []
    full = complete(engine, "road_excavation", at("2026-03-02"))
    assert engine.precheck(app("road_excavation", at("2026-03-02"), full))["complete"] is True


def test_submit_execute_get_history(engine):
    c = engine.submit(app("road_excavation", at("2026-03-02")))
    assert c["state"] == "submitted" and c["permit"] == "road_excavation" and c["version"] >= 1
    assert set(c["opinions"]) == {"municipal_roads", "traffic_police"}
    c = engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": at("2026-03-03")})
    assert c["state"] == "awaiting_correction"
    assert engine.get(c["id"]) == c == engine.get_case(c["id"])
    h = engine.history(c["id"])
    assert [e["type"] for e in h] == ["submitted", "correction_requested"]
    assert h[1]["prev_hash"] == h[0]["hash"] and h[0]["seq"] < h[1]["seq"]
    full = complete(engine, "road_excavation", at("2026-03-02"))
    c = engine.execute(c["id"], {"type": "resubmit", "actor": APP, "at": at("2026-03-05"), "materials": full})
    assert c["state"] == "submitted"
    c = engine.execute(c["id"], {"type": "accept", "actor": CLERK, "at": at("2026-03-05", "15:00")})
    assert c["state"] == "under_review" and c["accepted_on"] == "2026-03-05"


def test_query_with_dict_and_keywords(engine):
    a = accepted(engine, "outdoor_advertising", "2026-03-02")
    b = engine.submit(app("road_excavation", at("2026-03-02")))
    assert [c["id"] for c in engine.query()["cases"]] == sorted([a["id"], b["id"]])
    assert [c["id"] for c in engine.query({"state": "under_review"})["cases"]] == [a["id"]]
    assert [c["id"] for c in engine.query(permit="road_excavation")["cases"]] == [b["id"]]
    assert engine.query({"permit": "road_excavation"}, state="under_review")["cases"] == []
    page = engine.query(limit=1)
    assert len(page["cases"]) == 1 and page["next"]
    rest = engine.query(limit=1, after=page["next"])
    assert rest["cases"][0]["id"] != page["cases"][0]["id"]
    assert engine.query(due_before=d("2026-12-31"))["cases"]
    with pytest.raises(permitflow.InvalidArgument):
        engine.query(no_such_filter=1)


def test_run_due_takes_aware_datetimes_and_strings(engine):
    c = engine.submit(app("outdoor_advertising", at("2026-09-18")))
    assert engine.run_due("2026-09-24T23:59:59+08:00") == [] or all(
        f["kind"] != "acceptance_deemed" for f in engine.run_due("2026-09-24T23:59:59+08:00"))
    # 2026-09-24 16:00 UTC is 2026-09-25 00:00 in the bureau's zone
    fired = engine.run_due(dt.datetime(2026, 9, 24, 16, 0, tzinfo=dt.timezone.utc))
    kinds = [f["kind"] for f in fired if f["case"] == c["id"]]
    assert "acceptance_deemed" in kinds
    assert {"case", "kind", "clock", "due", "events"} <= set(fired[0])
    assert engine.run_due(at("2026-09-25", "00:00")) == [] or "acceptance_deemed" not in [
        f["kind"] for f in engine.run_due(at("2026-09-25", "00:00"))]


def test_naive_datetimes_are_refused(engine):
    naive = dt.datetime(2026, 6, 1, 10, 0)
    with pytest.raises(permitflow.InvalidArgument) as info:
        engine.run_due(naive)
    assert "time zone" in str(info.value) and info.value.status == 1
    with pytest.raises(permitflow.InvalidArgument):
        engine.submit(app("outdoor_advertising", naive))
    c = engine.submit(app("outdoor_advertising", at("2026-06-01")))
    with pytest.raises(permitflow.InvalidArgument) as info:
        engine.execute(c["id"], {"type": "request_correction", "actor": CLERK, "at": naive})
    assert info.value.field == "/at"
    with pytest.raises(permitflow.InvalidArgument):
        engine.run_due(dt.date(2026, 6, 1))  # a date is not a time


def test_dates_in_facts_and_materials(engine):
    facts = dict(app("road_excavation", at("2026-03-02"))["facts"], planned_start=dt.date(2027, 4, 1))
    c = engine.submit(app("road_excavation", at("2026-03-02"), facts=facts,
                          materials=[{"id": "traffic_plan", "format": "pdf", "expires_on": dt.date(2027, 1, 1)}]))
    assert c["facts"]["planned_start"] == "2027-04-01"
    assert any(m["id"] == "traffic_plan" and m["expires_on"] == "2027-01-01" for m in c["materials"])


def test_other_time_zones_are_converted_by_the_engine(engine):
    utc = dt.datetime(2026, 3, 6, 17, 0, tzinfo=dt.timezone.utc)  # Sat 2026-03-07 01:00 in UTC+8
    c = engine.submit(app("construction_waste", utc))
    assert c["received_on"] == "2026-03-09"


def test_unserialisable_input_is_invalid_argument(engine):
    with pytest.raises(permitflow.InvalidArgument):
        engine.submit("not a dict")
    with pytest.raises(permitflow.InvalidArgument):
        engine.submit(dict(app("outdoor_advertising", at("2026-06-01")), extra=object()))
    with pytest.raises(permitflow.InvalidArgument):
        engine.precheck(dict(app("outdoor_advertising", at("2026-06-01")), facts={1: "x"}))
    with pytest.raises(permitflow.InvalidArgument):
        engine.precheck(dict(app("outdoor_advertising", at("2026-06-01")), facts={"area_m2": float("nan")}))
    with pytest.raises(permitflow.InvalidArgument):
        engine.get(42)


def test_add_working_days(engine):
    r = engine.add_working_days(dt.date(2026, 9, 18), 5)
    assert isinstance(r, dt.date) and isinstance(r, permitflow.WorkingDate)
    assert r == dt.date(2026, 9, 24) and r.provisional is False
    assert engine.add_working_days("2026-09-18", 0) == dt.date(2026, 9, 18)
    assert engine.add_working_days("2027-06-01", 1).provisional is True
    with pytest.raises(permitflow.InvalidArgument):
        engine.add_working_days("2026-09-18", -1)
    with pytest.raises(permitflow.InvalidArgument):
        engine.add_working_days("2026-09-18", True)
    with pytest.raises(permitflow.InvalidArgument):
        engine.add_working_days("2026-09-18", 2**40)
    with pytest.raises(permitflow.InvalidArgument):
        engine.add_working_days(dt.datetime(2026, 9, 18, tzinfo=CST), 1)
    with pytest.raises(permitflow.InvalidArgument):
        engine.add_working_days("18/09/2026", 1)


def test_working_date_type():
    w = permitflow.WorkingDate(2027, 1, 13, provisional=True)
    assert w == dt.date(2027, 1, 13) and w.provisional and w.isoformat() == "2027-01-13"
    assert "provisional=True" in repr(w)
    back = pickle.loads(pickle.dumps(w))
    assert back == w and back.provisional is True and type(back) is permitflow.WorkingDate
    assert permitflow.WorkingDate(2026, 1, 6).provisional is False


def test_report_json_and_csv(engine):
    c = accepted(engine, "outdoor_advertising", "2026-03-02")
    engine.run_due(at("2026-03-09"))
    r = engine.report(dt.date(2026, 3, 4))
    assert isinstance(r, dict) and r
    assert engine.report("2026-03-04", format="json") == r
    csv = engine.report(d("2026-03-04"), format="csv")
    assert set(csv) == {"csv"} and isinstance(csv["csv"], str) and csv["csv"]
    with pytest.raises(permitflow.InvalidArgument):
        engine.report("2026-03-04", format="xml")
    assert c["id"]


def test_verify(engine):
    accepted(engine, "outdoor_advertising", "2026-03-02")
    v = engine.verify()
    assert v["ok"] is True and v["problems"] == [] and v["cases_checked"] == 1 and v["events_checked"] >= 2
    assert v["ledger_head"] and v["ledger_count"] >= 1


def test_full_lifecycle_to_certificate(engine):
    c = accepted(engine, "road_excavation", "2026-03-02")
    for dept in c["opinions"]:
        c = engine.execute(c["id"], {"type": "record_opinion", "actor": reviewer(dept), "at": at("2026-03-03"),
                                     "department": dept, "opinion": "approve"})
    c = engine.execute(c["id"], {"type": "record_inspection", "actor": CLERK, "at": at("2026-03-04"),
                                 "inspectors": ["insp-1", "insp-2"], "findings": "现场核查符合"})
    c = engine.execute(c["id"], {"type": "decide", "actor": HEAD, "at": at("2026-03-05"), "outcome": "approved"})
    assert c["state"] == "approved"
    c = engine.execute(c["id"], {"type": "issue_certificate", "actor": CLERK, "at": at("2026-03-06")})
    assert c["state"] == "issued" and c["certificate"]


def test_run_due_answers_in_due_order_with_the_timers_it_creates(engine):
    """Four applications never handled: each deemed acceptance (contract §8) starts decision timers that are
    already due. One run_due answers every timer once, in due order across the cases, the new ones included."""
    for day in ("2026-03-02", "2026-03-04", "2026-03-06", "2026-03-10"):
        engine.submit(app("road_excavation", at(day), complete(engine, "road_excavation", at(day))))
    fired = engine.run_due(at("2026-06-30", "00:00"))
    dues = [f["due"] for f in fired]
    assert dues == sorted(dues)
    keys = [(f["case"], f["kind"], f["clock"], f["due"]) for f in fired]
    assert len(keys) == len(set(keys))
    assert {f["kind"] for f in fired} >= {"acceptance_deemed", "deadline_warning", "deadline_overdue"}
    assert engine.run_due(at("2026-06-30", "00:00")) == []
