"""verify's document check (docs/operations.md): every document a material names by sha256 must be in the
documents folder with bytes that hash to its name; a deleted or altered file is a problem of its case."""
import hashlib
import os

import pytest

import permitflow
from pfhelpers import APP, app, at, complete


def put(folder, data):
    """A document stored as the portal stores it: <folder>/<first two hex digits>/<sha256>."""
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(folder, digest[:2]), exist_ok=True)
    with open(os.path.join(folder, digest[:2], digest), "wb") as f:
        f.write(data)
    return digest


def test_deleted_and_altered_documents(engine, tmp_path):
    folder = str(tmp_path / "cases.db.documents")
    os.makedirs(folder)
    mats = complete(engine, "road_excavation", at("2026-03-02"))
    for m in mats:
        m["sha256"] = put(folder, b"%PDF-1.7\n" + m["id"].encode() + b"\n%%EOF\n")
    c = engine.submit(app("road_excavation", at("2026-03-02"), mats))
    # A resubmission names a document too (seq 2); here the case is first sent back for it.
    assert engine.verify(documents_dir=folder)["ok"] is True
    assert engine.verify()["ok"] is True

    deleted, altered = mats[0], mats[1]
    os.remove(os.path.join(folder, deleted["sha256"][:2], deleted["sha256"]))
    with open(os.path.join(folder, altered["sha256"][:2], altered["sha256"]), "ab") as f:
        f.write(b"one more line\n")
    v = engine.verify(documents_dir=folder)
    assert v["ok"] is False
    problems = {(p["case"], p.get("seq"), p["problem"]) for p in v["problems"]}
    assert problems == {
        (c["id"], 1, f"material '{deleted['id']}' (sha256 {deleted['sha256'][:12]}…): the document is missing "
                     f"from {folder}"),
        (c["id"], 1, f"material '{altered['id']}' (sha256 {altered['sha256'][:12]}…): the stored document's "
                     "bytes do not match its hash: the document was altered"),
    }
    # Without the option the documents are not looked at; the ledger itself is intact.
    assert engine.verify()["ok"] is True


def test_resubmitted_document_checked_against_its_event(engine, tmp_path):
    folder = str(tmp_path / "docs")
    os.makedirs(folder)
    mats = complete(engine, "road_excavation", at("2026-03-02"))
    c = engine.submit(app("road_excavation", at("2026-03-02"), mats[1:]))
    c = engine.execute(c["id"], {"type": "request_correction", "actor": {"id": "clerk-1", "role": "clerk"},
                                 "at": at("2026-03-02", "11:00")})
    late = dict(mats[0], sha256=put(folder, b"%PDF-1.7\nlate\n%%EOF\n"))
    c = engine.execute(c["id"], {"type": "resubmit", "actor": APP, "at": at("2026-03-03"), "materials": [late]})
    assert engine.verify(documents_dir=folder)["ok"] is True
    os.remove(os.path.join(folder, late["sha256"][:2], late["sha256"]))
    v = engine.verify(documents_dir=folder)
    assert [(p["case"], p["seq"]) for p in v["problems"]] == [(c["id"], 3)]


def test_bad_options(engine, tmp_path):
    with pytest.raises(permitflow.InvalidArgument):
        engine.verify(documents_dir=str(tmp_path / "no such folder"))


def test_sniff_document_format(tmp_path):
    cases = {"a.pdf": (b"%PDF-1.4\n", "pdf"), "b.pdf": (b"\x89PNG\r\n\x1a\n0000", "png"),
             "c.png": (b"\xff\xd8\xff\xe0 JFIF", "jpg"), "d.pdf": (b"plain text", "")}
    for name, (data, fmt) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert permitflow.sniff_document_format(str(tmp_path / name)) == fmt, name
