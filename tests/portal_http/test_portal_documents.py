"""Documents in the portal (docs/portal.md): uploads checked against their hash and sniffed from their bytes,
stored content-addressed and atomically beside the database, required by submissions that name them, and
downloaded only by users who may see the case."""
import hashlib
import json
import os
import socket
import time

from test_portal_http import GAS, error_of, road_facts


def pdf_bytes(tag, size=0):
    body = b"%PDF-1.4\n% " + tag.encode() + b"\n" + b"0" * size + b"\n%%EOF\n"
    return body


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def sha(data):
    return hashlib.sha256(data).hexdigest()


def upload(p, data, token="demo-gas", digest=None, query=""):
    digest = digest or sha(data)
    status, _, text = p.call("PUT", f"/api/documents/{digest}{query}", raw=data, token=token)
    return status, json.loads(text)


def store_files(p):
    """Every file under the documents folder: (stored documents, temporary files)."""
    root = p.db + ".documents"
    stored, temp = [], []
    for d, _, files in os.walk(root):
        for f in files:
            (temp if os.path.basename(d) == "tmp" else stored).append(os.path.join(d, f))
    return stored, temp


def all_materials(p, make):
    """The road excavation's materials, every one a distinct uploaded PDF: [(material, bytes)]."""
    mats = []
    for _ in range(4):
        notice = p.json("POST", "/api/precheck",
                        {"permit": "road_excavation", "facts": road_facts(),
                         "materials": [{"id": m, "format": "pdf", "expires_on": "2030-12-31"} for m, _ in mats]},
                        token="demo-gas")
        if notice["complete"]:
            return mats
        mats += [(i["material"], make(i["material"])) for i in notice["items"]
                 if not i["material"].startswith("fact:")]
    raise AssertionError("precheck never completes")


def material(mid, data, fmt="pdf"):
    return {"id": mid, "format": fmt, "expires_on": "2030-12-31", "sha256": sha(data)}


def test_upload_once_and_again(portal):
    data = pdf_bytes("site plan", 5000)
    status, doc = upload(portal, data)
    assert status == 201, doc
    assert doc == {"sha256": sha(data), "format": "pdf", "size": len(data), "created": True}
    # The same bytes again: accepted, stored once, nothing rewritten.
    stored, temp = store_files(portal)
    assert len(stored) == 1 and temp == []
    mtime = os.stat(stored[0]).st_mtime_ns
    status, doc = upload(portal, data, token="demo-adv")  # new for this person: nobody says who else sent it
    assert status == 201 and doc["created"] is True
    status, doc = upload(portal, data)
    assert status == 200 and doc["created"] is False
    stored2, temp = store_files(portal)
    assert stored2 == stored and temp == [] and os.stat(stored[0]).st_mtime_ns == mtime
    assert open(stored[0], "rb").read() == data
    assert os.path.basename(os.path.dirname(stored[0])) == sha(data)[:2]
    assert os.stat(portal.db + ".documents").st_mode & 0o777 == 0o700
    assert portal.json("GET", f"/api/documents/{sha(data)}", token="demo-gas") == \
        {"sha256": sha(data), "format": "pdf", "size": len(data)}


def test_wrong_hash_refused_and_nothing_kept(portal):
    data = pdf_bytes("traffic plan")
    status, doc = upload(portal, data, digest=sha(b"something else"))
    assert status == 400 and doc["error"]["status"] == "invalid_argument"
    assert sha(data) in doc["error"]["message"]
    assert store_files(portal) == ([], [])
    assert error_of(portal, "GET", f"/api/documents/{sha(b'something else')}", token="demo-gas")[0] == 404
    # Not a hash at all, and not signed in.
    assert upload(portal, data, digest="abc")[0] == 400
    assert upload(portal, data, token=None)[0] == 401


