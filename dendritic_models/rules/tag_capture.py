"""Synaptic tagging, capture and consolidation: the TagTriC model.

Source: Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008, PLoS Comput Biol 4:e1000248
("Tag-trigger-consolidation"), model section; equations and parameter values as in the
authors' published code (ModelDB accession 118199, ``tagtric.py``, updated 2009 "with
corrected amplitudes"), which we could read; the article's Table 1 was not accessible here,
so every number below is cited from that code. Three layers per synapse i:

1. Early phase, a tag with three states: untagged, potentiated (``h`` = 1) or depressed
   (``l`` = 1), switched stochastically (the early phase is this three-state Markov chain; the
   bistable variable of the model is the late phase ``z``):
   - untagged -> depressed at a presynaptic spike with probability
     ``A_LTD [u_ltd - theta_minus]_+`` (u_ltd: voltage low-passed with tau_ltd = 1 s);
   - untagged -> potentiated with hazard ``A_LTP xbar [v - theta_plus]_+ [u_ltp -
     theta_minus]_+`` (u_ltp: low-pass, tau_ltp = 100 ms; xbar: presynaptic trace, tau_x =
     100 ms, jumps 1/tau_x). ``v`` exceeds theta_plus = -50 mV only during an AP, so the
     hazard integrated over one AP is ``A_LTP xbar S_AP [u_ltp - theta_minus]_+`` with
     ``S_AP`` = the AP's area above theta_plus (70 mV ms in the source: one 1-ms step at
     +20 mV), and the transition is drawn once per somatic AP with probability
     1 - exp(-that);
   - a tag decays back to untagged with rate k_H = 1/(1 h) (potentiated) or k_L = 1/(1.5 h)
     (depressed); its lifetime is drawn when it is set (exponential, the same process).
   A_LTD = 1e-2 /mV, A_LTP = 1e-3 /mV^2, theta_minus = E_L = -70.6 mV, theta_plus = -50 mV.
2. Trigger: plasticity-related proteins ``p`` of the neuron, dp/dt = -p/tau_p_deg +
   (1 - p)/tau_p_syn * Theta(sum_i (h_i + l_i) - theta_p), i.e. synthesis while more than
   theta_p = 60 synapses of the neuron are tagged (of 2 x 100 in the source); tau_p_syn =
   6 min, tau_p_deg = 1 h.
3. Late phase (consolidation), bistable: tau_z dz/dt = z (1 - z)(z - kappa) + gamma p (h - l),
   tau_z = 6 min, kappa = 0.5, gamma = 0.1: a tagged synapse is pushed across the unstable
   point kappa only while proteins are present (capture), and then stays in its new well.
Efficacy: ``w = w0 + g_H h - g_L l + g_z z`` (w0 1, g_H 1, g_L 0.5, g_z 2), recomputed
every step; bounded by construction: w in [w0 - g_L, w0 + g_H + g_z] up to the few % by
which the capture drive shifts the upper well of z while it acts.

Brian2 implementation. Tags are set in ``on_pre``/``on_post``; a tag is stored as the time
it ends (``t_H``, ``t_L``), so ``h = int(t < t_H)`` decays without an event. The presynaptic
draw uses ``U``, one uniform number per synapse and step (``constant over dt``), because
Brian2 cannot prove ``rand()`` order-independent in a pathway that also writes postsynaptic
conductances; given U < P_L, (P_L - U)/P_L is again uniform and gives the tag's lifetime.
The tag count reaches the neuron through a ``(summed)`` variable ``n_tags`` declared by the
rule's :attr:`~dendritic_models.rules.base.Rule.mechanism` (``tag_filters``, which also
holds the two voltage filters): place it on the soma and on the compartments the synapses
target; all tagging synapses of a neuron must be in one ``connect`` call (Brian2 allows one
summed updater per variable). Per synapse and step (clock-driven) run ``z`` (a nonlinear
ODE of each synapse), ``p`` (identical in all synapses of a neuron, kept there so that the
slow dynamics need the synapses alone: hours of maintenance run on a coarse clock with the
neuron group inactive, see :mod:`protocols.plasticity.tag_capture`), ``w`` (it changes when
a tag ends, with no event to update it) and ``U``.
"""

from __future__ import annotations

from brian2 import Quantity, ms, mV, second

from ..mechanisms.base import Mechanism
from ..quantities import require_positive, require_unit
from .base import Rule

SOURCE = "Clopath, Ziegler, Vasilaki, Büsing & Gerstner 2008 (PLoS Comput Biol 4:e1000248)"


