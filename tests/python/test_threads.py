"""The engine releases the GIL: many Python threads call it at once and every call lands."""
import threading
import time

import permitflow
from pfhelpers import CLERK, app, at

THREADS = 8
PER_THREAD = 6


def test_parallel_submissions_all_land(engine):
    errors, ids = [], []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def work(k):
        try:
            start.wait()
            for i in range(PER_THREAD):
                c = engine.submit(app("outdoor_advertising", at("2026-06-01", f"{9 + k % 8}:{i:02d}")))
                c = engine.execute(c["id"], {"type": "request_correction", "actor": CLERK,
                                             "at": at("2026-06-02", f"{9 + k % 8}:{i:02d}")})
                assert c["state"] == "awaiting_correction"
                with lock:
                    ids.append(c["id"])
        except Exception as x:  # noqa: BLE001 - reported below
            errors.append(x)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(ids) == len(set(ids)) == THREADS * PER_THREAD
    landed = engine.query(limit=1000)["cases"]
    assert sorted(c["id"] for c in landed) == sorted(ids)
    assert all(c["state"] == "awaiting_correction" for c in landed)
    v = engine.verify()
    assert v["ok"] is True and v["cases_checked"] == THREADS * PER_THREAD


def test_python_runs_while_the_engine_works(engine):
    """While threads are inside engine calls, the main thread keeps executing Python bytecode."""
    done = threading.Event()
    ticks = 0

    def work():
        try:
            for i in range(20):
                c = engine.submit(app("road_excavation", at("2026-06-01", f"10:{i:02d}")))
                engine.history(c["id"])
        finally:
            done.set()

    t = threading.Thread(target=work)
    t.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0)
    t.join()
    assert ticks > 0
    assert len(engine.query(limit=1000)["cases"]) == 20


def test_close_while_other_threads_call(db_path):
    e = permitflow.Engine(db_path)
    outcomes = []

    def work():
        for i in range(30):
            try:
                e.add_working_days("2026-01-05", i)
                outcomes.append("ok")
            except permitflow.InvalidState:
                outcomes.append("closed")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.001)
    e.close()
    for t in threads:
        t.join()
    assert len(outcomes) == 120 and set(outcomes) <= {"ok", "closed"}
    assert e.closed
