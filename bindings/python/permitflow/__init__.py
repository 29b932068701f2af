"""permitflow: administrative permit approvals on legal working-day clocks.

The Python face of the permitflow engine. It mirrors the C API one to one (docs/contract.md):

    import datetime as dt, permitflow

    CST = dt.timezone(dt.timedelta(hours=8))
    with permitflow.Engine("cases.db") as engine:
        notice = engine.precheck(application)          # the one-time checklist, creates nothing
        case = engine.submit(application)              # -> dict, e.g. case["deadlines"]["acceptance_notice"]
        case = engine.execute(case["id"], {"type": "accept", "actor": {"id": "c1", "role": "clerk"},
                                           "at": dt.datetime(2026, 3, 9, 10, tzinfo=CST)})

Dicts go in and come out (JSON inside). Wherever the contract takes a date or a time, a ``datetime.date``
or a timezone-aware ``datetime.datetime`` may be given instead of the string; a naive datetime is refused
with :class:`InvalidArgument`. Every failure raises a subclass of :class:`Error` carrying the engine's message
(``str(e)``), its C API status (``e.status``) and, when known, the JSON pointer of the offending input
(``e.field``). The engine is thread-safe and releases the GIL while it works, so threads run in parallel.
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import math as _math
import os as _os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import _permitflow
from ._permitflow import (
    Conflict,
    Error,
    Internal,
    InvalidArgument,
    InvalidState,
    NotFound,
    PermissionDenied,
    RuleViolation,
    StorageError,
)

__version__: str = _permitflow.__version__

__all__ = [
    "Conflict",
    "Engine",
    "Error",
    "Internal",
    "InvalidArgument",
    "InvalidState",
    "NotFound",
    "PermissionDenied",
    "RuleViolation",
    "StorageError",
    "WorkingDate",
    "__version__",
    "open",
    "sniff_document_format",
    "version",
]

DateLike = Union[_dt.date, str]
TimeLike = Union[_dt.datetime, str]
JSONDict = Dict[str, Any]


def version() -> str:
    """The runtime version of the C++ library (equals ``__version__``)."""
    return _permitflow.version()


def sniff_document_format(path: str) -> str:
    """A document's format from its first bytes, never its name: ``"pdf"``, ``"ofd"`` (a ZIP holding
    OFD.xml), ``"png"``, ``"jpg"``, or ``""`` for anything else."""
    return _permitflow.sniff_document_format(_text(str(path), "path"))


class WorkingDate(_dt.date):
    """A ``datetime.date`` computed on the working-day calendar.

    ``provisional`` is True when the date lies past the last loaded calendar year, so it was computed on
    weekends and the fixed-date holidays only and may move once that year's calendar is published.
    It compares equal to the plain date with the same day.
    """

    provisional: bool

    def __new__(cls, year: int, month: int, day: int, provisional: bool = False) -> "WorkingDate":
        self = super().__new__(cls, year, month, day)
        self.provisional = bool(provisional)
        return self

    def __repr__(self) -> str:
        return f"permitflow.WorkingDate({self.year}, {self.month}, {self.day}, provisional={self.provisional})"

    def __reduce__(self) -> Any:
        return (WorkingDate, (self.year, self.month, self.day, self.provisional))


def _invalid(message: str, field: Optional[str] = None) -> InvalidArgument:
    error = InvalidArgument(message)
    error.field = field
    return error


def _text(value: str, where: str) -> str:
    """Refuses a str that is not Unicode text UTF-8 can carry (e.g. a lone surrogate from a bad decode)."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise _invalid(f"{where or '/'}: not valid UTF-8 text (character {e.start} is a lone surrogate)",
                           where or None) from None
    return value


