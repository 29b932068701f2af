"""The notifier under SIGKILL (docs/reliability.md): permitflow_notifier delivers the notify and provincial
profiles of a growing feed to a webhook receiver on 127.0.0.1 and is killed at random KILLS times. Afterwards
every record has reached the receiver (none lost), every repeat carried the same Idempotency-Key and the same
body, every signature is valid, and the receiver's deduplicated set equals what the feed says exactly.

    PYTHONPATH=build/dev/bindings/python /usr/bin/python3 tests/notifier/crash_test.py NOTIFIER [KILLS]
"""
import datetime as dt
import hashlib
import hmac
import http.server
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

import permitflow

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from pfhelpers import CLERK, app  # noqa: E402

SECRET = "s3cret-for-the-test"
CST = dt.timezone(dt.timedelta(hours=8))


class Receiver(http.server.BaseHTTPRequestHandler):
    received = []  # (path, key, body bytes)
    bad_signatures = 0
    refused = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 - the http.server name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        with Receiver.lock:
            if self.headers.get("X-Permitflow-Signature") != want:
                Receiver.bad_signatures += 1
            pause = random.uniform(0, 0.02)  # a receiver that takes its time: kills land mid-delivery
        time.sleep(pause)
        with Receiver.lock:
            if random.random() < 0.05:  # a flaky receiver: the notifier must retry
                Receiver.refused += 1
                self.send_response(503)
                self.end_headers()
                return
            Receiver.received.append((self.path, self.headers.get("Idempotency-Key"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def add_case(engine, n):
    """A case and its correction notice: records for both profiles."""
    day = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST) + dt.timedelta(days=n % 200)
    case = engine.submit(app("outdoor_advertising", day))
    engine.execute(case["id"], {"type": "request_correction", "actor": CLERK, "at": day + dt.timedelta(hours=2)})


def main():
    notifier = sys.argv[1]
    kills = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    random.seed(int(os.environ.get("SEED", "19")))
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = "http://127.0.0.1:%d" % server.server_address[1]
        db = os.path.join(tmp, "cases.db")
        config = os.path.join(tmp, "notifier.json")
        with open(config, "w") as f:
            json.dump({"database": db, "secret": SECRET, "feed_retention_days": 0, "max_attempts": 50, "backoff_ms": 5, "backoff_cap_ms": 40,
                       "webhooks": {"notify": base + "/notify", "provincial": base + "/provincial"}}, f)
        engine = permitflow.Engine(db, feed_retention_days=0)
        cases = 0
        for _ in range(40):
            add_case(engine, cases)
            cases += 1
        killed = 0
        for _ in range(kills):
            p = subprocess.Popen([notifier, "run", config], stderr=subprocess.DEVNULL)
            for _ in range(3):  # the feed grows while the notifier delivers
                add_case(engine, cases)
                cases += 1
            # Most kills land mid-delivery: after a random number of requests reached the receiver, a few ms
            # later (between a POST and its ack, say); the rest at a random moment, opening the engine included.
            if random.random() < 0.8:
                target = len(Receiver.received) + random.randint(1, 6)
                deadline = time.time() + 3
                while len(Receiver.received) < target and time.time() < deadline and p.poll() is None:
                    time.sleep(0.001)
                time.sleep(random.uniform(0, 0.015))
            else:
                time.sleep(random.uniform(0.01, 0.4))
            p.send_signal(signal.SIGKILL)
            p.wait()
            killed += 1
        final = subprocess.run([notifier, "run", config, "--once"], stderr=subprocess.PIPE, text=True, timeout=600)
        if final.returncode != 0:
            print(final.stderr)
            return 1
        dead = os.path.join(tmp, "cases.db.dead-letters.jsonl")
        dead_letters = sum(1 for _ in open(dead)) if os.path.exists(dead) else 0
        if dead_letters:
            subprocess.run([notifier, "replay", config], check=True, stderr=subprocess.DEVNULL, timeout=600)

        # What the feed says must have been delivered: one body per (profile, seq) that renders anything.
        expected = {}
        head = engine.feed()["head"]
        for profile in ("notify", "provincial"):
            seqs = set()
            after = 0
            while True:
                page = engine.feed(after=after, limit=1000, profile=profile)
                seqs.update(r["seq"] for r in page["records"])
                if page["next"] == page["head"]:
                    break
                after = page["next"]
            expected["/" + profile] = seqs
        engine.close()
        server.shutdown()

        problems = []
        bodies = {}
        repeats = 0
        for path, key, body in Receiver.received:
            k = (path, key)
            if k in bodies:
                repeats += 1
                if bodies[k] != body:
                    problems.append("a repeat of %s carried another body" % (k,))
            bodies[k] = body
            if json.loads(body)["seq"] != int(key):
                problems.append("Idempotency-Key %s on the body of seq %s" % (key, json.loads(body)["seq"]))
        for path, seqs in expected.items():
            got = {int(key) for (p, key) in bodies if p == path}
            if got != seqs:
                problems.append("%s: %d lost, %d unexpected" % (path, len(seqs - got), len(got - seqs)))
        if Receiver.bad_signatures:
            problems.append("%d bad signatures" % Receiver.bad_signatures)
        seconds = time.time() - started
        print("notifier crash test: kills %d, feed records %d, cases %d, expected deliveries %d, received %d, "
              "repeats %d, 503s served %d, dead letters %d (replayed), lost %d, bad signatures %d, %.0f s"
              % (killed, head, cases, sum(len(s) for s in expected.values()), len(Receiver.received), repeats,
                 Receiver.refused, dead_letters, sum(len(s) for s in expected.values()) - len(bodies),
                 Receiver.bad_signatures, seconds))
        for p in problems:
            print("PROBLEM:", p)
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
