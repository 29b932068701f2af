"""`cmake --install` puts an importable package into site-packages (here a staging prefix)."""
import os
import subprocess
import sys

import pytest

import permitflow


def build_dir():
    # <build>/bindings/python/permitflow/__init__.py
    here = os.path.dirname(os.path.abspath(permitflow.__file__))
    root = os.path.abspath(os.path.join(here, "..", "..", ".."))
    return root if os.path.exists(os.path.join(root, "CMakeCache.txt")) else None


def test_cmake_install_then_import(tmp_path):
    build = build_dir()
    if build is None:
        pytest.skip("permitflow is not imported from a CMake build tree")
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", build, "--prefix", str(prefix), "--component", "python"], check=True,
                   capture_output=True)
    inits = list(prefix.rglob("permitflow/__init__.py"))
    assert len(inits) == 1, inits
    site = inits[0].parent.parent
    pkg = inits[0].parent
    assert (pkg / "py.typed").exists() and (pkg / "_permitflow.pyi").exists()
    assert list(pkg.glob("_permitflow*.so"))
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run([sys.executable, "-c", "import permitflow, sys; print(permitflow.__file__); "
                          "print(permitflow.Engine(sys.argv[1]).add_working_days('2025-12-29', 5))",
                          str(tmp_path / "i.db")], check=True, capture_output=True, text=True, env=env, cwd=tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(site)) and lines[1] == "2026-01-06"
