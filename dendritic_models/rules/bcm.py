"""BCM rule with a sliding modification threshold, driven by spikes.

Source: Bienenstock, Cooper & Munro 1982 (J Neurosci 2:32): a synapse that is active while
the postsynaptic activity c exceeds the modification threshold theta_M potentiates, below it
depresses, dw/dt = phi(c, theta_M) d with phi(c, theta_M) = c (c - theta_M); theta_M slides
with a supralinear function of the time-averaged activity, which makes the rule stable. We
use the form of Intrator & Cooper 1992 (Neural Netw 5:3), theta_M = E[c^2] (the running
average of c^2 of Law & Cooper 1994, PNAS 91:7797), with rates in Hz made commensurate by a
reference rate nu_0: theta = <nu^2>/nu_0, so a cell firing steadily at nu_0 has theta = nu_0,
and theta grows as the square of the mean rate (the supralinear sliding of BCM 1982).

Spike-based implementation (all ``(event-driven)``, exact between spikes):

    nu:     postsynaptic rate estimate, dnu/dt = -nu/tau_nu, nu += 1/tau_nu at each
            somatic spike (so its time average is the firing rate)
    nu_sq:  nu^2, kept as its own variable (d nu_sq/dt = -2 nu_sq/tau_nu; set to nu^2 at
            each spike) so that the threshold equation is linear
    theta:  dtheta/dt = (nu_sq/nu_0 - theta)/tau_theta
    on a presynaptic spike (the input d of BCM):  w += eta nu (nu - theta)/nu_0^2

so the mean drift is dw/dt = eta nu_pre <nu (nu - theta)>/nu_0^2, BCM's phi times the input
rate. The postsynaptic variables are per synapse, updated on its postsynaptic spikes
(Brian2 integrates them only at events). Hard bounds: w is clipped to [0, w_max].

Parameters (BCM 1982 gives no physiological values; the rule needs only the ordering
tau_nu << tau_theta << 1/(eta nu_pre) of rate estimate, threshold and weights):

==========  ========  ==========================================================
tau_nu      100 ms    rate estimate over a few interspike intervals at 10-50 Hz
tau_theta   10 s      threshold averages over many rate estimates
nu_0        10 Hz     reference rate: theta = nu at a steady 10 Hz
eta         1e-3      weight change per presynaptic spike at nu (nu - theta) = nu_0^2
w_max       2         upper bound (efficacy in units of the initial weight)
==========  ========  ==========================================================
"""

from __future__ import annotations

from brian2 import Hz, Quantity, ms, second

from ..errors import ModelError
from ..quantities import require_positive, require_unit
from .base import Rule


def bcm(
    eta: float = 1e-3,
    tau_nu: Quantity = 100 * ms,
    tau_theta: Quantity = 10 * second,
    nu_0: Quantity = 10 * Hz,
    w_max: float = 2.0,
) -> Rule:
    """BCM with the sliding threshold theta = <nu^2>/nu_0 (see module docstring)."""
    require_positive(tau_nu, ms, "bcm: tau_nu")
    require_positive(tau_theta, ms, "bcm: tau_theta")
    require_positive(nu_0, Hz, "bcm: nu_0")
    for name, value in {"eta": eta, "w_max": w_max}.items():
        require_unit(value, Quantity(1), f"bcm: {name}")
        if not float(value) > 0:
            raise ModelError(f"bcm: {name} = {value} must be positive")
    return Rule(
        name="bcm",
        induction=("eta",),
        source="Bienenstock, Cooper & Munro 1982; Intrator & Cooper 1992",
        equations=(
            "dnu/dt = -nu/tau_nu : Hz (event-driven)\n"
            "dnu_sq/dt = -2*nu_sq/tau_nu : Hz**2 (event-driven)\n"
            "dtheta/dt = (nu_sq/nu_0 - theta)/tau_theta : Hz (event-driven)"
        ),
        on_pre="w = clip(w + eta*nu*(nu - theta)/nu_0**2, 0, w_max)",
        on_post="nu += 1/tau_nu\nnu_sq = nu**2",
        parameters={
            "eta": float(eta),
            "tau_nu": tau_nu,
            "tau_theta": tau_theta,
            "nu_0": nu_0,
            "w_max": float(w_max),
        },
    )
