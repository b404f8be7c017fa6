"""Same model, same spikes and same weights under numpy, Cython and cpp_standalone.

``target_run.py`` (a small tree with every mechanism type: AdEx soma with AP clamp, Na
spikes, Ca plateau, AMPA/NMDA/GABA-A synapses) runs in a fresh process per target. Spike
indices must be identical and spike and event times equal within 1e-9 ms: every target
runs the same generated statements, so only floating-point rounding may differ. Every
rule's final weights agree within 1e-9 (absolute; efficacies are of order 1), and each rule
must have changed some weight, so the comparison is not vacuous. A rule that draws random
numbers gets other numbers on each target even with one seed: it must run and change
weights there (its projection carries no conductance, so the spikes stay comparable).
The Cython run compiles at -O0 (``target_run.py``): the check is of results, not speed.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).with_name("target_run.py")
sys.path.insert(0, str(SCRIPT.parent))
from target_run import STOCHASTIC  # noqa: E402


def _read(file) -> str:
    file.seek(0)
    text = file.read()
    file.close()
    return text


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    """The script's output on every target, the three processes run side by side (each
    compiles on its own core where there are cores to spare; output goes to files, so that
    no process waits on a full pipe)."""
    running = {}
    for target in ("numpy", "cython", "cpp_standalone"):
        stdout, stderr = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")
        process = subprocess.Popen([sys.executable, str(SCRIPT), target], stdout=stdout,
                                   stderr=stderr, text=True)
        running[target] = process, stdout, stderr
    out = {}
    for target, (process, *files) in running.items():
        process.wait(timeout=900)
        printed, logged = [_read(f) for f in files]
        assert process.returncode == 0, f"{target}: {printed[-2000:]}{logged[-2000:]}"
        out[target] = json.loads(printed.strip().splitlines()[-1])
    return out


@pytest.mark.parametrize("target", ["cython", "cpp_standalone"])
def test_same_spikes_on_every_target(target, results):
    numpy_result, other = results["numpy"], results[target]
    assert len(numpy_result["spike_i"]) >= 5  # the comparison must have spikes to compare
    assert max(numpy_result["t_dspike"]) > 0 and max(numpy_result["t_caspike"]) > 0
    assert other["spike_i"] == numpy_result["spike_i"]
    for key in ("spike_t", "t_dspike", "t_caspike"):
        np.testing.assert_allclose(other[key], numpy_result[key], atol=1e-9)
    for rule, w in numpy_result["w"].items():
        assert np.ptp(w) > 1e-6, f"{rule} changed no weight"
        if rule in STOCHASTIC:  # other random numbers: it must run and change weights
            assert np.ptp(other["w"][rule]) > 1e-6
            continue
        np.testing.assert_allclose(other["w"][rule], w, atol=1e-9, err_msg=rule)
