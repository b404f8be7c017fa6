"""Shared test set-up: a fresh Brian2 scope per test, numpy target unless a test says else."""

import brian2
import pytest


@pytest.fixture(autouse=True)
def fresh_scope():
    brian2.start_scope()
    brian2.prefs.codegen.target = "numpy"
    brian2.defaultclock.dt = 0.1 * brian2.ms
    yield
    brian2.prefs.codegen.target = "auto"
