"""Shared fixtures of the Python tests. Run with the build tree on the path:

    PYTHONPATH=build/release/bindings/python /usr/bin/python3 -m pytest -q tests/python
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import permitflow  # noqa: E402


@pytest.fixture
def db_path(tmp_path):
    return str(tmp_path / "cases.db")


@pytest.fixture
def engine(db_path):
    with permitflow.Engine(db_path) as e:
        yield e
