"""Synaptic receptor conductances of a compartment: AMPA, NMDA (Mg2+ block), GABA-A.

Each is a per-compartment conductance filter in the neuron (not in each synapse), which a
presynaptic spike increments through ``target`` (see :mod:`dendritic_models.wiring`):
- AMPA: instantaneous rise, exponential decay 5.26 ms (1/beta, beta = 0.19 /ms; Destexhe,
  Mainen & Sejnowski 1994, J Comput Neurosci 1:195, Table 1); E = 0 mV.
- NMDA: difference of exponentials, rise 2 ms, decay 60 ms (the NMDA kinetics of Dendrify's
  examples, Pagkalos et al. 2023; within the 50-150 ms range of Destexhe et al. 1994);
  E = 0 mV; Mg2+ block B(v) = 1 / (1 + [Mg]/3.57 mM * exp(-0.062 v/mV)) (Jahr & Stevens
  1990, J Neurosci 10:3178, their Eq. 2 fit), [Mg] = 1 mM. ``APV`` in [0, 1] is the fraction
  of NMDA receptors blocked (D-APV), a group-wide constant.
- GABA-A: instantaneous rise, decay 1/beta = 5.6 ms (beta = 0.18 /ms), E = -80 mV
  (Destexhe et al. 1994, Table 1).
Weights are peak conductances: ``peak_factor`` converts them to the jump of ``target``.
"""

from __future__ import annotations

import math

from brian2 import mM, ms, mV

from .base import Mechanism

AMPA = Mechanism(
    name="AMPA",
    source="Destexhe, Mainen & Sejnowski 1994 (J Comput Neurosci 1:195), Table 1",
    equations="dg_AMPA/dt = -g_AMPA/tau_AMPA : siemens",
    current="g_AMPA*(E_AMPA - v)",
    constants={"tau_AMPA": 5.26 * ms, "E_AMPA": 0 * mV},
    target="g_AMPA",
)

NMDA = Mechanism(
    name="NMDA",
    source="Jahr & Stevens 1990 (J Neurosci 10:3178); Destexhe et al. 1994; Pagkalos et al. 2023",
    equations=(
        "dg_NMDA/dt = (s_NMDA - g_NMDA)/tau_NMDA_rise : siemens\n"
        "ds_NMDA/dt = -s_NMDA/tau_NMDA_decay : siemens"
    ),
    current="(1 - APV)*g_NMDA*(E_NMDA - v)/(1 + Mg/(3.57*mM)*exp(-0.062*v/mV))",
    constants={
        "tau_NMDA_rise": 2 * ms,
        "tau_NMDA_decay": 60 * ms,
        "E_NMDA": 0 * mV,
        "Mg": 1 * mM,
        "APV": 0.0,
    },
    target="s_NMDA",
)

GABA_A = Mechanism(
    name="GABA_A",
    source="Destexhe, Mainen & Sejnowski 1994 (J Comput Neurosci 1:195), Table 1",
    equations="dg_GABA_A/dt = -g_GABA_A/tau_GABA_A : siemens",
    current="g_GABA_A*(E_GABA_A - v)",
    constants={"tau_GABA_A": 5.6 * ms, "E_GABA_A": -80 * mV},
    target="g_GABA_A",
)

RECEPTORS: dict[str, Mechanism] = {m.name: m for m in (AMPA, NMDA, GABA_A)}


def peak_factor(receptor: Mechanism) -> float:
    """Peak of ``g`` per unit jump of ``target`` (1 for a single exponential).

    For ``dg/dt = (s - g)/tau_r``, ``ds/dt = -s/tau_d`` and a unit jump of s at t = 0:
    g(t) = tau_d/(tau_d - tau_r) (exp(-t/tau_d) - exp(-t/tau_r)), maximal at
    t* = tau_r tau_d/(tau_d - tau_r) ln(tau_d/tau_r).
    """
    if receptor.target == f"g_{receptor.name}":
        return 1.0
    tr = float(receptor.constants[f"tau_{receptor.name}_rise"] / ms)
    td = float(receptor.constants[f"tau_{receptor.name}_decay"] / ms)
    t_peak = tr * td / (td - tr) * math.log(td / tr)
    return td / (td - tr) * (math.exp(-t_peak / td) - math.exp(-t_peak / tr))