def test_format_from_bytes_not_name(portal):
    # A PNG sent as if it were "plan.pdf": the bytes say PNG.
    status, doc = portal.call("PUT", f"/api/documents/{sha(PNG)}?name=plan.pdf", raw=PNG, token="demo-gas",
                              headers={"Content-Type": "application/pdf"})[0], None
    assert status == 201
    assert portal.json("GET", f"/api/documents/{sha(PNG)}", token="demo-gas")["format"] == "png"
    # Declared as a PDF in an application, it is judged as the PNG it is.
    notice = portal.json("POST", "/api/precheck",
                         {"permit": "road_excavation", "facts": road_facts(),
                          "materials": [material("traffic_plan", PNG, "pdf")]}, token="demo-gas")
    assert {"material": "traffic_plan", "problem": "invalid_format"} in \
        [{k: i[k] for k in ("material", "problem")} for i in notice["items"]]
    # Bytes that are no accepted format are refused.
    text = b"just some text, named .pdf"
    status, doc = upload(portal, text)
    assert status == 400 and "PDF, OFD, PNG or JPEG" in doc["error"]["message"]
    assert store_files(portal)[1] == []


def test_ofd_and_jpeg_sniffed(portal, tmp_path):
    import zipfile
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("Doc_0/Document.xml", "<ofd:Document/>")
        z.writestr("OFD.xml", "<ofd:OFD/>")
    ofd = path.read_bytes()
    assert upload(portal, ofd)[1]["format"] == "ofd"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert upload(portal, path.read_bytes())[0] == 400  # a ZIP without OFD.xml is no OFD
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 100
    assert upload(portal, jpeg)[1]["format"] == "jpg"


def test_oversized_refused(start_portal):
    p = start_portal("--max-document-bytes", "4096")
    small, big = pdf_bytes("small", 1000), pdf_bytes("big", 10000)
    assert upload(p, small)[0] == 201
    status, doc = upload(p, big)
    assert status == 413 and doc["error"]["status"] == "payload_too_large"
    assert len(store_files(p)[0]) == 1 and store_files(p)[1] == []
    # A material of the permit in effect names its own limit or takes the default; an unknown one is refused.
    assert upload(p, big, query="?permit=road_excavation&material=traffic_plan")[0] == 413
    assert upload(p, big, query="?permit=road_excavation&material=no_such")[0] == 400


def test_interrupted_upload_leaves_nothing(portal):
    cookie, csrf = portal.session("demo-gas")
    data = pdf_bytes("interrupted", 200000)
    host, port = portal.base.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)))
    s.sendall((f"PUT /api/documents/{sha(data)} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n"
               f"X-CSRF-Token: {csrf}\r\nContent-Length: {len(data)}\r\n\r\n").encode())
    s.sendall(data[:50000])
    time.sleep(0.3)
    # While it is arriving, the part is in tmp/ only: no document under its hash.
    assert store_files(portal)[0] == []
    assert error_of(portal, "GET", f"/api/documents/{sha(data)}", token="demo-gas")[0] == 404
    s.close()
    for _ in range(50):
        if store_files(portal) == ([], []):
            break
        time.sleep(0.1)
    assert store_files(portal) == ([], [])
    # The whole file afterwards is stored normally.
    assert upload(portal, data)[0] == 201