def _encode(value: Any, where: str) -> Any:
    """Turns dates and aware datetimes into the contract's strings, recursively; refuses naive datetimes."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise _invalid(
                f"{where or '/'}: the datetime {value.isoformat()} has no time zone; "
                "give an aware datetime (e.g. tzinfo=datetime.timezone(datetime.timedelta(hours=8)))",
                where or None,
            )
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _invalid(f"{where or '/'}: keys must be strings, not {key!r}", where or None)
            out[_text(key, where)] = _encode(item, f"{where}/{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [_encode(item, f"{where}/{i}") for i, item in enumerate(value)]
    if isinstance(value, float) and not _math.isfinite(value):
        raise _invalid(f"{where or '/'}: {value} is not a JSON number", where or None)
    if isinstance(value, str):
        return _text(value, where)
    if value is None or isinstance(value, (int, float, bool)):
        return value
    raise _invalid(f"{where or '/'}: a {type(value).__name__} cannot be sent to the engine", where or None)


def _dumps(document: Any, what: str) -> str:
    if not isinstance(document, Mapping):
        raise _invalid(f"the {what} must be a dict, not a {type(document).__name__}")
    return _json.dumps(_encode(document, ""), ensure_ascii=False, allow_nan=False)


def _time(now: TimeLike, what: str) -> str:
    if isinstance(now, str):
        return _text(now, "/" + what)
    if isinstance(now, _dt.datetime):
        return _encode(now, "/" + what)
    raise _invalid(f"{what} must be an aware datetime.datetime or an RFC 3339 string, "
                   f"not a {type(now).__name__}", "/" + what)


def _date(day: DateLike, what: str) -> str:
    if isinstance(day, str):
        return _text(day, "/" + what)
    if isinstance(day, _dt.datetime):
        raise _invalid(f"{what} must be a datetime.date, not a datetime", "/" + what)
    if isinstance(day, _dt.date):
        return day.isoformat()
    raise _invalid(f"{what} must be a datetime.date or 'YYYY-MM-DD', not a {type(day).__name__}", "/" + what)


def _case_id(case_id: str) -> str:
    if not isinstance(case_id, str):
        raise _invalid(f"case_id must be a str, not a {type(case_id).__name__}", "/case_id")
    return _text(case_id, "/case_id")


class Engine:
    """An engine over one database (a SQLite file, or ``postgresql://…``).

    ``Engine(database, **config)`` takes the rest of the config as keywords: ``definitions_dir``,
    ``calendar_file``, ``utc_offset_minutes`` (480), ``synchronous`` ("full"|"normal"), ``county_code``
    ("000000"), ``log_level`` ("warn"), ``pool_size`` (4, PostgreSQL connections), ``feed_retention_days`` (90). A missing database file is created; an existing one reopens with
    every case, timer and event. Use it as a context manager, or call :meth:`close`.

    Every method may be called from many threads at once; the GIL is released while the engine works.
    """

    def __init__(self, database: Union[str, "_os.PathLike[str]"], **config: Any) -> None:
        try:
            path = _os.fspath(database)
        except TypeError:
            raise _invalid(f"database must be a path or a URL, not a {type(database).__name__}",
                           "/database") from None
        self._native = _permitflow.Engine(_dumps({"database": path, **config}, "config"))
        self._database = path

    # --- lifecycle -----------------------------------------------------------------------------------
    def close(self) -> None:
        """Closes the engine. Calls already running on other threads finish first; later calls raise
        :class:`InvalidState`. Closing twice is harmless."""
        self._native.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return bool(self._native.closed)

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc_info: Any) -> bool:
        self.close()
        return False

    def __repr__(self) -> str:
        return f"<permitflow.Engine {self._database!r}{' closed' if self.closed else ''}>"

    # --- applications and commands ---------------------------------------------------------------------
    def precheck(self, application: Mapping[str, Any]) -> JSONDict:
        """The one-time notice the application would get, without creating anything:
        ``{"complete": bool, "items": [{"material", "problem", "note"?}], "flags": [...]}``."""
        return _json.loads(self._native.precheck(_dumps(application, "application")))

    def submit(self, application: Mapping[str, Any]) -> JSONDict:
        """Receives an application (收件) and returns the new case."""
        return _json.loads(self._native.submit(_dumps(application, "application")))

    def execute(self, case_id: str, command: Mapping[str, Any]) -> JSONDict:
        """Runs a command (``{"type", "actor", "at", …}``) on a case and returns the case after it."""
        return _json.loads(self._native.execute(_case_id(case_id), _dumps(command, "command")))

    # --- reads -----------------------------------------------------------------------------------------
    def get(self, case_id: str, actor: Optional[Mapping[str, Any]] = None) -> JSONDict:
        """The case as it stands. Raises :class:`NotFound` for an unknown id. With ``actor``
        (``{"id", "role", "department"?, "unit"?}``, like ``pf_get_case_as``): the case as that actor may
        see it, with ``"allowed_commands"``; :class:`PermissionDenied` when it may not see the case."""
        if actor is None:
            return _json.loads(self._native.get_case(_case_id(case_id)))
        return _json.loads(self._native.get_case_as(_case_id(case_id), _dumps(actor, "actor")))

    get_case = get

    def get_case_as(self, case_id: str, actor: Mapping[str, Any]) -> JSONDict:
        """``pf_get_case_as``: :meth:`get` with an actor."""
        return _json.loads(self._native.get_case_as(_case_id(case_id), _dumps(actor, "actor")))

    def history(self, case_id: str, actor: Optional[Mapping[str, Any]] = None) -> List[JSONDict]:
        """The case's events in order: ``[{"seq", "type", "at", "actor", "data", "prev_hash", "hash"}]``.
        With ``actor`` (like ``pf_history_as``): as that actor may see them; :class:`PermissionDenied` when
        it may not see the case."""
        if actor is None:
            return _json.loads(self._native.history(_case_id(case_id)))
        return _json.loads(self._native.history_as(_case_id(case_id), _dumps(actor, "actor")))

    def history_as(self, case_id: str, actor: Mapping[str, Any]) -> List[JSONDict]:
        """``pf_history_as``: :meth:`history` with an actor."""
        return _json.loads(self._native.history_as(_case_id(case_id), _dumps(actor, "actor")))

    def query(self, query: Optional[Mapping[str, Any]] = None, **filters: Any) -> JSONDict:
        """Cases matching a query, ordered by id: ``{"cases": [...], "next": cursor|None}``.

        Filters (as a dict, as keywords, or both): ``permit``, ``state``, ``light``, ``applicant``,
        ``awaiting_department``, ``due_before``, ``due_after`` (dates), ``actor``, ``limit``, ``after``; for
        complaints (docs/complaints.md) ``kind``, ``category``, ``unit``, ``reporter``."""
        merged: Dict[str, Any] = dict(query or {})
        merged.update(filters)
        return _json.loads(self._native.query(_dumps(merged, "query")))

    # --- time ----------------------------------------------------------------------------------------
    def run_due(self, now: TimeLike) -> List[JSONDict]:
        """Fires every timer due at or before ``now`` (an aware datetime or an RFC 3339 string), each
        exactly once, in due order; returns what fired: ``[{"case", "kind", "clock", "due", "events"}]``."""
        return _json.loads(self._native.run_due(_time(now, "now")))

    def add_working_days(self, date: DateLike, n: int) -> WorkingDate:
        """The ``n``-th working day after ``date`` (n ≥ 0; 0 gives the date itself) as a
        :class:`WorkingDate`, whose ``provisional`` says whether it lies past the loaded calendars."""
        if isinstance(n, bool) or not isinstance(n, int):
            raise _invalid(f"n must be an int, not a {type(n).__name__}", "/n")
        if not -(2**31) <= n < 2**31:
            raise _invalid(f"n = {n} is out of range", "/n")
        answer = _json.loads(self._native.add_working_days(_date(date, "date"), n))
        day = _dt.date.fromisoformat(answer["date"])
        return WorkingDate(day.year, day.month, day.day, answer["provisional"])

    # --- supervision ---------------------------------------------------------------------------------
    def report(self, week: DateLike, format: str = "json",
               actor: Optional[Mapping[str, Any]] = None) -> JSONDict:
        """The weekly supervision report (督查周报) of the week holding ``week``. With ``format="csv"`` the
        answer is ``{"csv": "…"}``. With ``actor``: only the cases that actor may see, and reporters' names
        only where it may see them (docs/policy.md)."""
        request: Dict[str, Any] = {"week": _date(week, "week"), "format": format}
        if actor is not None:
            request["actor"] = actor
        return _json.loads(self._native.report(_dumps(request, "report")))

    def definitions(self, date: Optional[DateLike] = None) -> JSONDict:
        """The definitions the engine knows (compiled in, ``definitions_dir``, stored with cases):
        ``{"date", "definitions": [{"id", "kind", "version", "hash", "effective_from", "in_effect", …}]}``;
        ``in_effect`` marks the version a submission on ``date`` (default today) gets."""
        return _json.loads(self._native.definitions("" if date is None else _date(date, "date")))

    def verify(self, documents_dir: Optional[str] = None) -> JSONDict:
        """Checks every hash chain and that every projection equals the replay of its log:
        ``{"ok", "cases_checked", "events_checked", "problems", "ledger_head", "ledger_count"}``. With
        ``documents_dir`` (the portal's documents folder) also that every document a material names by
        sha256 is there with matching bytes; a missing or altered one is a problem of its case."""
        options = {} if documents_dir is None else {"documents_dir": _text(documents_dir, "documents_dir")}
        return _json.loads(self._native.verify(_dumps(options, "verify options")))


    # --- the event feed (docs/feed.md) ----------------------------------------------------------------
    def feed(self, request: Optional[Mapping[str, Any]] = None, **fields: Any) -> JSONDict:
        """One page of feed records: ``{"records", "next", "head", "pruned"}``. Fields (as a dict, as
        keywords, or both): ``after``, ``limit`` (1–1000), ``kinds``, ``types``, ``profile``, ``consumer``."""
        merged: Dict[str, Any] = dict(request or {})
        merged.update(fields)
        return _json.loads(self._native.feed(_dumps(merged, "feed request")))

    def feed_ack(self, consumer: str, seq: int) -> None:
        """Moves the durable consumer ``consumer`` forward to ``seq`` (never back, never past the head)."""
        if not isinstance(consumer, str):
            raise _invalid("consumer must be a str", "/consumer")
        if isinstance(seq, bool) or not isinstance(seq, int) or not -(2**63) <= seq < 2**63:
            raise _invalid("seq must be an int", "/seq")
        self._native.feed_ack(consumer, seq)

    def records(self, after: int = 0, *, consumer: Optional[str] = None, limit: int = 100,
                **filters: Any) -> Iterator[JSONDict]:
        """Iterates over the feed records after ``after`` (or after ``consumer``'s cursor), page by page,
        up to the head as it was when each page was read. It does not acknowledge: call :meth:`feed_ack`
        after handling a record."""
        request: Dict[str, Any] = dict(filters, limit=limit)
        if consumer is not None:
            request["consumer"] = consumer
        else:
            request["after"] = after
        while True:
            page = self.feed(request)
            yield from page["records"]
            if page["next"] >= page["head"]:
                return
            request.pop("consumer", None)
            request["after"] = page["next"]

def open(config: Mapping[str, Any]) -> Engine:  # noqa: A001 - mirrors pf_open
    """Opens an engine from a config dict (``{"database": …, …}``), like the C API's ``pf_open``."""
    if not isinstance(config, Mapping) or "database" not in config:
        raise _invalid("the config must be a dict with a 'database'", "/database")
    rest = dict(config)
    return Engine(rest.pop("database"), **rest)
