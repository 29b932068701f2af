"""Starts real portal processes (examples/portal) on free ports over fresh SQLite files."""
import json
import os
import signal
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

PORTAL = os.environ.get("PORTAL_BIN", "")


class Portal:
    def __init__(self, tmp_path, *extra, clock="2026-12-01T09:00:00+08:00"):
        if not PORTAL or not os.path.exists(PORTAL):
            pytest.fail("PORTAL_BIN must name the built portal binary")
        self.db = str(tmp_path / "portal.db")
        args = [PORTAL, "--db", self.db, "--port", "0", *extra]
        if clock:
            args += ["--clock", clock]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise RuntimeError("portal did not start: " + line + self.proc.stderr.read())
        self.base = line.split("listening on ")[1].strip().rstrip("/")
        # Drain the access log so a long test never blocks the portal on a full pipe.
        self.lines = [line]
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True)
        self.reader.start()

    def call(self, method, path, body=None, token="demo-clerk", raw=None, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode()

    def json(self, method, path, body=None, token="demo-clerk", expect=200):
        status, _, text = self.call(method, path, body, token)
        assert status == expect, f"{method} {path}: {status} {text}"
        return json.loads(text)

    def stop(self):
        if self.proc.stdout.closed:
            return "", ""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=10)
        out = "".join(self.lines)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return out, err


@pytest.fixture
def portal(tmp_path):
    p = Portal(tmp_path)
    yield p
    p.stop()


@pytest.fixture
def start_portal(tmp_path):
    started = []

    def start(*extra, **kw):
        p = Portal(tmp_path, *extra, **kw)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()
