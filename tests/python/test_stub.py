"""The committed stub bindings/python/permitflow/_permitflow.pyi equals what stubgen (mypy) makes of the
built module. To refresh it after changing module.cpp:

    PYTHONPATH=build/release/bindings/python stubgen -m permitflow._permitflow -o /tmp/stubs
    cp /tmp/stubs/permitflow/_permitflow.pyi bindings/python/permitflow/
"""
import os
import shutil
import subprocess
import sys

import pytest

import permitflow

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bindings", "python", "permitflow",
                      "_permitflow.pyi")


def stubgen_command():
    try:
        import mypy.stubgen  # noqa: F401
        # Debian's mypy is compiled (mypyc): `python3 -m mypy.stubgen` does not work, calling main() does.
        return [sys.executable, "-c", "import sys; from mypy.stubgen import main; main(sys.argv[1:])"]
    except ImportError:
        exe = shutil.which("stubgen")
        return [exe] if exe else None


def test_committed_stub_matches_stubgen(tmp_path):
    cmd = stubgen_command()
    if cmd is None:
        pytest.skip("stubgen (Debian package 'mypy') is not installed, so the .pyi cannot be regenerated")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(permitflow.__file__)))
    subprocess.run(cmd + ["-m", "permitflow._permitflow", "-o", str(tmp_path)], check=True, env=env,
                   capture_output=True)
    generated = (tmp_path / "permitflow" / "_permitflow.pyi").read_text()
    with open(SOURCE, encoding="utf-8") as f:
        committed = f.read()
    assert generated == committed, "bindings/python/permitflow/_permitflow.pyi is stale; regenerate it (see above)"


def test_built_stub_is_the_committed_one():
    with open(os.path.join(os.path.dirname(permitflow.__file__), "_permitflow.pyi"), encoding="utf-8") as f:
        built = f.read()
    with open(SOURCE, encoding="utf-8") as f:
        assert f.read() == built