def test_submission_needs_the_bytes_and_downloads_follow_the_case(portal):
    mats = all_materials(portal, lambda m: pdf_bytes(m))
    first, *rest = mats
    for _, data in rest:
        assert upload(portal, data)[0] == 201
    before = portal.json("GET", "/api/cases", token="demo-clerk")["cases"]
    body = {"permit": "road_excavation", "facts": road_facts(), "materials": [material(m, d) for m, d in mats]}
    status, name, message = error_of(portal, "POST", "/api/applications", body, token="demo-gas")
    assert (status, name) == (400, "invalid_argument")
    assert f"'{first[0]}'" in message and sha(first[1]) in message
    assert portal.json("GET", "/api/cases", token="demo-clerk")["cases"] == before  # nothing created
    assert upload(portal, first[1])[0] == 201
    case = portal.json("POST", "/api/applications", body, token="demo-gas", expect=201)
    assert {m["id"]: m["sha256"] for m in case["materials"]} == {m: sha(d) for m, d in mats}
    url = f"/api/cases/{case['id']}/documents/{sha(first[1])}"
    # The clerk, the applicant and a co-approving reviewer may read it; another applicant may not.
    for who in ("demo-clerk", "demo-gas", "demo-roads"):
        status, ctype, _ = portal.call("GET", url, token=who)
        assert status == 200 and ctype == "application/pdf", (who, status)
    assert error_of(portal, "GET", url, token="demo-adv")[:2] == (403, "permission_denied")
    assert error_of(portal, "GET", url, token=None)[0] == 401
    # A hash the case does not refer to is not served through it.
    assert error_of(portal, "GET", f"/api/cases/{case['id']}/documents/{sha(PNG)}", token="demo-clerk")[0] == 404
    out, _ = portal.stop()
    assert f"DOCUMENT {case['id']} {sha(first[1])} {first[0]}" in out
    assert sum("DOCUMENT" in line for line in out.splitlines()) == 3


def test_verify_checks_the_documents(portal):
    mats = all_materials(portal, lambda m: pdf_bytes("v " + m))
    for _, data in mats:
        assert upload(portal, data)[0] == 201
    body = {"permit": "road_excavation", "facts": road_facts(), "materials": [material(m, d) for m, d in mats]}
    case = portal.json("POST", "/api/applications", body, token="demo-gas", expect=201)
    assert portal.json("GET", "/api/verify", token="demo-supervisor")["ok"] is True
    (deleted, d1), (altered, d2) = mats[0], mats[1]
    root = portal.db + ".documents"
    os.remove(os.path.join(root, sha(d1)[:2], sha(d1)))
    with open(os.path.join(root, sha(d2)[:2], sha(d2)), "r+b") as f:
        f.write(b"%PDF-1.4\n% forged")
    v = portal.json("GET", "/api/verify", token="demo-supervisor")
    assert v["ok"] is False
    found = sorted((p["case"], p["seq"], p["problem"].split(":")[-1].strip()) for p in v["problems"])
    assert found == sorted([(case["id"], 1, "the document was altered"),
                            (case["id"], 1, "the document is missing from " + root)]), found
    # The download of a missing document is a 404, not a half answer.
    assert error_of(portal, "GET", f"/api/cases/{case['id']}/documents/{sha(d1)}")[0] == 404


