#!/usr/bin/env python3
"""applicant_app: an enterprise applicant's side of a permit application, on the permitflow module.

    applicant_app.py --db FILE precheck MANIFEST             the one-time checklist, before submitting
    applicant_app.py --db FILE submit MANIFEST [--at TIME]   submit (refused while incomplete unless
                                                             --allow-incomplete) and show the clocks
    applicant_app.py --db FILE status CASE [--today DATE]    the case, its notices and clocks in working days
    applicant_app.py --db FILE resubmit CASE MANIFEST        answer a correction notice (补正) with the
                                                             supplemented documents named in it

A manifest is JSON: {"permit", "applicant": {"id", "name"}, "facts": {...},
"documents": [{"id", "file", "expires_on"?}]}; files are relative to the manifest. Each file is hashed
(SHA-256) and its format detected from its first bytes (PDF, PNG, JPEG), else from its extension.
Exit status: 0 done (complete), 3 the checklist is not empty, 1 the engine refused, 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import unicodedata
from typing import Any, Dict, List, Optional, Tuple

import permitflow

BUREAU_ZONE = dt.timezone(dt.timedelta(hours=8))
PROBLEMS = {
    "missing": "missing",
    "condition_required": "required by your facts, missing",
    "expired": "expired",
    "invalid_format": "wrong file format",
    "invalid_content": "content not acceptable",
}
CLOCKS = [("acceptance_notice", "acceptance (受理) decision"), ("correction", "correction period (补正)"),
          ("decision", "decision (审批)"), ("issuance", "certificate issuance (发证)")]
EXIT_INCOMPLETE = 3


# --- documents -------------------------------------------------------------------------------------------
def detect_format(path: str, head: bytes) -> str:
    """The document's format from its magic bytes, else from its extension."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    return {"jpeg": "jpg", "jpe": "jpg", "tif": "tiff"}.get(ext, ext or "unknown")


def read_document(path: str) -> Tuple[str, str]:
    """(format, sha256 hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        head = f.read(16)
        digest.update(head)
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return detect_format(path, head), digest.hexdigest()


class Manifest:
    def __init__(self, path: str) -> None:
        self.path = path
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for key in ("permit", "applicant", "facts", "documents"):
            if key not in doc:
                raise SystemExit(f"applicant_app: {path}: the manifest needs '{key}'")
        self.permit: str = doc["permit"]
        self.applicant: Dict[str, str] = doc["applicant"]
        self.facts: Dict[str, Any] = doc["facts"]
        self.documents: List[Dict[str, Any]] = doc["documents"]
        self.base = os.path.dirname(os.path.abspath(path))

    @property
    def actor(self) -> Dict[str, str]:
        return {"id": self.applicant["id"], "role": "applicant"}

    def materials(self, only: Optional[set] = None) -> Tuple[List[Dict[str, Any]], List[str]]:
        """The materials to send (with format and sha256) and the lines describing each file."""
        materials, lines = [], []
        for d in self.documents:
            if only is not None and d["id"] not in only:
                continue
            path = os.path.join(self.base, d["file"])
            if not os.path.isfile(path):
                lines.append(f"  {d['id']:<24} {d['file']:<36} NOT FOUND (left out)")
                continue
            fmt, sha = read_document(path)
            m = {"id": d["id"], "format": fmt, "sha256": sha}
            if d.get("expires_on"):
                m["expires_on"] = d["expires_on"]
            materials.append(m)
            expiry = f"  valid to {d['expires_on']}" if d.get("expires_on") else ""
            lines.append(f"  {d['id']:<24} {d['file']:<36} {fmt:<5} sha256 {sha[:12]}…{expiry}")
        return materials, lines

    def application(self, at: str, materials: List[Dict[str, Any]]) -> Dict[str, Any]:
        return {"permit": self.permit, "applicant": self.applicant, "actor": self.actor, "at": at,
                "facts": self.facts, "materials": materials}


# --- output ----------------------------------------------------------------------------------------------
def print_checklist(items: List[Dict[str, Any]], heading: str) -> None:
    if not items:
        print(f"{heading}: nothing missing or wrong.")
        return
    print(f"{heading}: {len(items)} item{'s' if len(items) != 1 else ''} to fix")
    for i, item in enumerate(items, 1):
        what = item["material"]
        if what.startswith("fact:"):
            what = f"fact '{what[5:]}'"
        note = f" ({item['note']})" if item.get("note") else ""
        print(f"  {i}. {what}: {PROBLEMS.get(item['problem'], item['problem'])}{note}")


def pad(text: str, width: int) -> str:
    """Left-justifies text to a display width (CJK characters take two columns)."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cols)


