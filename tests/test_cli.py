"""The command line and its Python API (issue 6): parameters with units, one-line errors
before anything runs, the result contract, runtime and cpp_standalone (built once, re-run
with run_args) giving the same result, and a Dask sweep that survives a killed worker and
resumes after being killed.

Tolerances: BAC-firing traces equal between the runtime (numpy) and ``cpp_standalone`` to
1e-9 mV (double precision, the same implicit solver; measured 2e-12 mV) with identical spike
counts; a resumed sweep recomputes no finished point (its ``result.json`` unchanged, byte
for byte).
"""

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import psutil
import pytest
from brian2 import Hz, mm, ms, nA, nS

from dendritic_models import parameters
from protocols import api, cli
from protocols import bac_firing as bac
from protocols import fear_conditioning as fc
from protocols import motor_learning as ml

NUMPY = ["--device", "runtime", "--codegen", "numpy"]


# ---------------------------------------------------------------------------- parameters
def test_parameters_are_set_with_units_and_checked():
    setup = parameters.apply(fc.QUICK, {"paradigm.tone_rate": "20*Hz",
                                        "paradigm.thalamic_latency": "(5*ms, 9*ms)",
                                        "circuit.n_principal": "12",
                                        "dt": 0.05 * ms}, fc.UNITS)
    assert setup.paradigm.tone_rate == pytest.approx(20.0)
    assert setup.paradigm.thalamic_latency == pytest.approx((0.005, 0.009))
    assert setup.circuit.n_principal == 12 and isinstance(setup.circuit.n_principal, int)
    assert setup.dt == pytest.approx(5e-5)
    assert setup.paradigm.habituation == fc.QUICK.paradigm.habituation  # untouched
    cases = {
        ("paradigm.tone_rate", "40"): "needs units of Hz",
        ("paradigm.tone_rate", "40*ms"): "needs units of Hz",
        ("circuit.n_principal", "12*ms"): "dimensionless",
        ("circuit.n_principal", "12.5"): "whole number",
        ("paradigm.thalamic_latency", "8*ms"): "tuple of 2",
        ("paradigm.tone_rat", "40*Hz"): "unknown parameter 'paradigm.tone_rat'",
        ("paradigm.tone_rate", "__import__('os')"): "only numbers, units",
        ("paradigm.tone_rate", "40*furlong"): "not a Brian2 unit",
    }
    for (path, value), message in cases.items():
        with pytest.raises(parameters.ParameterError, match=message):
            parameters.apply(fc.QUICK, {path: value}, fc.UNITS)


@pytest.mark.parametrize("module", [bac, ml, fc])
def test_a_recorded_setup_rebuilds_exactly(module):
    """Every parameter of every protocol survives result.json: value, unit, type."""
    for setup in (module.QUICK, module.FULL):
        record = json.loads(json.dumps(parameters.with_units(setup, module.UNITS)))
        assert parameters.from_record(module.FULL, record, module.UNITS) == setup


def test_settings_apply_together_so_consistency_checks_see_the_final_values():
    """16 pairings need a 68 s consolidation gap (unpaired shocks): raising both at once is
    valid, raising only the pairings is refused in one line."""
    req = api.request("fear_conditioning", quick=True,
                      settings=["paradigm.conditioning=16", "paradigm.consolidation=68*second"])
    assert req["settings"]["paradigm.conditioning"] == "16"
    # Python values are recorded as text that parses back to them
    req = api.request("fear_conditioning", quick=True,
                      settings={"paradigm.thalamic_latency": (5 * ms, 9 * ms)})
    setup = api._setup(fc, True, 1, req["settings"])
    assert setup.paradigm.thalamic_latency == pytest.approx((0.005, 0.009))
    with pytest.raises(api.UsageError, match="cannot hold the unpaired shocks"):
        api.request("fear_conditioning", quick=True, settings=["paradigm.conditioning=16"])