def test_a_material_sets_its_own_limit(tmp_path, start_portal):
    """max_upload_mib on a material of a county's definition (docs/definitions.md): its site plan may be 1 MiB,
    while the portal's default stays 4 KiB for everything else."""
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "definitions", "road_occupation.json")
    doc = json.load(open(example, encoding="utf-8"))
    for m in doc["materials"]:
        if m["id"] == "site_plan":
            m["max_upload_mib"] = 1
    folder = tmp_path / "county"
    folder.mkdir()
    (folder / "road_occupation.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    p = start_portal("--definitions-dir", str(folder), "--county-code", "320923", "--max-document-bytes", "4096")
    plan = pdf_bytes("site plan", 600 * 1024)          # 600 KiB: over the default, under the material's 1 MiB
    too_big = pdf_bytes("site plan", 1024 * 1024 + 1)  # just over 1 MiB
    status, doc = upload(p, plan, query="?permit=road_occupation&material=site_plan")
    assert status == 201, doc
    assert upload(p, too_big, query="?permit=road_occupation&material=site_plan")[0] == 413
    # Another material of the same permit, or no material named, keeps the portal's default.
    assert upload(p, pdf_bytes("form", 600 * 1024), query="?permit=road_occupation&material=application_form")[0] == 413
    assert upload(p, pdf_bytes("loose", 600 * 1024))[0] == 413
    assert len(store_files(p)[0]) == 1 and store_files(p)[1] == []


def test_a_document_is_its_uploaders_only(portal, start_portal, tmp_path):
    """A hash is printed on notices and certificates, so knowing it proves nothing: only who uploaded the bytes
    may ask about them or name them in a submission; the record survives a restart and names nobody."""
    mats = all_materials(portal, lambda m: pdf_bytes("adv " + m))
    first, *rest = mats
    assert upload(portal, first[1], token="demo-gas")[0] == 201
    digest = sha(first[1])
    assert portal.json("GET", f"/api/documents/{digest}", token="demo-gas")["sha256"] == digest
    assert error_of(portal, "GET", f"/api/documents/{digest}", token="demo-adv")[:2] == (404, "not_found")
    for _, data in rest:
        assert upload(portal, data, token="demo-adv")[0] == 201
    body = {"permit": "road_excavation", "facts": road_facts(), "materials": [material(m, d) for m, d in mats]}
    before = portal.json("GET", "/api/cases", token="demo-clerk")["cases"]
    status, name, message = error_of(portal, "POST", "/api/applications", body, token="demo-adv")
    assert (status, name) == (400, "invalid_argument") and digest in message
    assert portal.json("GET", "/api/cases", token="demo-clerk")["cases"] == before  # nothing created
    # Sending the bytes proves having them: then the same document serves this applicant too.
    status, doc = upload(portal, first[1], token="demo-adv")
    assert status == 201 and doc["created"] is True
    case = portal.json("POST", "/api/applications", body, token="demo-adv", expect=201)
    assert {m["id"]: m["sha256"] for m in case["materials"]} == {m: sha(d) for m, d in mats}
    holders = portal.db + ".documents.holders"
    assert os.stat(holders).st_mode & 0o777 == 0o600
    text = open(holders).read()
    assert len(text.splitlines()) == len(mats) + 1 and "91320922" not in text and digest in text
    portal.stop()
    again = start_portal()  # the same database and documents folder
    assert again.json("GET", f"/api/documents/{digest}", token="demo-gas")["sha256"] == digest
    assert error_of(again, "GET", f"/api/documents/{sha(rest[0][1])}", token="demo-gas")[0] == 404


def test_a_large_download_is_streamed_from_disk(portal):
    """Four readers of a 16 MiB document at once: every byte arrives, and the portal's peak memory grows by far
    less than one copy of the file (it sends from the file, it does not read it into memory)."""
    import threading
    import urllib.request

    import pytest
    from conftest import sanitizer_build
    if sanitizer_build():  # scripts/test runs this test on the release build
        pytest.skip("a sanitizer's allocator keeps freed memory: no memory figure is meaningful")

    def peak_kib():
        for line in open(f"/proc/{portal.proc.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise AssertionError("no VmHWM")

    mats = all_materials(portal, lambda m: pdf_bytes(m))
    big = pdf_bytes("big site plan", 16 << 20)
    mats[0] = (mats[0][0], big)
    for _, data in mats:
        assert upload(portal, data)[0] == 201
    body = {"permit": "road_excavation", "facts": road_facts(), "materials": [material(m, d) for m, d in mats]}
    case = portal.json("POST", "/api/applications", body, token="demo-gas", expect=201)
    url = portal.base + f"/api/cases/{case['id']}/documents/{sha(big)}"
    cookie, _ = portal.session("demo-gas")
    before = peak_kib()
    got = []

    def read():
        req = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(req, timeout=120) as r:
            got.append((r.status, r.headers["Content-Length"], hashlib.sha256(r.read()).hexdigest()))

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    for t in readers:
        t.join()
    assert got == [(200, str(len(big)), sha(big))] * 4
    grown = peak_kib() - before
    assert grown < 8 * 1024, f"peak memory grew by {grown} KiB for a {len(big) >> 20} MiB document"
