#!/usr/bin/env python3
"""Runs the code blocks of README.md, so the examples a reader copies cannot rot.

The fenced blocks are read at test time. ```cpp blocks are compiled against the built library and run;
```python blocks run with the built module; ```sh blocks run with bash -e, with permitctl on PATH. Each runs in
a fresh temporary directory. A block whose fence carries `not-run` (```sh not-run) is left out, and said so:
the README marks that way the commands that build everything or start a server.

Usage: readme_blocks.py LANG --readme README.md [--cxx C++ --include DIR... --lib LIBFILE --cxxflag F...]
                        [--pythonpath DIR] [--bin DIR]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```(\w+)?(.*)$")


def blocks(readme):
    out, lang, flags, body, start = [], None, "", [], 0
    with open(readme, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            m = FENCE.match(line.rstrip("\n"))
            if lang is None and m and m.group(1):
                lang, flags, body, start = m.group(1), m.group(2), [], no
            elif lang is not None and line.rstrip() == "```":
                out.append((lang, flags.split(), "".join(body), start))
                lang = None
            elif lang is not None:
                body.append(line)
    return out


def run(cmd, cwd, env=None, timeout=300):
    print("$", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    return r.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("lang", choices=["cpp", "python", "sh"])
    ap.add_argument("--readme", required=True)
    ap.add_argument("--cxx")
    ap.add_argument("--include", action="append", default=[])
    ap.add_argument("--lib")
    ap.add_argument("--cxxflag", action="append", default=[])
    ap.add_argument("--pythonpath")
    ap.add_argument("--bin")
    a = ap.parse_args()
    # Each block runs in its own temporary folder: every path given must hold from there.
    a.include = [os.path.abspath(d) for d in a.include]
    for name in ("lib", "pythonpath", "bin"):
        if getattr(a, name):
            setattr(a, name, os.path.abspath(getattr(a, name)))
    aliases = {"cpp": {"cpp", "c++"}, "python": {"python", "py"}, "sh": {"sh", "bash", "shell"}}[a.lang]
    ran = skipped = failed = 0
    for lang, flags, body, line in blocks(a.readme):
        if lang not in aliases:
            continue
        if "not-run" in flags:
            print(f"README.md:{line}: {lang} block marked not-run: left out")
            skipped += 1
            continue
        with tempfile.TemporaryDirectory(prefix="readme-") as work:
            env = dict(os.environ)
            if a.lang == "cpp":
                src = os.path.join(work, "example.cpp")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(body)
                exe = os.path.join(work, "example")
                cmd = [a.cxx, "-std=c++20", "-Wall", "-Wextra", "-Wpedantic", "-Werror", *a.cxxflag]
                cmd += [f"-I{d}" for d in a.include]
                cmd += [src, "-o", exe, a.lib, f"-Wl,-rpath,{os.path.dirname(a.lib)}"]
                rc = run(cmd, work) or run([exe], work)
            elif a.lang == "python":
                src = os.path.join(work, "example.py")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(body)
                env["PYTHONPATH"] = a.pythonpath
                rc = run(["/usr/bin/python3", src], work, env)
            else:
                src = os.path.join(work, "example.sh")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(body)
                env["PATH"] = a.bin + os.pathsep + env.get("PATH", "")
                rc = run(["bash", "-euo", "pipefail", src], work, env)
        ran += 1
        if rc != 0:
            failed += 1
            print(f"README.md:{line}: {lang} block FAILED (exit {rc})")
        else:
            print(f"README.md:{line}: {lang} block ok")
    if ran == 0:
        print(f"no runnable {a.lang} block in README.md")
        return 1
    print(f"{ran - failed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
