"""Shared test set-up: a fresh Brian2 scope per test, numpy target unless a test says else;
test files that compile (a ``slow`` test in them) are handed out first, so that under
pytest-xdist the longest files do not start last."""

import brian2
import pytest


@pytest.fixture(autouse=True)
def fresh_scope():
    brian2.start_scope()
    brian2.prefs.codegen.target = "numpy"
    brian2.defaultclock.dt = 0.1 * brian2.ms
    yield
    brian2.prefs.codegen.target = "auto"


def pytest_collection_modifyitems(items):
    compiling = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in compiling)  # stable: file order kept
