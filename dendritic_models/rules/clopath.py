"""Voltage-based STDP (Clopath, Busing, Vasilaki & Gerstner 2010, Nat Neurosci 13:344).

Eqs. 3-5 of the paper, reading the voltage of the synapse's OWN compartment, so a distal
synapse sees the attenuated bAP and its branch's dendritic spikes:
- depression at each presynaptic spike: w -> w - A_LTD [u_minus - theta_minus]_+;
- potentiation, continuously: dw/dt = A_LTP xbar [v - theta_plus]_+ [u_plus - theta_minus]_+;
where u_minus, u_plus are low-pass filters of the local voltage (tau_minus 10 ms, tau_plus
7 ms; computed once per compartment by the rule's mechanism) and xbar the presynaptic
spike train low-passed with tau_x = 15 ms (unit area: jumps 1/tau_x).
Parameters: the visual-cortex set of Table 1b (fitted to Sjostrom et al. 2001): A_LTD
14e-5 /mV, A_LTP 8e-5 /mV^2, theta_minus -70.6 mV, theta_plus -45.3 mV. The homeostatic
scaling of A_LTD by the mean squared voltage (Eq. 6) is left out (A_LTD fixed, as the paper
does for the in-vitro protocols). Bounds: potentiation stops at w_max, depression at 0.
The LTP term is a product of two continuous signals and is integrated per synapse every
time step (clock-driven, forward Euler: the thresholded terms have no exact solution);
xbar is clock-driven because that term reads it.
"""

from __future__ import annotations

from brian2 import Quantity, ms, mV

from ..mechanisms.base import Mechanism
from ..quantities import require_positive, require_unit
from .base import Rule

SOURCE = "Clopath, Busing, Vasilaki & Gerstner 2010, Table 1b"


def voltage_filters(tau_minus: Quantity = 10 * ms, tau_plus: Quantity = 7 * ms) -> Mechanism:
    """The per-compartment low-pass filters u_minus, u_plus of the local voltage (Eq. 4)."""
    require_positive(tau_minus, ms, "clopath: tau_minus")
    require_positive(tau_plus, ms, "clopath: tau_plus")
    return Mechanism(
        name="clopath_filters",
        source=SOURCE,
        equations=(
            "du_minus/dt = (v - u_minus)/tau_u_minus : volt\n"
            "du_plus/dt = (v - u_plus)/tau_u_plus : volt"
        ),
        parameters={"tau_u_minus": tau_minus, "tau_u_plus": tau_plus},
        initial={"u_minus": "EL", "u_plus": "EL"},
    )


def clopath(
    A_LTD: Quantity = 14e-5 / mV,
    A_LTP: Quantity = 8e-5 / mV**2,
    theta_minus: Quantity = -70.6 * mV,
    theta_plus: Quantity = -45.3 * mV,
    tau_x: Quantity = 15 * ms,
    tau_minus: Quantity = 10 * ms,
    tau_plus: Quantity = 7 * ms,
    w_max: float = 3.0,
) -> Rule:
    """The Clopath et al. 2010 rule on the local compartment voltage (Table 1b defaults)."""
    require_unit(A_LTD, 1 / mV, "clopath: A_LTD")
    require_unit(A_LTP, 1 / mV**2, "clopath: A_LTP")
    require_unit(theta_minus, mV, "clopath: theta_minus")
    require_unit(theta_plus, mV, "clopath: theta_plus")
    require_positive(tau_x, ms, "clopath: tau_x")
    return Rule(
        name="clopath",
        induction=("A_LTD", "A_LTP"),
        source=SOURCE,
        equations=(
            "dxbar/dt = -xbar/tau_x : hertz (clock-driven)\n"
            "dw/dt = A_LTP*xbar*(v - theta_plus)*int(v > theta_plus)"
            "*(u_plus - theta_minus)*int(u_plus > theta_minus)*int(w < w_max) : 1 (clock-driven)"
        ),
        on_pre=(
            "w = clip(w - A_LTD*(u_minus - theta_minus)*int(u_minus > theta_minus), 0, w_max)\n"
            "xbar += 1/tau_x"
        ),
        parameters={
            "A_LTD": A_LTD,
            "A_LTP": A_LTP,
            "theta_minus": theta_minus,
            "theta_plus": theta_plus,
            "tau_x": tau_x,
            "w_max": w_max,
        },
        requires=("v", "u_minus", "u_plus"),
        mechanism=voltage_filters(tau_minus, tau_plus),
        method="euler",
    )
