"""The catalogue of hostile and broken input through the Python module: each call raises the
expected permitflow error with a message naming the problem, and the database content is unchanged."""
import copy
import datetime as dt
import hashlib
import sqlite3

import pytest

import permitflow
from pfhelpers import APP, CLERK, HEAD, accepted, app, at, reviewer


def content(path):
    """A hash of every row of every table, read through a separate connection."""
    h = hashlib.sha256()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for t in tables:
            rows = sorted(repr(r) for r in db.execute(f'SELECT * FROM "{t}"'))
            h.update(f"{t}:{len(rows)}:{rows}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


OTHER = {"id": "91110000OTHER0001X", "role": "applicant"}
WHEN = at("2026-06-02")


def spoiled(change):
    a = copy.deepcopy(app("construction_waste", WHEN))  # the helpers' facts are shared
    change(a)
    return a


def bomb(depth):
    inner = [1]
    for _ in range(depth):
        inner = [inner]
    return inner


def cmd(type_, actor, **extra):
    return {"type": type_, "actor": actor, "at": WHEN, **extra}


CATALOGUE = [
    # (name, call(engine, road_case_id), error class, words the message must contain)
    ("unknown permit", lambda e, c: e.submit(spoiled(lambda a: a.update(permit="casino_licence"))),
     permitflow.InvalidArgument, "casino_licence"),
    ("missing field", lambda e, c: e.submit(spoiled(lambda a: a.pop("applicant"))),
     permitflow.InvalidArgument, "/applicant"),
    ("wrong type", lambda e, c: e.submit(spoiled(lambda a: a.update(materials="all"))),
     permitflow.InvalidArgument, "/materials"),
    ("naive datetime", lambda e, c: e.submit(spoiled(lambda a: a.update(at=dt.datetime(2026, 6, 2, 10)))),
     permitflow.InvalidArgument, "time zone"),
    ("time string without offset", lambda e, c: e.submit(spoiled(lambda a: a.update(at="2026-06-02T10:00:00"))),
     permitflow.InvalidArgument, "/at"),
    ("day that does not exist",
     lambda e, c: e.submit(spoiled(lambda a: a.update(at="2026-02-29T10:00:00+08:00"))),
     permitflow.InvalidArgument, "/at"),
    ("megabyte string", lambda e, c: e.submit(spoiled(lambda a: a["applicant"].update(name="x" * (1 << 20)))),
     permitflow.InvalidArgument, "/applicant/name"),
    ("lone surrogate (not UTF-8)",
     lambda e, c: e.submit(spoiled(lambda a: a["applicant"].update(name="bad \udcff"))),
     permitflow.InvalidArgument, "UTF-8"),
    ("nested JSON bomb", lambda e, c: e.submit(spoiled(lambda a: a["facts"].update(route=bomb(40)))),
     permitflow.InvalidArgument, "nested"),
    ("not a dict", lambda e, c: e.submit(["construction_waste"]), permitflow.InvalidArgument, "dict"),
    ("another applicant's name", lambda e, c: e.submit(spoiled(lambda a: a.update(actor=OTHER))),
     permitflow.PermissionDenied, "another applicant"),
    ("unknown command", lambda e, c: e.execute(c, cmd("bribe", CLERK)), permitflow.InvalidArgument, "bribe"),
    ("unknown department", lambda e, c: e.execute(c, cmd("record_opinion", reviewer("fire_brigade"),
                                                         department="fire_brigade", opinion="approve")),
     permitflow.InvalidArgument, "fire_brigade"),
    ("negative working days", lambda e, c: e.execute(c, cmd("extend", HEAD, working_days=-2, reason="r")),
     permitflow.InvalidArgument, "working_days"),
    ("huge working days", lambda e, c: e.execute(c, cmd("extend", HEAD, working_days=10 ** 30, reason="r")),
     permitflow.InvalidArgument, "working_days"),
    ("unknown case", lambda e, c: e.execute("RE-0", cmd("accept", CLERK)), permitflow.NotFound, "RE-0"),
    ("case id with a lone surrogate", lambda e, c: e.get("RE-\udc80"), permitflow.InvalidArgument, "UTF-8"),
    ("case id of the wrong type", lambda e, c: e.get(42), permitflow.InvalidArgument, "case_id"),
    ("another applicant's case", lambda e, c: e.execute(c, cmd("withdraw", OTHER)),
     permitflow.PermissionDenied, "another applicant"),
    ("unknown state", lambda e, c: e.query(state="limbo"), permitflow.InvalidArgument, "limbo"),
    ("run_due naive", lambda e, c: e.run_due(dt.datetime(2026, 7, 1)), permitflow.InvalidArgument, "time zone"),
    ("run_due words", lambda e, c: e.run_due("next week"), permitflow.InvalidArgument, "RFC 3339"),
    ("working days negative", lambda e, c: e.add_working_days(dt.date(2026, 6, 1), -1),
     permitflow.InvalidArgument, "n"),
    ("working days from a day that does not exist", lambda e, c: e.add_working_days("2026-02-30", 1),
     permitflow.InvalidArgument, "2026-02-30"),
    ("report week of the wrong type", lambda e, c: e.report(2026), permitflow.InvalidArgument, "week"),
]


@pytest.mark.parametrize("name,call,error,words", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_bad_input_is_refused_and_changes_nothing(engine, db_path, name, call, error, words):
    road = accepted(engine, "road_excavation", "2026-06-01")["id"]
    before = content(db_path)
    with pytest.raises(error) as caught:
        call(engine, road)
    assert words in str(caught.value), f"{name}: {caught.value}"
    assert isinstance(caught.value, permitflow.Error)
    assert content(db_path) == before, f"{name} changed the database"
    assert engine.verify()["ok"]
