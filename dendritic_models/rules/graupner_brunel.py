"""Calcium-based plasticity with a bistable, noisy efficacy (Graupner & Brunel 2012).

Source: Graupner & Brunel 2012, PNAS 109:3991, Eq. 1 and the calcium model of its Methods,
with the noise term as corrected (PNAS 2013, doi:10.1073/pnas.1220044110). Per synapse:

- calcium ``c`` jumps by C_pre a delay D after each presynaptic spike and by C_post at each
  postsynaptic (somatic) spike, the backpropagating AP, and decays with tau_Ca;
- efficacy ``tau drho/dt = -rho (1 - rho)(rho_star - rho) + gamma_p (1 - rho) H[c - theta_p]
  - gamma_d rho H[c - theta_d] + sigma sqrt(tau) sqrt(H[c - theta_p] + H[c - theta_d]) eta``
  (H the Heaviside step, eta Gaussian white noise): stable states rho = 0 (DOWN) and 1 (UP)
  on either side of rho_star = 1/2; depression while c >= theta_d, potentiation while
  c >= theta_p, noise only while the calcium is above a threshold.

Defaults: the DP set of Fig. 2 (the same values stand in the authors' published model code,
github.com/mgraupe/CalciumBasedPlasticityModel, ``synapticChange.py``, set 'DP', and in
Brian2's Graupner_Brunel_2012 example): tau_Ca 20 ms, C_pre 1, C_post 2, theta_d 1,
theta_p 1.3, gamma_d 200, gamma_p 321.808, sigma 2.8284, tau 150 s, rho_star 0.5,
D 13.7 ms, b = w1/w0 = 5. The fraction beta = 0.5 of synapses initially DOWN belongs to the
experiment (:mod:`protocols.plasticity.graupner_brunel_stdp`). Parameter names in Brian2:
``Cpre``, ``Cpost`` (``_pre``/``_post`` suffixes are reserved).

Efficacy and bounds. The paper reads each synapse as DOWN (strength w0) or UP (w1 = b w0)
after the protocol. Here ``w = w0 (1 + (b - 1) clip(rho, 0, 1))``: w0 and w1 in the two
stable states, so the paper's read-out is unchanged, and hard-bounded to [w0, w1]; rho
itself is not clipped (the noise can carry it slightly outside [0, 1], as in the paper).

Integration: event-driven, exact between spikes. The calcium is a sum of exponentials with
one time constant, so between two events it is a single decaying exponential, above theta
for ``tau_Ca ln(c/theta)``. Above theta_p (both processes on) and between theta_d and
theta_p (depression only) Eq. 1 without its cubic term is an Ornstein-Uhlenbeck process,
advanced exactly (mean and Gaussian increment); the cubic term, at least 1000 times slower
than the gamma terms, follows by operator splitting with its exact flow, which exists for
rho_star = 1/2 ((rho - 1/2)^2 obeys a logistic equation). The per-synapse work is thus done
at spikes only, and the outcome depends on the spike times, not on the time step.
Consequently rho_star is fixed at 1/2 (the paper's value in every parameter set), and
theta_p > theta_d is required (true of every set in the paper).

Event timing. A presynaptic spike schedules its jump at t + D, applied when the synapse's
next event reaches past it; presynaptic intervals shorter than D (above 1/D = 73 Hz) merge
the newer jump into the pending one, exact from the newer jump's arrival on. ``rho`` and
``w`` are brought up to date at every pre- and postsynaptic spike, before that spike's own
calcium (and after :func:`~dendritic_models.wiring.connect`'s conductance increments, which
thus use the efficacy as of the previous event); to read them at a given time, end with a
spike then (e.g. a postsynaptic one).

Induction (:class:`~dendritic_models.rules.base.Rule`): both calcium jumps. The cortical
spike-timing plasticity the DP set was fitted to is blocked by NMDA receptor antagonists, LTP
and LTD alike (Sjöström, Turrigiano & Nelson 2001, Neuron 32:1149; 2003, Neuron 39:641), so
blocking induction removes the calcium of both spikes, not only the presynaptic one.

Left out: calcium from local depolarisation (NMDA, local bAP amplitude). ``on_post`` runs at
the somatic threshold crossing, before the bAP reaches the synapse's compartment, so the
compartment's voltage at that moment does not measure the local bAP; the jumps are the
paper's constants.
"""

from __future__ import annotations

from brian2 import Quantity, ms, second

from ..errors import ModelError
from ..quantities import require_positive, require_unit
from .base import Rule

SOURCE = "Graupner & Brunel 2012, PNAS 109:3991, Eq. 1, Fig. 2 (DP)"

_ONE = Quantity(1)


