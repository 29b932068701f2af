#!/usr/bin/env python3
"""Counts the pages each commit writes to each SQLite database's WAL, by table and index (docs/performance.md,
"The pages of a durable command").

usage: wal_pages.py COMMAND...
  Runs COMMAND under strace (Debian package strace), which must leave its databases in place (for
  permitflow_macro: --keep). Every WAL frame starts with a 24-byte header naming its page and, on the last
  frame of a commit, the database's size: the header writes give the pages and the commits. Each page is
  then named by the b-tree that owns it in the database as the run left it (SQLite's dbstat table), so a
  page freed by one b-tree and reused by another during the run counts for its last owner.
Prints, for each database whose WAL was written, its frames per commit and then each b-tree's share.
"""
import collections
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

# strace -xx writes every byte of a path or buffer as \xHH.
CALL = re.compile(r'^\d+\s+pwrite64\(\d+<([^>]*)>, "([^"]*)"\.*, (\d+), (\d+)\)')
HEX = re.compile(r"\\x([0-9a-f]{2})")
FRAME_HEADER = 24


def unhex(text):
    return bytes(int(h, 16) for h in HEX.findall(text))


def page_owners(database):
    uri = "file:" + database + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as db:
        return dict(db.execute("SELECT pageno, name FROM dbstat"))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    frames = collections.defaultdict(collections.Counter)  # WAL path -> page -> frames
    commits = collections.Counter()
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as trace:
        run = subprocess.run(["strace", "-f", "-qq", "-y", "-xx", "-s", "8", "-e", "trace=pwrite64",
                              "-o", trace.name] + sys.argv[1:], stdout=subprocess.DEVNULL)
        if run.returncode != 0:
            sys.exit(f"wal_pages: the command exited with {run.returncode}")
        for line in trace:
            m = CALL.match(line)
            if not m or int(m.group(3)) != FRAME_HEADER:
                continue
            path = unhex(m.group(1)).decode()
            if not path.endswith("-wal"):
                continue
            header = unhex(m.group(2))
            frames[path][int.from_bytes(header[:4], "big")] += 1
            if int.from_bytes(header[4:8], "big"):
                commits[path] += 1
    for wal in sorted(frames):
        database = wal[: -len("-wal")]
        if not commits[wal] or not os.path.exists(database):
            continue
        owners = page_owners(database)
        by_tree = collections.Counter()
        for page, n in frames[wal].items():
            by_tree[owners.get(page, "(freed)")] += n
        total = sum(by_tree.values())
        print(f"{database}: {commits[wal]} commits, {total / commits[wal]:.2f} pages per commit")
        for tree, n in by_tree.most_common():
            if n / commits[wal] < 0.005:
                break
            print(f"  {tree:40s} {n / commits[wal]:6.2f}")


if __name__ == "__main__":
    main()
