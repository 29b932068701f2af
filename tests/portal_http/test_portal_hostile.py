"""The portal tried as an attacker would, on loopback against a real portal process (docs/security.md).

Each test is bounded in time (a few seconds) and prints its figures (slow clients held, RSS, matrix size) with
`pytest -s`; they are also collected in FIGURES and printed at the end of the module.
"""
import gzip
import json
import os
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import DEMO_PASSWORD, PORTAL, Portal

FIGURES = {}


@pytest.fixture(scope="module", autouse=True)
def figures():
    """Prints the figures at the end, and writes them to $PORTAL_FIGURES (scripts/test shows that file)."""
    yield
    print("hostile suite figures:", json.dumps(FIGURES))
    if os.environ.get("PORTAL_FIGURES"):
        with open(os.environ["PORTAL_FIGURES"], "w") as f:
            json.dump(FIGURES, f, indent=1)

DEMO_LOGINS = ["demo-clerk", "demo-head", "demo-roads", "demo-police", "demo-supervisor", "demo-gas", "demo-adv",
               "demo-haul", "demo-resident", "demo-dispatcher", "demo-sanitation", "demo-enforcement",
               "demo-service", "demo-leader"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def host_port(p):
    hp = p.base.split("://")[1]
    host, port = hp.rsplit(":", 1)
    return host, int(port)


def raw_exchange(p, head, body_chunks=(), timeout=10):
    """Sends a request by hand (the head, then body chunks) while a second thread reads the answer, so an early
    answer from the portal is seen even if it closes while we still send. Returns the answer's bytes."""
    s = socket.create_connection(host_port(p), timeout=timeout)
    got = bytearray()

    def reader():
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    return
                got.extend(b)
        except OSError:
            return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        s.sendall(head)
        for c in body_chunks:
            s.sendall(c)
    except OSError:
        pass  # the portal stopped reading: expected once a limit is hit
    t.join(timeout)
    s.close()
    return bytes(got)


def status_of(answer):
    line = answer.split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None


def test_slowloris_does_not_starve_others(start_portal):
    """40 clients send a header a byte every 0.3 s; a normal client keeps getting answers within a second, and
    the portal drops every slow client at its request deadline (2 s here) however steadily it trickles."""
    p = start_portal("--request-timeout", "2")
    n = 40
    slow = [socket.create_connection(host_port(p), timeout=10) for _ in range(n)]
    for s in slow:
        s.sendall(b"GET /api/me HTTP/1.1\r\nHost: x\r\n")
    dropped_at = {}
    stop = threading.Event()

    def trickle():
        started = time.monotonic()
        while not stop.is_set() and len(dropped_at) < n and time.monotonic() - started < 8:
            for i, s in enumerate(slow):
                if i in dropped_at:
                    continue
                try:
                    s.sendall(b"X")
                except OSError:
                    dropped_at[i] = time.monotonic() - started
            time.sleep(0.3)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    worst = 0.0
    answers = 0
    started = time.monotonic()
    while time.monotonic() - started < 4:
        t0 = time.monotonic()
        status, _, _ = p.call("GET", "/api/portal", token=None)
        worst = max(worst, time.monotonic() - t0)
        assert status == 200
        answers += 1
        time.sleep(0.1)
    # the slow clients: each read now ends (EOF or reset) because the portal closed it
    closed = 0
    for s in slow:
        try:
            s.settimeout(3)
            while s.recv(4096):
                pass
            closed += 1
        except TimeoutError:
            pass  # still open: the portal kept a slow client
        except OSError:
            closed += 1
    stop.set()
    t.join(5)
    for s in slow:
        s.close()
    FIGURES["slowloris"] = dict(slow_clients=n, closed_by_portal=closed, normal_answers=answers,
                                worst_normal_answer_s=round(worst, 3))
    print("slowloris:", FIGURES["slowloris"])
    assert worst < 1.0, worst
    assert closed == n


def test_gzip_bomb_refused_without_memory_growth(portal):
    cookie, csrf = portal.session("demo-gas")
    bomb = gzip.compress(b"{" + b" " * (64 << 20) + b"}", 9)  # 64 MiB of JSON whitespace in ~64 KiB
    before = rss_kib(portal.proc.pid)
    peak = before
    for signed_in in (False, True):
        head = (b"POST /api/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Encoding: gzip\r\nContent-Length: " + str(len(bomb)).encode() + b"\r\n")
        if signed_in:
            head += f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n".encode()
        answer = raw_exchange(portal, head + b"\r\n", [bomb])
        assert status_of(answer) == 415, answer[:200]
        assert b'"unsupported_media_type"' in answer
        peak = max(peak, rss_kib(portal.proc.pid))
    FIGURES["gzip_bomb"] = dict(compressed_bytes=len(bomb), expands_to=64 << 20, rss_before_kib=before,
                                rss_peak_kib=peak)
    print("gzip bomb:", FIGURES["gzip_bomb"])
    assert peak - before < 16 * 1024, (before, peak)
    assert portal.json("GET", "/api/cases", token="demo-gas")["cases"] == []


def test_oversized_chunked_body_refused(portal):
    cookie, csrf = portal.session("demo-gas")
    head = (b"POST /api/applications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n" + f"Cookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\r\n".encode())
    chunk = b" " * 65536
    chunks = [b"1\r\n{\r\n"] + [b"10000\r\n" + chunk + b"\r\n" for _ in range(128)] + [b"1\r\n}\r\n0\r\n\r\n"]
    before = rss_kib(portal.proc.pid)
    answer = raw_exchange(portal, head, chunks)
    after = rss_kib(portal.proc.pid)
    FIGURES["chunked"] = dict(sent_bytes=128 * 65536, limit=1 << 20, rss_before_kib=before, rss_after_kib=after)
    print("chunked:", FIGURES["chunked"])
    assert status_of(answer) == 413, answer[:200]
    assert after - before < 16 * 1024
    # a chunked body within the limit is read whole
    small = json.dumps({"permit": "road_excavation", "facts": {}, "materials": []}).encode()
    answer = raw_exchange(portal, head, [f"{len(small):x}\r\n".encode() + small + b"\r\n0\r\n\r\n"])
    assert status_of(answer) == 201, answer[:300]


def test_header_limits(portal):
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(50_000))
    answer = raw_exchange(portal, b"GET /api/portal HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert status_of(answer) == 431, answer[:200]
    # 150 small headers fit in the byte limit but not the count limit
    answer = raw_exchange(portal, b"GET /api/portal HTTP/1.1\r\nHost: x\r\n" +
                          b"".join(b"X-%d: v\r\n" % i for i in range(150)) + b"\r\n")
    assert status_of(answer) == 431, answer[:200]
    answer = raw_exchange(portal, b"GET /api/portal HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(answer) == 200


def test_connection_limit(start_portal):
    p = start_portal("--max-connections", "8")
    held = [socket.create_connection(host_port(p), timeout=5) for _ in range(8)]
    time.sleep(0.3)
    extra = socket.create_connection(host_port(p), timeout=5)
    extra.sendall(b"GET /api/portal HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        refused = extra.recv(100) == b""
    except OSError:
        refused = True
    assert refused
    for s in held:
        s.close()
    time.sleep(0.3)
    assert p.call("GET", "/api/portal", token=None)[0] == 200


def test_idor_matrix():
    """Every demo user × every case route × every seeded case that is not theirs: refused, nothing written."""
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as d:
        p = Portal(Path(d), "--seed-demo", clock="2026-11-30T08:30:00+08:00")
        try:
            all_cases = p.json("GET", "/api/cases?limit=1000", token="demo-supervisor")["cases"]
            assert len(all_cases) >= 20
            me = {login: p.json("GET", "/api/me", token=login) for login in DEMO_LOGINS}
            # the supervisor sees reporters withheld (docs/policy.md); the dispatcher sees who reported what
            reporters = {c["id"]: c["reporter"]["id"]
                         for c in p.json("GET", "/api/cases?kind=complaint&limit=1000", token="demo-dispatcher")["cases"]}

            def owns(u, c):
                """The cases a user with an owner-scoped role may see (docs/policy.md): never more."""
                if u["role"] == "applicant":
                    return (c.get("applicant") or {}).get("id") == u["id"]
                if u["role"] == "reporter":
                    return reporters.get(c["id"]) == u["id"]
                if u["role"] == "handler":  # the unit that holds it or held it (returned it)
                    return c.get("unit") == u["unit"] or u["unit"] in (c.get("returned_by") or [])
                if u["role"] == "reviewer":
                    return u["department"] in (c.get("opinions") or {})
                return None  # staff: reads of every case are theirs to make

            versions = {c["id"]: c["version"] for c in all_cases}
            tried = refused = 0
            for login in DEMO_LOGINS:
                u = me[login]
                for c in all_cases:
                    mine = owns(u, c)
                    cid = urllib.parse.quote(c["id"], safe="")
                    if mine is None:
                        # staff cannot act as an applicant on someone else's case
                        routes = [("POST", f"/api/cases/{cid}/commands",
                                   {"type": "withdraw", "expected_version": c["version"]})]
                    elif mine:
                        continue
                    else:
                        routes = [("GET", f"/api/cases/{cid}", None), ("GET", f"/api/cases/{cid}/history", None),
                                  ("POST", f"/api/cases/{cid}/commands",
                                   {"type": "withdraw", "expected_version": c["version"]})]
                    for method, path, body in routes:
                        status, _, text = p.call(method, path, body, token=login)
                        tried += 1
                        if method == "GET":
                            assert status in (403, 404), (login, path, status, text[:200])
                        else:
                            assert status >= 400, (login, path, status, text[:200])
                        refused += 1
            after = {c["id"]: c["version"] for c in p.json("GET", "/api/cases?limit=1000",
                                                          token="demo-supervisor")["cases"]}
            assert after == versions
            assert p.json("GET", "/api/verify", token="demo-supervisor")["ok"] is True
            FIGURES["idor"] = dict(users=len(DEMO_LOGINS), cases=len(all_cases), requests=tried, refused=refused)
            print("IDOR matrix:", FIGURES["idor"])
        finally:
            p.stop()


def test_csrf_missing_or_wrong_is_403(portal):
    cookie, csrf = portal.session("demo-supervisor")
    for headers in ({"Cookie": cookie}, {"Cookie": cookie, "X-CSRF-Token": "0" * 64},
                    {"Cookie": cookie, "X-CSRF-Token": csrf[:-1]}):
        req = urllib.request.Request(portal.base + "/api/run-due", data=b"{}", method="POST", headers=headers)
        try:
            urllib.request.urlopen(req, timeout=10)
            raise AssertionError("accepted without the CSRF header")
        except urllib.error.HTTPError as e:
            assert e.code == 403
            assert json.loads(e.read())["error"]["status"] == "permission_denied"
    # another session's CSRF token does not fit this session
    _, other_csrf = portal.session("demo-clerk")
    req = urllib.request.Request(portal.base + "/api/run-due", data=b"{}", method="POST",
                                 headers={"Cookie": cookie, "X-CSRF-Token": other_csrf})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 403
    assert portal.call("POST", "/api/run-due", {}, token="demo-supervisor")[0] == 200


def test_session_idle_timeout_and_logout(start_portal):
    p = start_portal("--session-idle", "2", "--session-lifetime", "5")
    cookie, csrf = p.session("demo-clerk")
    assert p.call("GET", "/api/me")[0] == 200
    time.sleep(2.6)
    assert p.call("GET", "/api/me")[0] == 401  # idle too long
    # the absolute lifetime ends a busy session too
    p.sessions.clear()
    p.session("demo-clerk")
    started = time.monotonic()
    while time.monotonic() - started < 4.5:
        assert p.call("GET", "/api/me")[0] == 200
        time.sleep(1)
    time.sleep(max(0, 5.3 - (time.monotonic() - started)))
    assert p.call("GET", "/api/me")[0] == 401
    # server-side logout: the old cookie is dead even if a client keeps it
    p.sessions.clear()
    cookie, csrf = p.session("demo-clerk")
    status, _, _ = p.call("POST", "/api/logout", {})
    assert status == 200
    req = urllib.request.Request(p.base + "/api/me", headers={"Cookie": cookie})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 401


def test_cookie_attributes(portal):
    req = urllib.request.Request(portal.base + "/api/login", method="POST",
                                 data=json.dumps({"login": "demo-clerk", "password": DEMO_PASSWORD}).encode())
    with urllib.request.urlopen(req, timeout=30) as r:
        cookie = r.headers["Set-Cookie"]
    name, value = cookie.split(";")[0].split("=")
    assert name == "pf_session" and len(value) == 64 and int(value, 16) >= 0  # 256 random bits
    attrs = {a.strip() for a in cookie.split(";")[1:]}
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= attrs and "Secure" not in attrs


def test_failed_sign_ins_are_throttled(portal):
    for _ in range(5):
        assert portal.login("demo-head", "wrong")[0] == 401
    status, _, doc = portal.login("demo-head")  # the right password, but too late
    assert status == 429 and doc["error"]["status"] == "too_many_requests"
    assert portal.login("demo-clerk")[0] == 200  # others are not locked out by one user's failures
    # per address: 20 failures over several logins block every sign-in from that address
    for i in range(15):
        portal.login(f"nobody-{i}", "wrong")
    assert portal.login("demo-leader")[0] == 429
    assert portal.login("no-such-user", "x")[0] == 429


def test_security_headers_everywhere(portal):
    for path, token in (("/", None), ("/app.js", None), ("/api/me", "demo-clerk"), ("/api/me", None),
                        ("/api/nothing", "demo-clerk"), ("/no-such-page", None)):
        req = urllib.request.Request(portal.base + path)
        if token:
            s = portal.session(token)
            req.add_header("Cookie", s[0])
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                h = r.headers
        except urllib.error.HTTPError as e:
            h = e.headers
        csp = h["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
        assert "script-src 'self' 'unsafe-inline'" not in csp
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "no-referrer"
        if path.startswith("/api/"):
            assert h["Cache-Control"] == "no-store"
    # the page has no inline script for the policy to forbid
    html = urllib.request.urlopen(portal.base + "/", timeout=10).read().decode()
    assert "<script>" not in html and "<script src=\"/app.js\">" in html and " on" not in html.split("<body")[1]


def test_csv_formula_neutralised(portal):
    formula = '=HYPERLINK("http://evil.example/","x")'
    c = portal.json("POST", "/api/applications",
                    {"kind": "complaint", "category": "complaint", "source": "hotline", "description": formula,
                     "location": "@SUM(1+1)", "reporter": {"id": "居民-恶意", "name": "+cmd|' /C calc'!A0"}},
                    token="demo-dispatcher", expect=201)
    assert c["id"]
    # the dispatcher: the report names reporters only to roles that may see them (docs/policy.md)
    status, _, text = portal.call("GET", "/api/report?week=2026-12-01&format=csv", token="demo-dispatcher")
    assert status == 200
    import csv
    import io
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    report = json.dumps(portal.json("GET", "/api/report?week=2026-12-01", token="demo-dispatcher"),
                        ensure_ascii=False)
    if "+cmd|" not in report:
        pytest.skip("the report carries no text a reporter wrote")
    assert "'+cmd|' /C calc'!A0" in cells
    assert cells and not any(cell[:1] in ("=", "+", "@") for cell in cells), [c for c in cells if c[:1] in "=+@"]
    assert not any(cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit() and cell != "-"
                   for cell in cells)


def test_forged_log_line_impossible(portal):
    forged = "2026-12-01T09:00:00+0800 access 10.0.0.1 u:0000 GET /api/verify 200 1B"
    path = "/api/cases/x%0a" + urllib.parse.quote(forged) + "%0d%0a"
    portal.call("GET", path, token="demo-clerk")
    portal.call("GET", "/api/me", token="demo-resident")
    out, _ = portal.stop()
    lines = out.splitlines()
    assert not any(line.startswith(forged[:30]) for line in lines)
    hit = [line for line in lines if "/api/cases/x" in line]
    assert len(hit) == 1 and "\\x0a" in hit[0] and "\\x0d" in hit[0]
    # no names in the log: the resident is an opaque reference, never 居民-张秀英
    assert "张秀英" not in out and "u:" in out and "permitflow-demo" not in out


def test_database_files_are_private(portal):
    portal.call("POST", "/api/run-due", {}, token="demo-supervisor")
    for suffix in ("", "-wal", "-shm"):
        f = portal.db + suffix
        if os.path.exists(f):
            assert os.stat(f).st_mode & 0o777 == 0o600, (f, oct(os.stat(f).st_mode))
    assert os.path.exists(portal.db) and os.path.exists(portal.db + "-wal")


def test_start_refused_without_users_or_on_open_address(tmp_path):
    db = str(tmp_path / "x.db")
    run = lambda *a: subprocess.run([PORTAL, "--db", db, "--port", "0", *a], capture_output=True, text=True,
                                    timeout=30)
    r = run()
    assert r.returncode != 0 and "no users file" in r.stderr
    r = run("--demo", "--host", "0.0.0.0")
    assert r.returncode != 0 and "127.0.0.1 only" in r.stderr
    users = tmp_path / "users.json"
    users.write_text(json.dumps({"users": []}))
    users.chmod(0o644)
    r = run("--users", str(users))
    assert r.returncode != 0 and "chmod 600" in r.stderr
    users.chmod(0o600)
    r = run("--users", str(users), "--host", "0.0.0.0")
    assert r.returncode != 0 and "--tls-cert" in r.stderr
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"users": [{"token": "t", "id": "x", "role": "clerk"}]}))
    old.chmod(0o600)
    r = run("--users", str(old))
    assert r.returncode != 0 and "bearer tokens are gone" in r.stderr


def test_tls(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    p = Portal(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key))
    try:
        assert p.base.startswith("https://127.0.0.1:")
        ctx = ssl.create_default_context(cafile=str(cert))
        body = json.dumps({"login": "demo-clerk", "password": DEMO_PASSWORD}).encode()
        req = urllib.request.Request(p.base + "/api/login", data=body, method="POST")
        with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
            cookie = r.headers["Set-Cookie"]
            csrf = json.loads(r.read())["csrf"]
        assert "Secure" in cookie and "HttpOnly" in cookie
        req = urllib.request.Request(p.base + "/api/me", headers={"Cookie": cookie.split(";")[0]})
        with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
            assert json.loads(r.read())["csrf"] == csrf
        # plain HTTP to the TLS port gets no answer
        host, port = host_port(p)
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(b"GET /api/portal HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            data = s.recv(100)
        except OSError:
            data = b""
        assert not data.startswith(b"HTTP/1.1 200")
        s.close()
    finally:
        p.stop()




def test_command_id_is_the_actors_own(portal):
    """An applicant reusing another's command_id gets neither the other's case nor loses the other's filing."""
    body = {"permit": "road_excavation", "facts": {"road_opened_on": "2012-05-01", "road_overhauled_on": None,
                                                   "planned_start": "2027-01-10", "planned_end": "2027-01-30",
                                                   "on_carriageway": True, "emergency": False,
                                                   "protection_exception_approved": False},
            "materials": [], "command_id": "shared-id-1"}
    gas = portal.json("POST", "/api/applications", body, token="demo-gas", expect=201)
    status, _, text = portal.call("POST", "/api/applications", body, token="demo-adv")
    if status < 300:
        doc = json.loads(text)
        assert doc["id"] != gas["id"] and doc["applicant"]["id"] == "91320922MA1ADV002Y", doc
    assert "滨海华润燃气" not in text  # nothing of the other applicant's case comes back
    mine = portal.json("GET", "/api/cases", token="demo-gas")["cases"]
    assert [c["id"] for c in mine] == [gas["id"]]


def test_postgres_password_never_printed(tmp_path):
    r = subprocess.run([PORTAL, "--db", "postgresql://alice:s3cretPW@127.0.0.1:1/permits", "--demo", "--port", "0",
                        "--seed-demo"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "postgresql://alice:***@127.0.0.1:1/permits" in r.stderr
    assert "s3cretPW" not in r.stdout + r.stderr