def _advance(length: str, k: int) -> str:
    """Statements advancing rho and the calcium by ``length`` (an expression in second):
    exact OU phases above theta_p and between theta_d and theta_p, then the cubic flow."""
    return f"""
L_{k} = {length}
t_p_{k} = clip(tau_Ca*log(clip(c_u/theta_p, 1, inf)), 0*second, L_{k})
t_d_{k} = clip(tau_Ca*log(clip(c_u/theta_d, 1, inf)), 0*second, L_{k})
e_pd_{k} = exp(-(gamma_p + gamma_d)*t_p_{k}/tau)
sd_pd_{k} = sigma*sqrt((1 - e_pd_{k}**2)/(gamma_p + gamma_d))
rho = rho*e_pd_{k} + gamma_p/(gamma_p + gamma_d)*(1 - e_pd_{k}) + sd_pd_{k}*randn()
e_d_{k} = exp(-gamma_d*(t_d_{k} - t_p_{k})/tau)
rho = rho*e_d_{k} + sigma*sqrt((1 - e_d_{k}**2)/(2*gamma_d))*randn()
E_{k} = exp(-L_{k}/(2*tau))
rho = 0.5 + (rho - 0.5)/(2*sqrt(E_{k}/4 + (1 - E_{k})*(rho - 0.5)**2))
c_u = c_u*exp(-L_{k}/tau_Ca)
t_u = t_u + L_{k}"""


#: bring a synapse up to the current time t, including a pending presynaptic jump
_CATCH_UP = (
    "arrived = int(a_pending > 0)*int(t_arr <= t)"
    + _advance("arrived*(t_arr - t_u)", 1)
    + "\nc_u += arrived*a_pending\na_pending = a_pending*(1 - arrived)"
    + _advance("t - t_u", 2)
)
_READ_OUT = "\nw = w0*(1 + (b - 1)*clip(rho, 0, 1))"


def graupner_brunel(
    tau_Ca: Quantity = 20 * ms,
    C_pre: float = 1.0,
    C_post: float = 2.0,
    theta_d: float = 1.0,
    theta_p: float = 1.3,
    gamma_d: float = 200.0,
    gamma_p: float = 321.808,
    sigma: float = 2.8284,
    tau: Quantity = 150 * second,
    D: Quantity = 13.7 * ms,
    w0: float = 1.0,
    b: float = 5.0,
) -> Rule:
    """The Graupner & Brunel 2012 rule, DP parameters of Fig. 2 by default (see module)."""
    name = "graupner_brunel"
    require_positive(tau_Ca, ms, f"{name}: tau_Ca")
    require_positive(tau, second, f"{name}: tau")
    require_unit(D, ms, f"{name}: D")
    if float(D) < 0:
        raise ModelError(f"{name}: D = {D} must not be negative")
    for par, value in (("C_pre", C_pre), ("C_post", C_post), ("theta_d", theta_d),
                       ("theta_p", theta_p), ("gamma_d", gamma_d), ("gamma_p", gamma_p),
                       ("w0", w0), ("b", b)):
        require_positive(value, _ONE, f"{name}: {par}")
    require_unit(sigma, _ONE, f"{name}: sigma")
    if not float(sigma) >= 0:
        raise ModelError(f"{name}: sigma = {sigma} must not be negative")
    if not float(theta_p) > float(theta_d):
        raise ModelError(
            f"{name}: theta_p = {theta_p} must exceed theta_d = {theta_d} (potentiation "
            "above depression, as in every parameter set of the paper)"
        )
    return Rule(
        name=name,
        induction=("Cpre", "Cpost"),
        source=SOURCE,
        equations=(  # c_u: calcium at the last update t_u; a_pending: jump due at t_arr
            "rho : 1\n"
            "c_u : 1\n"
            "t_u : second\n"
            "a_pending : 1\n"
            "t_arr : second\n"
            "c = c_u*exp(-(t - t_u)/tau_Ca)"
            " + a_pending*exp(-(t - t_arr)/tau_Ca)*int(t >= t_arr) : 1"
        ),
        on_pre=(
            _CATCH_UP
            + "\npending = int(a_pending > 0)"
            + "\na_pending += Cpre*(pending*exp(-(t + D - t_arr)/tau_Ca) + 1 - pending)"
            + "\nt_arr = pending*t_arr + (1 - pending)*(t + D)"
            + _READ_OUT
        ),
        on_post=_CATCH_UP + "\nc_u += Cpost" + _READ_OUT,
        parameters={
            "tau_Ca": tau_Ca,
            "Cpre": float(C_pre),
            "Cpost": float(C_post),
            "theta_d": float(theta_d),
            "theta_p": float(theta_p),
            "gamma_d": float(gamma_d),
            "gamma_p": float(gamma_p),
            "sigma": float(sigma),
            "tau": tau,
            "D": D,
            "w0": float(w0),
            "b": float(b),
        },
    )