def tag_filters(tau_ltd: Quantity = 1000 * ms, tau_ltp: Quantity = 100 * ms) -> Mechanism:
    """Per-compartment low-pass filters of v (u_ltd, u_ltp) and the neuron's tag count
    ``n_tags`` (a summed target; place this mechanism on the soma)."""
    require_positive(tau_ltd, ms, "tag_capture: tau_ltd")
    require_positive(tau_ltp, ms, "tag_capture: tau_ltp")
    return Mechanism(
        name="tag_filters",
        source=SOURCE,
        equations=(
            "du_ltd/dt = (v - u_ltd)/tau_ltd : volt\n"
            "du_ltp/dt = (v - u_ltp)/tau_ltp : volt\n"
            "n_tags : 1"
        ),
        parameters={"tau_ltd": tau_ltd, "tau_ltp": tau_ltp},
        initial={"u_ltd": "EL", "u_ltp": "EL"},
    )


def tag_capture(
    A_LTD: Quantity = 1e-2 / mV,
    A_LTP: Quantity = 1e-3 / mV**2,
    theta_minus: Quantity = -70.6 * mV,
    S_AP: Quantity = 70 * mV * ms,
    tau_x: Quantity = 100 * ms,
    tau_ltd: Quantity = 1000 * ms,
    tau_ltp: Quantity = 100 * ms,
    tau_H: Quantity = 3600 * second,
    tau_L: Quantity = 5400 * second,
    theta_p: float = 60,
    tau_p_syn: Quantity = 360 * second,
    tau_p_deg: Quantity = 3600 * second,
    tau_z: Quantity = 360 * second,
    kappa: float = 0.5,
    gamma: float = 0.1,
    w0: float = 1.0,
    g_H: float = 1.0,
    g_L: float = 0.5,
    g_z: float = 2.0,
    soma: str = "soma",
) -> Rule:
    """TagTriC (ModelDB 118199 values); ``soma`` names the node carrying ``tag_filters``."""
    require_unit(A_LTD, 1 / mV, "tag_capture: A_LTD")
    require_unit(A_LTP, 1 / mV**2, "tag_capture: A_LTP")
    require_unit(theta_minus, mV, "tag_capture: theta_minus")
    require_positive(S_AP, mV * ms, "tag_capture: S_AP")
    for name, value in {"tau_x": tau_x, "tau_H": tau_H, "tau_L": tau_L,
                        "tau_p_syn": tau_p_syn, "tau_p_deg": tau_p_deg,
                        "tau_z": tau_z}.items():
        require_positive(value, second, f"tag_capture: {name}")
    for name, value in {"theta_p": theta_p, "kappa": kappa, "gamma": gamma, "w0": w0,
                        "g_H": g_H, "g_L": g_L, "g_z": g_z}.items():
        require_unit(value, Quantity(1), f"tag_capture: {name}")
    n_tags = f"n_tags_{soma}_post"
    drive = "(u_{0} - theta_minus)*int(u_{0} > theta_minus)"
    return Rule(
        name="tag_capture",
        induction=("A_LTD", "A_LTP"),
        source=SOURCE,
        equations=(
            "dxbar/dt = -xbar/tau_x : Hz (event-driven)\n"
            "t_H : second  # end of the current potentiation tag\n"
            "t_L : second  # end of the current depression tag\n"
            "h = int(t < t_H) : 1\n"
            "l = int(t < t_L) : 1\n"
            f"{n_tags} = h + l : 1 (summed)\n"
            f"dp/dt = (1 - p)/tau_p_syn*int({n_tags} > theta_p) - p/tau_p_deg"
            " : 1 (clock-driven)\n"
            "dz/dt = (z*(1 - z)*(z - kappa) + gamma*p*(h - l))/tau_z : 1 (clock-driven)\n"
            "w = w0 + g_H*h - g_L*l + g_z*z : 1 (constant over dt)\n"
            "U = rand() : 1 (constant over dt)  # the presynaptic draw (see module docstring)"
        ),
        on_pre=(
            "xbar += 1/tau_x\n"
            f"P_L = clip(A_LTD*{drive.format('ltd')}, 0, 1)\n"
            "tag_L = int(t >= t_H and t >= t_L)*int(U < P_L)\n"
            "t_L += tag_L*(t - t_L - tau_L*log((P_L - U*tag_L + 1 - tag_L)/(P_L + 1 - tag_L)))"
        ),
        on_post=(
            "untagged = int(t >= t_H and t >= t_L)\n"
            f"tag_H = untagged*int(rand() < 1 - exp(-A_LTP*xbar*S_AP*{drive.format('ltp')}))\n"
            "t_H += tag_H*(t - t_H - tau_H*log(1 - rand()))"
        ),
        parameters={
            "A_LTD": A_LTD,
            "A_LTP": A_LTP,
            "theta_minus": theta_minus,
            "S_AP": S_AP,
            "tau_x": tau_x,
            "tau_H": tau_H,
            "tau_L": tau_L,
            "theta_p": theta_p,
            "tau_p_syn": tau_p_syn,
            "tau_p_deg": tau_p_deg,
            "tau_z": tau_z,
            "kappa": kappa,
            "gamma": gamma,
            "w0": w0,
            "g_H": g_H,
            "g_L": g_L,
            "g_z": g_z,
        },
        requires=("u_ltd", "u_ltp"),
        mechanism=tag_filters(tau_ltd, tau_ltp),
        method="euler",
    )