def working_days_between(engine: permitflow.Engine, start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    n = 0
    while n < 1000 and engine.add_working_days(start, n + 1) <= end:
        n += 1
    return n


def describe_clock(engine: permitflow.Engine, clock: Dict[str, Any], today: dt.date) -> str:
    due = dt.date.fromisoformat(clock["due"])
    light = clock["light"]
    if light == "met":
        return f"due {due} — met"
    if light == "stopped":
        return f"due {due} — stopped (suspended)"
    if due >= today:
        left = working_days_between(engine, today, due) + (1 if is_working_day(engine, today) else 0)
        text = f"due {due} — {left} working day{'s' if left != 1 else ''} left (today included), {light}"
    else:
        late = working_days_between(engine, due, today)
        text = f"due {due} — {late} working day{'s' if late != 1 else ''} late, {light}"
    return text + (" [provisional calendar]" if clock.get("provisional") else "")


def is_working_day(engine: permitflow.Engine, day: dt.date) -> bool:
    """A date is a working day when the first working day after the day before it is itself."""
    return engine.add_working_days(day - dt.timedelta(days=1), 1) == day


def print_case(engine: permitflow.Engine, case: Dict[str, Any], today: dt.date) -> None:
    print(f"Case {case['id']} ({case['permit']}, {case['applicant'].get('name', case['applicant']['id'])})")
    print(f"  state: {case['state']}   received on {case['received_on']}"
          + (f"   accepted on {case['accepted_on']}" + (" (deemed)" if case.get("deemed_accepted") else "")
             if case.get("accepted_on") else ""))
    if case.get("flags"):
        print(f"  flags: {', '.join(case['flags'])}")
    print(f"  clocks as of {today}:")
    for key, label in CLOCKS:
        clock = case["deadlines"].get(key)
        if clock:
            print(f"    {pad(label, 32)} {describe_clock(engine, clock, today)}")
        if key == "decision" and clock and clock.get("statutory_due"):
            legal = dict(clock, due=clock["statutory_due"], light=clock.get("statutory_light", clock["light"]))
            print(f"    {pad('statutory limit (法定时限)', 32)} {describe_clock(engine, legal, today)}")
    notices = case.get("notices") or []
    if case["state"] == "awaiting_correction" and notices:
        last = notices[-1]
        print()
        print_checklist(last["items"], f"Correction notice of {last['issued_on']} (补正告知)")
        print("Answer it with: applicant_app.py resubmit CASE MANIFEST (only the documents it names are sent)")
    elif notices:
        answered = ", ".join(f"{n['issued_on']} ({len(n['items'])} items)" for n in notices)
        print(f"  correction notices answered: {answered}")


# --- commands --------------------------------------------------------------------------------------------
def now_or(at: Optional[str]) -> str:
    return at or dt.datetime.now(BUREAU_ZONE).replace(microsecond=0).isoformat()


def run_precheck(engine: permitflow.Engine, manifest: Manifest, at: str) -> Dict[str, Any]:
    materials, lines = manifest.materials()
    print(f"Documents of {manifest.applicant.get('name', '')} ({manifest.applicant['id']}) for {manifest.permit}:")
    for line in lines:
        print(line)
    notice = engine.precheck(manifest.application(at, materials))
    print()
    print_checklist(notice["items"], "One-time checklist (一次性告知)")
    if notice.get("flags"):
        print(f"Flags the bureau will see: {', '.join(notice['flags'])}")
    return {"notice": notice, "materials": materials}


def cmd_precheck(engine: permitflow.Engine, args: argparse.Namespace) -> int:
    result = run_precheck(engine, Manifest(args.manifest), now_or(args.at))
    return 0 if result["notice"]["complete"] else EXIT_INCOMPLETE


def cmd_submit(engine: permitflow.Engine, args: argparse.Namespace) -> int:
    manifest = Manifest(args.manifest)
    at = now_or(args.at)
    result = run_precheck(engine, manifest, at)
    if not result["notice"]["complete"] and not args.allow_incomplete:
        print("\nNot submitted: fix the checklist first (or submit anyway with --allow-incomplete; the bureau "
              "will then send a correction notice).")
        return EXIT_INCOMPLETE
    case = engine.submit(manifest.application(at, result["materials"]))
    print(f"\nSubmitted: case {case['id']}\n")
    print_case(engine, case, dt.date.fromisoformat(case["received_on"]))
    return 0


def cmd_status(engine: permitflow.Engine, args: argparse.Namespace) -> int:
    today = args.today or dt.datetime.now(BUREAU_ZONE).date()
    print_case(engine, engine.get(args.case), today)
    return 0


def cmd_resubmit(engine: permitflow.Engine, args: argparse.Namespace) -> int:
    manifest = Manifest(args.manifest)
    case = engine.get(args.case)
    if case["state"] != "awaiting_correction" or not case["notices"]:
        print(f"Case {case['id']} is {case['state']}: there is no correction notice to answer.")
        return 1
    named = {i["material"] for i in case["notices"][-1]["items"]}
    materials, lines = manifest.materials(only=named)
    print(f"Answering the correction notice of {case['notices'][-1]['issued_on']} with:")
    for line in lines:
        print(line)
    unanswered = sorted(m for m in named if m not in {x["id"] for x in materials} and not m.startswith("fact:"))
    if unanswered:
        print(f"Still not supplied: {', '.join(unanswered)}")
    command = {"type": "resubmit", "actor": manifest.actor, "at": now_or(args.at), "materials": materials}
    if any(m.startswith("fact:") for m in named):
        command["facts"] = manifest.facts
    case = engine.execute(case["id"], command)
    print("\nResubmitted: the bureau's acceptance clock starts again.\n")
    print_case(engine, case, dt.date.fromisoformat(command["at"][:10]))
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="applicant_app.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--db", default=os.environ.get("PERMITFLOW_DB"),
                        help="the permitflow database (SQLite file); default $PERMITFLOW_DB")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("precheck", help="print the one-time checklist of a manifest (creates nothing)")
    p.add_argument("manifest")
    p.add_argument("--at", help="RFC 3339 time of the check (default: now)")
    p.set_defaults(run=cmd_precheck)
    p = sub.add_parser("submit", help="submit the application of a manifest and show its clocks")
    p.add_argument("manifest")
    p.add_argument("--at", help="RFC 3339 time of the submission (default: now)")
    p.add_argument("--allow-incomplete", action="store_true", help="submit even when the checklist is not empty")
    p.set_defaults(run=cmd_submit)
    p = sub.add_parser("status", help="show a case with its notices and clocks in working days")
    p.add_argument("case")
    p.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD to count from (default: today)")
    p.set_defaults(run=cmd_status)
    p = sub.add_parser("resubmit", help="answer the correction notice of a case with the manifest's documents")
    p.add_argument("case")
    p.add_argument("manifest")
    p.add_argument("--at", help="RFC 3339 time of the resubmission (default: now)")
    p.set_defaults(run=cmd_resubmit)
    args = parser.parse_args(argv)
    if not args.db:
        parser.error("give --db FILE or set PERMITFLOW_DB")
    try:
        with permitflow.Engine(args.db) as engine:
            return args.run(engine, args)
    except permitflow.Error as e:
        print(f"applicant_app: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    except (OSError, json.JSONDecodeError) as e:
        print(f"applicant_app: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
