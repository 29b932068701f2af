"""Starts real portal processes (examples/portal) on free ports over fresh SQLite files, and signs in."""
import json
import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.request

import pytest

PORTAL = os.environ.get("PORTAL_BIN", "")
DEMO_PASSWORD = "permitflow-demo"  # docs/portal.md


def sanitizer_build():
    """Whether PORTAL_BIN is a sanitizer build (its CMakeCache sets PERMITFLOW_SANITIZE): such a build's module
    cannot load into a plain python, and its allocator keeps freed memory, so memory figures mean nothing."""
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(PORTAL))))
    cache = os.path.join(build, "CMakeCache.txt")
    return os.path.exists(cache) and re.search(r"^PERMITFLOW_SANITIZE:STRING=\S",
                                               open(cache, encoding="utf-8").read(), re.M) is not None


def make_users(path, users, password):
    """A users file: the first user added by `portal users add` (the password on stdin), the others written
    with the same argon2id hash (one hash is enough for tests; the file stays mode 0600)."""
    first = users[0]
    args = [PORTAL, "users", "--file", str(path), "add"]
    for key in ("login", "id", "role", "department", "unit", "name"):
        if key in first:
            args += ["--" + key, first[key]]
    if first.get("admin"):
        args.append("--admin")
    r = subprocess.run(args, input=password + "\n", capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert os.stat(path).st_mode & 0o777 == 0o600
    doc = json.loads(open(path).read())
    digest = doc["users"][0]["password_hash"]
    doc["users"] += [{**u, "password_hash": digest} for u in users[1:]]
    with open(path, "w") as f:
        json.dump(doc, f)
    return str(path)


class Portal:
    def __init__(self, tmp_path, *extra, clock="2026-12-01T09:00:00+08:00", password=DEMO_PASSWORD):
        if not PORTAL or not os.path.exists(PORTAL):
            pytest.fail("PORTAL_BIN must name the built portal binary")
        self.db = str(tmp_path / "portal.db")
        args = [PORTAL, "--db", self.db, "--port", "0", *extra]
        if "--users" not in extra and "--config" not in extra:
            args.append("--demo")
        self.password = password
        self.sessions = {}  # login -> (cookie, csrf)
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

    def login(self, login, password=None):
        """POST /api/login: (status, cookie or None, answer)."""
        body = json.dumps({"login": login, "password": password or self.password}).encode()
        req = urllib.request.Request(self.base + "/api/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                cookie = r.headers.get("Set-Cookie", "").split(";")[0]
                return r.status, cookie, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, None, json.loads(e.read())

    def session(self, login):
        """A signed-in session of `login` (signed in once per portal): (cookie, csrf), or None."""
        if login not in self.sessions:
            status, cookie, doc = self.login(login)
            self.sessions[login] = (cookie, doc["csrf"]) if status == 200 else None
        return self.sessions[login]

    def call(self, method, path, body=None, token="demo-clerk", raw=None, headers=None):
        """One request as the user `token` (a login name; None: not signed in)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if token:
            s = self.session(token)
            if s:
                req.add_header("Cookie", s[0])
                req.add_header("X-CSRF-Token", s[1])
            else:
                req.add_header("Cookie", "pf_session=" + "0" * 64)
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
