"""The Python module on a PostgreSQL database (docs/deployment.md). Needs PERMITFLOW_TEST_POSTGRES_URL (a
server, e.g. from scripts/pg-cluster); skipped without it unless PERMITFLOW_REQUIRE_POSTGRES=1."""
import os
import subprocess
import threading
import uuid

import pytest

import permitflow
from pfhelpers import CLERK, accepted, app, at

SERVER = os.environ.get("PERMITFLOW_TEST_POSTGRES_URL", "")


def _psql(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", SERVER, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


@pytest.fixture
def pg_url():
    """A postgresql:// URL on a fresh schema, dropped afterwards."""
    if not SERVER:
        if os.environ.get("PERMITFLOW_REQUIRE_POSTGRES") == "1":
            pytest.fail("PERMITFLOW_REQUIRE_POSTGRES=1 but PERMITFLOW_TEST_POSTGRES_URL is not set")
        pytest.skip("set PERMITFLOW_TEST_POSTGRES_URL to run the PostgreSQL tests")
    schema = "pf_py_" + uuid.uuid4().hex[:12]
    _psql("CREATE SCHEMA " + schema)
    sep = "&" if "?" in SERVER else "?"
    yield SERVER + sep + "options=-csearch_path%3D" + schema
    _psql("DROP SCHEMA " + schema + " CASCADE")


def test_cases_live_in_postgresql_and_survive_reopening(pg_url):
    with permitflow.Engine(pg_url, county_code="320922", pool_size=2) as e:
        c = accepted(e, "road_excavation", "2026-03-02")
        case_id = c["id"]
        assert case_id.startswith("320922-")
    with permitflow.Engine(pg_url) as again:
        assert again.get(case_id)["state"] == "under_review"
        assert [ev["type"] for ev in again.history(case_id)][:2] == ["submitted", "accepted"]
        v = again.verify()
        assert v["ok"] and v["cases_checked"] == 1


def test_two_engines_fire_each_timer_once(pg_url):
    with permitflow.Engine(pg_url, pool_size=2) as a, permitflow.Engine(pg_url, pool_size=2) as b:
        ids = [(a if i % 2 else b).submit(app("outdoor_advertising", at("2026-09-18")))["id"] for i in range(6)]
        fired = []
        lock = threading.Lock()

        def runner(engine):
            for _ in range(3):
                out = engine.run_due(at("2026-09-25", "00:00"))
                with lock:
                    fired.extend((f["case"], f["kind"]) for f in out)

        threads = [threading.Thread(target=runner, args=(x,)) for x in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        deemed = sorted(case for case, kind in fired if kind == "acceptance_deemed")
        assert deemed == sorted(ids)
        for i in ids:
            assert a.get(i)["state"] == "under_review"
        assert b.verify()["ok"]


def test_stale_command_from_the_other_engine_is_a_conflict(pg_url):
    with permitflow.Engine(pg_url) as a, permitflow.Engine(pg_url) as b:
        c = a.submit(app("outdoor_advertising", at("2026-09-18")))
        cmd = {"type": "request_correction", "actor": CLERK, "at": at("2026-09-18", "11:00"),
               "expected_version": c["version"]}
        a.execute(c["id"], cmd)
        with pytest.raises(permitflow.Conflict):
            b.execute(c["id"], cmd)


def test_bad_pool_size_and_unreachable_server(pg_url):
    with pytest.raises(permitflow.InvalidArgument) as bad:
        permitflow.Engine(pg_url, pool_size=0)
    assert bad.value.field == "/pool_size"
    with pytest.raises(permitflow.StorageError) as down:
        permitflow.Engine("postgresql://pf:secret@127.0.0.1:1/x?connect_timeout=2")
    assert "secret" not in str(down.value)