# ---------------------------------------------------------------------------- CLI errors
@pytest.mark.parametrize("argv, message", [
    (["run", "no_such_protocol"], "unknown protocol 'no_such_protocol'; valid: bac_firing"),
    (["run", "fear_conditioning", "--rules", "nonsense"], "unknown rule set 'nonsense'"),
    (["run", "fear_conditioning", "--condition", "drunk"], "unknown condition(s) ['drunk']"),
    (["run", "bac_firing", "--rules", "hebbian"], "takes no rule set"),
    (["run", "fear_conditioning", "--set", "paradigm.tone_rate=40*mV"], "needs units of Hz"),
    (["run", "fear_conditioning", "--set", "paradigm.tone_rate"], "--set takes key=value"),
    (["run", "motor_learning", "--set", "task.nonsense=1"], "unknown parameter"),
    (["sweep", "bac_firing", "--grid", "epsp_weight"], "--grid takes key=v1,v2"),
    (["figures", "no_such_figure"], "unknown figure(s) ['no_such_figure']"),
])
def test_user_errors_get_one_line_and_exit_status_2(argv, message, tmp_path, capsys):
    status = cli.main([*argv, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("dendritic-models: error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # refused before anything ran


def test_list_names_every_protocol_rule_set_template_and_figure(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for name in [*api.PROTOCOLS, *fc.RULE_SETS, *ml.RULE_SETS, "l5_pyramidal", "la_principal",
                 *cli.figure_scripts(), "tag_capture"]:
        assert name in out
    assert cli.main(["list", "fear_conditioning"]) == 0
    assert "paradigm.tone_rate" in capsys.readouterr().out


# ---------------------------------------------------------------------------- a real run
@pytest.fixture(scope="module")
def bac_numpy(tmp_path_factory):
    out = tmp_path_factory.mktemp("bac") / "numpy"
    assert cli.main(["run", "bac_firing", "--quick", *NUMPY, "--set", "epsp_weight=15*nS",
                     "--out", str(out)]) == 0
    return out


def test_result_contract(bac_numpy, capsys):
    result = api.load_result(bac_numpy)
    assert result["protocol"] == "bac_firing" and result["seed"] == 1 and result["quick"]
    assert result["device"] == "runtime (numpy)"
    assert result["parameters"]["epsp_weight"] == {"value": 15.0, "unit": "nS"}
    assert result["parameters"]["delays"]["unit"] == "ms"
    prov = result["provenance"]
    assert {"dendritic_models", "brian2", "numpy", "python", "command", "wall_s"} <= set(prov)
    assert prov["wall_s"] > 0 and "epsp_weight=15*nS" in prov["command"]
    assert all(f["reproduced"] for f in result["findings"]), result["findings"]
    assert (bac_numpy / "figure.png").stat().st_size > 10_000
    assert (bac_numpy / "figure.svg").read_text().lstrip().startswith("<?xml")
    with np.load(bac_numpy / "data.npz") as data:
        assert data["v_soma"].shape[0] == len(bac.QUICK.delays) + 2
    assert api.setup_of(result) == parameters.apply(bac.QUICK, {"epsp_weight": 15 * nS},
                                                    bac.UNITS)
    # a folder holding results is refused, whatever the request; --force overrides
    status = cli.main(["run", "bac_firing", "--quick", *NUMPY, "--seed", "2", "--out",
                       str(bac_numpy)])
    assert status == 2 and "holds the result of another run" in capsys.readouterr().err
    before = (bac_numpy / "figure.png").stat().st_mtime_ns
    assert cli.main(["redraw", str(bac_numpy)]) == 0
    assert (bac_numpy / "figure.png").stat().st_mtime_ns > before


def test_build_directories_are_held_by_one_process_at_a_time(tmp_path):
    from dendritic_models.devices import build_directory

    with build_directory("model", tmp_path) as first, build_directory("model", tmp_path) as other:
        assert first != other  # the second holder gets the next free directory
    with build_directory("model", tmp_path) as again:
        assert again == first  # released: the model's first directory is reused


# ---------------------------------------------------------------------------- sweeps
def _finished(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in (out / "points").glob("*/result.json")}


def _workers(process: psutil.Process) -> list[psutil.Process]:
    return [p for p in process.children(recursive=True)
            if "resource_tracker" not in " ".join(p.cmdline())]


@contextmanager
def _external_cluster(tmp_path: Path, env: dict):
    """``dask scheduler`` and ``dask worker`` as a user starts them; yields the scheduler's
    address."""
    info = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen([*dask, "scheduler", "--scheduler-file", str(info), "--port",
                               "0", "--no-dashboard"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        procs.append(subprocess.Popen([*dask, "worker", "--scheduler-file", str(info),
                                       "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                                      env=env, start_new_session=True,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield json.loads(info.read_text())["address"]
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
def test_a_sweep_survives_a_killed_worker_and_resumes_after_an_interruption(tmp_path):
    """A real local Dask cluster, 4 points of BAC firing (numpy). Its worker process is
    SIGKILLed once a point has finished (Dask restarts it and reschedules the point it was
    running); when one more point has finished, the whole sweep (client, scheduler, workers)
    is SIGKILLed. Finished points are intact. Re-running the same command, now on an existing
    cluster (``dask scheduler`` + ``dask worker``, ``--scheduler ADDRESS``), skips them
    (their result.json unchanged, byte for byte) and completes the rest."""
    out = tmp_path / "sweep"
    command = [sys.executable, "-m", "protocols.cli", "sweep", "bac_firing", "--quick",
               *NUMPY, "--grid", "epsp_weight=10*nS,12*nS,15*nS,20*nS", "--workers", "1",
               "--out", str(out)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "first.log").open("w")
    first = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        enough = None  # points finished when the whole sweep is killed
        while first.poll() is None and time.monotonic() < deadline:
            finished = len(_finished(out))
            if enough is None and finished >= 1:
                workers = _workers(psutil.Process(first.pid))
                assert workers, "no worker processes found"
                workers[0].send_signal(signal.SIGKILL)
                enough = finished + 1
            elif enough is not None and finished >= enough:  # from the restarted worker
                break
            time.sleep(0.1)
        assert enough is not None and first.poll() is None, (tmp_path / "first.log").read_text()
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    done = _finished(out)
    assert 2 <= len(done) < 4, sorted(done)
    for text in done.values():
        assert json.loads(text)["protocol"] == "bac_firing"
    with _external_cluster(tmp_path, env) as address:
        second = subprocess.run([*command, "--scheduler", address], capture_output=True,
                                text=True, env=env, timeout=240)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert f"4 points, {len(done)} already finished" in second.stdout
    after = _finished(out)
    assert len(after) == 4
    assert all(after[name] == text for name, text in done.items())
    table = json.loads((out / "sweep.json").read_text())
    weights = [row["point"]["epsp_weight"] for row in table["points"]]
    assert weights == ["10*nS", "12*nS", "15*nS", "20*nS"]
    assert "| 15*nS | - | 5/5 |" in (out / "sweep.md").read_text()


@pytest.mark.slow
def test_cpp_standalone_built_once_gives_the_runtime_result_at_every_point(bac_numpy, tmp_path,
                                                                          capsys):
    """Same seed, same metrics on every device. The EPSP weight is a synaptic variable of the
    built model (``RUN_ARGS``), so a cpp_standalone sweep over it is one task: one build, one
    binary run per point. The 15 nS point equals the numpy runtime's run (traces to 1e-9 mV,
    identical spikes); the 10 nS point equals a separate numpy run of it, and differs from
    the 15 nS point (the run_args took effect)."""
    out = tmp_path / "sweep"
    table = api.sweep("bac_firing", {"epsp_weight": ["10*nS", "15*nS"]}, out, workers=1,
                      quick=True, device="cpp_standalone", command="test")
    assert "2 points, 0 already finished (1 tasks)" in capsys.readouterr().out
    folder = {row["point"]["epsp_weight"]: Path(row["folder"]) for row in table["points"]}
    rows = {weight: api.load_result(f) for weight, f in folder.items()}
    assert {r["device"] for r in rows.values()} == {"cpp_standalone (run_args)"}
    runtime = api.load_result(bac_numpy)
    assert api.verdicts(runtime) == api.verdicts(rows["15*nS"])
    assert runtime["measured"]["spikes"] == rows["15*nS"]["measured"]["spikes"]
    with np.load(bac_numpy / "data.npz") as a, np.load(folder["15*nS"] / "data.npz") as b:
        for trace in ("v_soma", "v_nexus"):
            assert np.abs(a[trace] - b[trace]).max() < 1e-9
        assert np.array_equal(a["spike_i"], b["spike_i"])
        assert np.allclose(a["spike_t"], b["spike_t"], atol=1e-9)
    separate = api.run("bac_firing", quick=True, device="runtime", codegen="numpy",
                       settings={"epsp_weight": "10*nS"}, progress=False)
    assert rows["10*nS"]["measured"]["spikes"] == separate["measured"]["spikes"]
    assert rows["10*nS"]["measured"]["plateau"] == separate["measured"]["plateau"]
    assert rows["10*nS"]["measured"]["plateau"] != rows["15*nS"]["measured"]["plateau"]


def test_compare_counts_seeds_per_finding_and_reuses_finished_seeds(tmp_path, monkeypatch,
                                                                     capsys):
    """The comparison table only: ``run`` is replaced by a stand-in whose verdicts depend
    on the seed (rule set A reproduces finding x in seeds 1 and 3, B never)."""
    calls = []

    def fake_run(name, rules, seed, out, force, **options):
        calls.append(seed)
        req = api.request(name, rules, seed=seed, quick=options.get("quick", False))
        result = {"request": req, "findings": [
            {"rule_set": "hebbian", "name": "x", "reproduced": seed != 2},
            {"rule_set": "three_factor", "name": "x", "reproduced": False},
            {"rule_set": "hebbian", "name": "y", "reproduced": True},
            {"rule_set": "three_factor", "name": "y", "reproduced": True}]}
        out.mkdir(parents=True)
        (out / api.RESULT).write_text(json.dumps(result))
        return result

    monkeypatch.setattr(api, "run", fake_run)
    table = api.compare("fear_conditioning", ["hebbian", "three_factor"], [1, 2, 3],
                        tmp_path, quick=True)
    assert table["reproduced"] == {"x": {"hebbian": 2, "three_factor": 0},
                                   "y": {"hebbian": 3, "three_factor": 3}}
    assert "| x | 2/3 | 0/3 |" in (tmp_path / "comparison.md").read_text()
    assert (tmp_path / "comparison.png").stat().st_size > 5_000
    api.compare("fear_conditioning", ["hebbian", "three_factor"], [1, 2, 3, 4], tmp_path,
                quick=True)
    assert calls == [1, 2, 3, 4]  # seeds 1-3 reused, only seed 4 run
    assert "seed 3: finished result reused" in capsys.readouterr().out


def test_grid_points_are_the_cartesian_product():
    points = api.grid_points(["a=1,2", "b=(8*ms, 12*ms),x"])
    assert points == [{"a": "1", "b": "(8*ms, 12*ms)"}, {"a": "1", "b": "x"},
                      {"a": "2", "b": "(8*ms, 12*ms)"}, {"a": "2", "b": "x"}]


def test_units_in_the_api_are_brian2_quantities():
    setup = parameters.apply(ml.QUICK, {"inputs.lumped_excitation": (1000, 2 * Hz, 0.3 * nS),
                                        "inputs.density": 500 / mm}, ml.UNITS)
    assert setup.inputs.lumped_excitation == pytest.approx((1000, 2.0, 0.3))
    assert setup.inputs.density == pytest.approx(0.5)  # per um
    with pytest.raises(parameters.ParameterError, match=r"lumped_excitation\[2\] needs units"):
        parameters.apply(ml.QUICK, {"inputs.lumped_excitation": (1000, 2 * Hz, 0.3 * nA)},
                         ml.UNITS)


def test_a_second_runtime_run_generates_the_same_code():
    """Brian2 numbers a taken ``name*`` (``cells``, ``cells_1``), which renames every array in
    the generated code, so the Cython runtime recompiled the whole model (minutes) for each
    sweep point or seed run in one process; ``on_device`` now frees the earlier run's names."""
    from brian2 import NetworkOperation, NeuronGroup

    from dendritic_models.devices import on_device

    def setup():
        group = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", name="cells*")
        group.add_attribute("keep")
        group.keep = NetworkOperation(lambda: None)  # a reference cycle, as networks have
        group.keep.group = group
        return lambda: {"name": group.name}

    first = on_device(setup, "runtime", "numpy", progress=False)
    second = on_device(setup, "runtime", "numpy", progress=False)
    assert first["name"] == second["name"] == "cells"
