#!/usr/bin/env python3
"""applicant_app: an enterprise applicant's side of a permit application, against the bureau's portal.

    applicant_app.py --portal URL --login NAME definitions     fetch the bureau's definitions (versions, hashes)
                                                               and cache them for offline prechecks
    applicant_app.py --portal URL --login NAME precheck MANIFEST
                                                               the one-time checklist, computed OFFLINE on the
                                                               embedded engine with the cached definitions
    applicant_app.py --portal URL --login NAME submit MANIFEST upload the documents not sent before, submit
                                                               (refused while incomplete unless
                                                               --allow-incomplete), show the clocks
    applicant_app.py --portal URL --login NAME status CASE     the case, its notices and clocks in working days
    applicant_app.py --portal URL --login NAME resubmit CASE MANIFEST
                                                               answer a correction notice (补正) with only the
                                                               documents it names
    applicant_app.py --portal URL --login NAME supply CASE MANIFEST
                                                               bring what a tolerant acceptance (容缺受理) left
                                                               outstanding, by its supply_by date
    applicant_app.py --portal URL --login NAME inbox [--all]   the messages the bureau sent you

The password comes from $PERMITFLOW_PASSWORD or is asked for. `--db FILE` instead of `--portal` runs the same
commands (but definitions and inbox) on a local database, for demonstrations only: an applicant never holds the
bureau's database.

A manifest is JSON: {"permit", "applicant": {"id", "name"}, "facts": {...},
"documents": [{"id", "file", "expires_on"?}]}; files are relative to the manifest. Each file is hashed
(SHA-256) and its format taken from its first bytes (PDF, OFD, PNG, JPEG), never from its name.
Exit status: 0 done (complete), 3 the checklist is not empty, 1 the engine or the portal refused, 2 bad usage
or no connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import sys
import tempfile
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
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
def detect_format(path: str) -> str:
    """The document's format from its first bytes (the engine's own sniffing), never from its name."""
    return permitflow.sniff_document_format(path) or "unknown"


def read_document(path: str) -> Tuple[str, str]:
    """(format, sha256 hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return detect_format(path), digest.hexdigest()


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
        self.files: Dict[str, str] = {}  # sha256 -> path, for uploads
        for d in self.documents:
            if only is not None and d["id"] not in only:
                continue
            path = os.path.join(self.base, d["file"])
            if not os.path.isfile(path):
                lines.append(f"  {d['id']:<24} {d['file']:<36} NOT FOUND (left out)")
                continue
            fmt, sha = read_document(path)
            self.files[sha] = path
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


def correction_answer(case: Dict[str, Any], manifest: Manifest) -> Optional[Dict[str, Any]]:
    """The resubmit command answering the case's last correction notice with only the documents (and facts) it
    names, after printing them; None (said why) when there is no notice to answer."""
    if case["state"] != "awaiting_correction" or not case["notices"]:
        print(f"Case {case['id']} is {case['state']}: there is no correction notice to answer.")
        return None
    named = {i["material"] for i in case["notices"][-1]["items"]}
    materials, lines = manifest.materials(only=named)
    print(f"Answering the correction notice of {case['notices'][-1]['issued_on']} with:")
    for line in lines:
        print(line)
    unanswered = sorted(m for m in named if m not in {x["id"] for x in materials} and not m.startswith("fact:"))
    if unanswered:
        print(f"Still not supplied: {', '.join(unanswered)}")
    command: Dict[str, Any] = {"type": "resubmit", "materials": materials}
    if any(m.startswith("fact:") for m in named):
        command["facts"] = manifest.facts
    return command


def supply_answer(case: Dict[str, Any], manifest: Manifest) -> Optional[Dict[str, Any]]:
    """The supply command bringing the documents a tolerant acceptance (容缺受理) left outstanding, after
    printing them; None (said why) when no supply is pending."""
    tolerance = case.get("tolerance")
    if not tolerance or not tolerance.get("pending"):
        print(f"Case {case['id']} has no supply pending.")
        return None
    outstanding = set(tolerance.get("outstanding") or tolerance["items"])
    materials, lines = manifest.materials(only=outstanding)
    print(f"Supplying what the acceptance of {case['id']} left outstanding (by {tolerance['supply_by']}):")
    for line in lines:
        print(line)
    missing = sorted(outstanding - {m["id"] for m in materials})
    if missing:
        print(f"Still not supplied: {', '.join(missing)}")
    if not materials:
        print("The manifest holds none of the outstanding documents: nothing sent.")
        return None
    return {"type": "supply", "materials": materials}


# The two answers an applicant sends to its own case: what the command carries and what is said once it went.
ANSWERS = {"resubmit": (correction_answer, "Resubmitted: the bureau's acceptance clock starts again."),
           "supply": (supply_answer, "Supplied.")}


def cmd_answer(engine: permitflow.Engine, args: argparse.Namespace) -> int:
    """resubmit or supply on a local database (demonstrations)."""
    answer, said = ANSWERS[args.command]
    manifest = Manifest(args.manifest)
    case = engine.get(args.case)
    command = answer(case, manifest)
    if command is None:
        return 1
    command.update(actor=manifest.actor, at=now_or(args.at))
    case = engine.execute(case["id"], command)
    print(f"\n{said}\n")
    print_case(engine, case, dt.date.fromisoformat(command["at"][:10]))
    return 0


# --- the bureau's portal over HTTP (docs/portal.md) -------------------------------------------------------
class PortalError(Exception):
    """The portal refused a request: its HTTP status, error name and message."""

    def __init__(self, status: int, name: str, message: str) -> None:
        super().__init__(f"{status} {name}: {message}")
        self.status, self.name, self.message = status, name, message


class Portal:
    """A signed-in session with the portal: the session cookie and the CSRF token, standard library only."""

    def __init__(self, base: str, login: str, password: str, timeout: float = 60) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookie = ""
        self.csrf = ""
        me = self.call("POST", "/api/login", {"login": login, "password": password})
        self.user = me
        self.csrf = me["csrf"]

    def call(self, method: str, path: str, body: Any = None, data: Any = None,
             headers: Optional[Dict[str, str]] = None) -> Any:
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if self.cookie:
            req.add_header("Cookie", self.cookie)
        if self.csrf and method not in ("GET", "HEAD"):
            req.add_header("X-CSRF-Token", self.csrf)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                cookie = r.headers.get("Set-Cookie", "")
                if cookie.startswith("pf_session="):
                    self.cookie = cookie.split(";")[0]
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            try:
                err = json.loads(e.read())["error"]
                raise PortalError(e.code, err["status"], err["message"]) from None
            except (ValueError, KeyError, TypeError):
                raise PortalError(e.code, "http", e.reason) from None

    def now(self) -> str:
        return self.call("GET", "/api/me")["now"]

    def has_document(self, sha: str) -> bool:
        try:
            self.call("GET", f"/api/documents/{sha}")
            return True
        except PortalError as e:
            if e.status == 404:
                return False
            raise

    def upload(self, path: str, sha: str, permit: str, material: str) -> Dict[str, Any]:
        """PUT the file's bytes, printing a progress line as they go."""
        size = os.path.getsize(path)
        label = f"  uploading {material:<24}"

        class Progress:
            def __init__(self) -> None:
                self.f = open(path, "rb")
                self.sent = 0

            def read(self, n: int = -1) -> bytes:
                chunk = self.f.read(min(n if n and n > 0 else 1 << 16, 1 << 16))
                if not chunk:
                    self.f.close()
                    return chunk
                self.sent += len(chunk)
                print(f"\r{label} {100 * self.sent // size:3d}% ({self.sent // 1024} of {max(1, size // 1024)} KiB)",
                      end="" if self.sent < size else "\n", flush=True)
                return chunk

        query = urllib.parse.urlencode({"permit": permit, "material": material})
        return self.call("PUT", f"/api/documents/{sha}?{query}", data=Progress(),
                         headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"})


def cache_dir(args: argparse.Namespace) -> str:
    """Where the bureau's definitions are cached: one folder per portal."""
    if args.cache:
        return args.cache
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "permitflow-applicant", re.sub(r"[^A-Za-z0-9.-]", "_", args.portal))


def load_cache(folder: str) -> Optional[Dict[str, Any]]:
    try:
        with open(os.path.join(folder, "definitions.json"), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def refresh_definitions(portal: Portal, folder: str) -> Dict[str, Any]:
    """Fetches the portal's definitions with their contents and caches them; says what changed."""
    old = load_cache(folder) or {"permits": {}}
    permits = portal.call("GET", "/api/definitions?content=1")
    cache = {"portal": portal.base, "fetched_at": portal.now(), "permits": permits}
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, "definitions.json.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(cache, f, ensure_ascii=False)
    os.replace(tmp, os.path.join(folder, "definitions.json"))
    for pid, entry in sorted(permits.items()):
        before = old["permits"].get(pid, {}).get("hash")
        if before and before != entry["hash"]:
            print(f"Definitions: {pid} changed at the bureau: now version {entry['version']} "
                  f"(hash {entry['hash'][:12]}…)")
    return cache


def in_effect(entry: Dict[str, Any], day: str) -> Dict[str, Any]:
    """The cached version a submission on `day` gets: the highest version in effect by then."""
    versions = [v for v in entry["versions"] if not v.get("effective_from") or v["effective_from"] <= day]
    return max(versions or entry["versions"], key=lambda v: v["version"])


def local_engine(folder: str, cache: Dict[str, Any], scratch: str) -> permitflow.Engine:
    """The embedded engine with exactly the bureau's definitions: the versions this module does not ship are
    written to the cache folder and loaded from there (the shipped ones are the same bytes, by hash)."""
    with permitflow.Engine(os.path.join(scratch, "shipped.db")) as plain:
        known = {(d["id"], d["version"]): d["hash"] for d in plain.definitions()["definitions"]}
    defs = os.path.join(folder, "definitions")
    os.makedirs(defs, exist_ok=True)
    for name in os.listdir(defs):
        os.remove(os.path.join(defs, name))
    for pid, entry in cache["permits"].items():
        for v in entry["versions"]:
            have = known.get((pid, v["version"]))
            if have == v["hash"]:
                continue
            if have is not None:
                raise SystemExit(f"applicant_app: the bureau's {pid} version {v['version']} differs from the one "
                                 "this permitflow module ships: update the module")
            with open(os.path.join(defs, f"{pid}.v{v['version']}.json"), "w", encoding="utf-8") as f:
                json.dump(v["content"], f, ensure_ascii=False, indent=1)
    return permitflow.open({"database": os.path.join(scratch, "precheck.db"), "definitions_dir": defs})


def offline_precheck(args: argparse.Namespace, manifest: Manifest, at: str,
                     cache: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The one-time checklist on the embedded engine with the cached definitions: no network at all."""
    folder = cache_dir(args)
    cache = cache or load_cache(folder)
    if cache is None:
        raise SystemExit("applicant_app: no cached definitions: run `applicant_app.py --portal URL --login NAME "
                         "definitions` once while online")
    entry = cache["permits"].get(manifest.permit)
    if entry is None:
        raise SystemExit(f"applicant_app: the bureau has no permit '{manifest.permit}'")
    version = in_effect(entry, at[:10])
    print(f"Definitions: {manifest.permit} version {version['version']} (hash {version['hash'][:12]}…), "
          f"cached from {cache['portal']} at {cache['fetched_at']}")
    fetched = dt.datetime.fromisoformat(cache["fetched_at"])
    moment = dt.datetime.fromisoformat(at)
    if version["version"] != entry["version"]:
        print(f"  note: version {version['version']} took effect after the cache was fetched; "
              "refresh with `definitions` to be sure it is still the bureau's")
    elif moment - fetched > dt.timedelta(days=args.max_age_days):
        print(f"  note: the cache is {(moment - fetched).days} days old (stale): the bureau may have newer "
              "definitions; refresh with `definitions` when online")
    with tempfile.TemporaryDirectory() as scratch:
        with local_engine(folder, cache, scratch) as engine:
            return run_precheck(engine, manifest, at)


def upload_missing(portal: Portal, manifest: Manifest, materials: List[Dict[str, Any]]) -> None:
    """Uploads the documents this person has not sent the portal yet (asked by hash), with a progress line each."""
    sent = 0
    for m in materials:
        if portal.has_document(m["sha256"]):
            continue
        portal.upload(manifest.files[m["sha256"]], m["sha256"], manifest.permit, m["id"])
        sent += 1
    held = len(materials) - sent
    print(f"Documents: {sent} uploaded, {held} already at the bureau")


def portal_case(portal: Portal, case: Dict[str, Any], today: dt.date, scratch_dir: str) -> None:
    with permitflow.Engine(os.path.join(scratch_dir, "calendar.db")) as calendar:
        print_case(calendar, case, today)


def cmd_portal_definitions(portal: Portal, args: argparse.Namespace) -> int:
    cache = refresh_definitions(portal, cache_dir(args))
    print(f"Definitions of {portal.base} as of {cache['fetched_at']} (cached in {cache_dir(args)}):")
    for pid, entry in sorted(cache["permits"].items()):
        versions = ", ".join(f"v{v['version']}{' (in effect)' if v['in_effect'] else ''} {v['hash'][:12]}…"
                             for v in entry["versions"])
        print(f"  {pid:<22} {versions}")
    return 0


def cmd_portal_submit(portal: Portal, args: argparse.Namespace) -> int:
    manifest = Manifest(args.manifest)
    cache = refresh_definitions(portal, cache_dir(args))
    result = offline_precheck(args, manifest, portal.now(), cache)
    if not result["notice"]["complete"] and not args.allow_incomplete:
        print("\nNot submitted: fix the checklist first (or submit anyway with --allow-incomplete; the bureau "
              "will then send a correction notice).")
        return EXIT_INCOMPLETE
    print()
    upload_missing(portal, manifest, result["materials"])
    case = portal.call("POST", "/api/applications", {"permit": manifest.permit, "facts": manifest.facts,
                                                       "materials": result["materials"]})
    print(f"\nSubmitted: case {case['id']}\n")
    with tempfile.TemporaryDirectory() as scratch:
        portal_case(portal, case, dt.date.fromisoformat(case["received_on"]), scratch)
    return 0


def cmd_portal_status(portal: Portal, args: argparse.Namespace) -> int:
    case = portal.call("GET", f"/api/cases/{urllib.parse.quote(args.case, safe='')}")
    today = args.today or dt.date.fromisoformat(portal.now()[:10])
    with tempfile.TemporaryDirectory() as scratch:
        portal_case(portal, case, today, scratch)
    return 0


def cmd_portal_answer(portal: Portal, args: argparse.Namespace) -> int:
    """resubmit or supply through the portal: uploads what it lacks, then sends the command."""
    answer, said = ANSWERS[args.command]
    manifest = Manifest(args.manifest)
    path = f"/api/cases/{urllib.parse.quote(args.case, safe='')}"
    command = answer(portal.call("GET", path), manifest)
    if command is None:
        return 1
    upload_missing(portal, manifest, command["materials"])
    case = portal.call("POST", path + "/commands", command)
    print(f"\n{said}\n")
    with tempfile.TemporaryDirectory() as scratch:
        portal_case(portal, case, dt.date.fromisoformat(portal.now()[:10]), scratch)
    return 0


def cmd_portal_inbox(portal: Portal, args: argparse.Namespace) -> int:
    """The bureau's messages to you (the feed's notify profile); only new ones unless --all."""
    folder = cache_dir(args)
    os.makedirs(folder, exist_ok=True)
    seen_file = os.path.join(folder, f"inbox-{re.sub(r'[^A-Za-z0-9]', '_', portal.user['id'])}.json")
    after = 0
    if not args.all and os.path.exists(seen_file):
        with open(seen_file, encoding="utf-8") as f:
            after = json.load(f)["next"]
    # The portal answers every message of your cases addressed to you, newest first; show the unseen ones in
    # the order they were sent.
    everything = portal.call("GET", "/api/inbox")["messages"]
    messages = sorted((m for m in everything if m["seq"] > after), key=lambda m: m["seq"])
    with open(seen_file, "w", encoding="utf-8") as f:
        json.dump({"next": max([after] + [m["seq"] for m in everything])}, f)
    if not messages:
        print("Inbox: no new messages.")
        return 0
    print(f"Inbox: {len(messages)} message{'s' if len(messages) != 1 else ''}")
    for m in messages:
        print(f"  [{m['seq']}] {m['case']} {m['type']} ({m['channel']})")
        print(f"      {m['text']}")
    return 0


def cmd_portal_precheck(args: argparse.Namespace) -> int:
    at = now_or(args.at)
    result = offline_precheck(args, Manifest(args.manifest), at)
    return 0 if result["notice"]["complete"] else EXIT_INCOMPLETE


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="applicant_app.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--portal", default=os.environ.get("PERMITFLOW_PORTAL"),
                        help="the bureau's portal, e.g. https://permits.example.gov.cn (default $PERMITFLOW_PORTAL)")
    parser.add_argument("--login", default=os.environ.get("PERMITFLOW_LOGIN"),
                        help="your sign-in name at the portal (default $PERMITFLOW_LOGIN); the password is "
                             "$PERMITFLOW_PASSWORD or asked for")
    parser.add_argument("--cache", help="where the bureau's definitions are cached (default "
                                        "~/.cache/permitflow-applicant/<portal>)")
    parser.add_argument("--max-age-days", type=int, default=7,
                        help="cached definitions older than this are reported stale (default 7)")
    parser.add_argument("--db", default=os.environ.get("PERMITFLOW_DB"),
                        help="demonstrations only: a local permitflow database instead of the portal")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("definitions", help="fetch and cache the bureau's definitions (portal only)")
    p.set_defaults(portal_run=cmd_portal_definitions)
    p = sub.add_parser("precheck", help="print the one-time checklist of a manifest (offline; creates nothing)")
    p.add_argument("manifest")
    p.add_argument("--at", help="RFC 3339 time of the check (default: now)")
    p.set_defaults(run=cmd_precheck, offline_run=cmd_portal_precheck)
    p = sub.add_parser("submit", help="submit the application of a manifest and show its clocks")
    p.add_argument("manifest")
    p.add_argument("--at", help="--db only: RFC 3339 time of the submission (the portal uses its own clock)")
    p.add_argument("--allow-incomplete", action="store_true", help="submit even when the checklist is not empty")
    p.set_defaults(run=cmd_submit, portal_run=cmd_portal_submit)
    p = sub.add_parser("status", help="show a case with its notices and clocks in working days")
    p.add_argument("case")
    p.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD to count from (default: today)")
    p.set_defaults(run=cmd_status, portal_run=cmd_portal_status)
    p = sub.add_parser("resubmit", help="answer the correction notice of a case with the manifest's documents")
    p.add_argument("case")
    p.add_argument("manifest")
    p.add_argument("--at", help="--db only: RFC 3339 time of the resubmission (the portal uses its own clock)")
    p.set_defaults(run=cmd_answer, portal_run=cmd_portal_answer)
    p = sub.add_parser("supply", help="bring the documents a tolerant acceptance (容缺受理) left outstanding")
    p.add_argument("case")
    p.add_argument("manifest")
    p.add_argument("--at", help="--db only: RFC 3339 time of the supply (the portal uses its own clock)")
    p.set_defaults(run=cmd_answer, portal_run=cmd_portal_answer)
    p = sub.add_parser("inbox", help="the messages the bureau sent you (portal only)")
    p.add_argument("--all", action="store_true", help="every message, not only the new ones")
    p.set_defaults(portal_run=cmd_portal_inbox)
    args = parser.parse_args(argv)
    if args.portal and args.db:
        parser.error("give --portal or --db, not both")
    if not args.portal and not args.db:
        parser.error("give --portal URL (or, for demonstrations, --db FILE)")
    try:
        if args.db:
            if not hasattr(args, "run"):
                parser.error(f"{args.command} needs --portal")
            with permitflow.Engine(args.db) as engine:
                return args.run(engine, args)
        if hasattr(args, "offline_run"):
            return args.offline_run(args)
        if not args.login:
            parser.error("give --login NAME (or set PERMITFLOW_LOGIN)")
        password = os.environ.get("PERMITFLOW_PASSWORD") or getpass.getpass(f"password for {args.login}: ")
        portal = Portal(args.portal, args.login, password)
        return args.portal_run(portal, args)
    except PortalError as e:
        print(f"applicant_app: the portal refused: {e}", file=sys.stderr)
        return 1
    except permitflow.Error as e:
        print(f"applicant_app: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    except urllib.error.URLError as e:
        print(f"applicant_app: cannot reach {args.portal}: {e.reason}", file=sys.stderr)
        return 2
    except (OSError, json.JSONDecodeError) as e:
        print(f"applicant_app: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
