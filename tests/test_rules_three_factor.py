"""Rule 7, dopamine-modulated STDP with an eligibility trace (Izhikevich 2007).

1. Single pairings and one reward (numpy): every efficacy equals the closed form of
   Izhikevich's Eqs. 1-3 with the ModelDB 84167 parameters (to 1e-9), tonic dopamine
   included. Without tonic dopamine, the change a reward causes recovers the source's
   constants from the simulation alone: the eligibility decays with tau_c = 1 s (fit over
   rewards 0.2-2 s after the pairing), the STDP window has tau = 20 ms on both sides and
   A_minus/A_plus = 1.5 (fits within 1%); a pairing that follows the reward by 0.5 s changes
   the weight by less than a quarter of what one 1 s before the reward does.
2. The reward schedule of :mod:`protocols.plasticity.distal_reward` (numpy): a
   postsynaptic spike within 20 ms after the chosen presynaptic spike, and only such a
   spike, is rewarded once, 1-3 s later.
3. The distal-reward replay (20 cells x 50 synapses, 1 h, cpp_standalone; slow: about 15 s
   with a warm build cache, about 50 s when it must compile): the chosen synapse ends at
   >= 90% of w_max, above the 99th percentile of the others and >= 4x their mean; every
   pairing is rewarded once; the cells fire at 0.5-2 Hz.
4. Unit checks of the rule's parameters.
"""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, SpikeMonitor, ms, nA, nS, second, um

from dendritic_models import Compartment, NeuronModel
from dendritic_models.errors import ModelError
from dendritic_models.mechanisms import lif
from dendritic_models.rules.three_factor import dopamine_release, three_factor_stdp
from dendritic_models.stimuli import current_pulses
from dendritic_models.wiring import connect
from protocols.plasticity import distal_reward

T_REWARD = 2.1  # s, the one reward of test 1
T_END = 2.8  # s
WINDOW_MS = np.array([-40.0, -20.0, -10.0, -5.0, 5.0, 10.0, 20.0, 40.0])  # t_post - t_pre
DELAYS_S = np.array([0.2, 0.5, 1.0, 1.5, 2.0])  # reward minus pairing (t_post)
LATE_S = -0.5  # a pairing 0.5 s after the reward


def pairings():
    """Per cell: (postsynaptic pulse onset, pre - post offset) in s. Cells 0-7: the STDP
    window, 1 s before the reward; 8-12: +10 ms pairings at several delays; 13: late."""
    onsets = [T_REWARD - 1.0] * len(WINDOW_MS) + list(T_REWARD - DELAYS_S) + [T_REWARD - LATE_S]
    offsets = list(-WINDOW_MS / 1000) + [-0.010] * (len(DELAYS_S) + 1)
    return np.array(onsets), np.array(offsets)


def closed_form(t_pre, t_post, rewards, p, t_end):
    """Izhikevich's Eqs. 1-3 for one synapse with one pre and one post spike (nearest-spike
    traces as in daspnet.m), integrated exactly between events."""
    tau_cd = p["tau_c"] * p["tau_d"] / (p["tau_c"] + p["tau_d"])
    events = sorted([(t_pre, "pre"), (t_post, "post")] + [(r, "reward") for r in rewards])
    w, c, d, last = 1.0, 0.0, 0.0, 0.0
    for t, kind in [*events, (t_end, "end")]:
        s = t - last
        w += (c * d * tau_cd * (1 - np.exp(-s / tau_cd))
              + c * p["d_tonic"] * p["tau_c"] * (1 - np.exp(-s / p["tau_c"]))) / p["tau_s"]
        w = min(max(w, 0.0), p["w_max"])
        c *= np.exp(-s / p["tau_c"])
        d *= np.exp(-s / p["tau_d"])
        last = t
        if kind == "pre" and t_post < t:
            c -= p["A_minus"] * np.exp(-(t - t_post) / p["tau_minus"])
        elif kind == "post" and t_pre < t:
            c += p["A_plus"] * np.exp(-(t - t_pre) / p["tau_plus"])
        elif kind == "reward":
            d += p["d_reward"]
    return w


def seconds(rule):
    return {k: float(v / second) if k.startswith("tau") else v
            for k, v in rule.parameters.items()}


@pytest.fixture(scope="module")
def paired():
    """One run: 14 cells, each with one pairing, two projections (with and without tonic
    dopamine) from the same inputs, one reward to all synapses at T_REWARD."""
    import brian2

    brian2.start_scope()
    brian2.prefs.codegen.target = "numpy"
    brian2.defaultclock.dt = 0.1 * ms
    onsets, offsets = pairings()
    n = len(onsets)
    cells = NeuronModel([Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                                     mechanisms=[lif()])], name="tf_cell").group(n)
    pulses = current_pulses(cells, "soma", np.arange(n), onsets * second, 2 * nA, 2 * ms)
    latency = 0.5e-3  # pulse onset to AP, so that pre - post offsets are about as intended
    t_pre = np.round((onsets + latency + offsets) * 1e4) / 1e4  # on the 0.1 ms grid
    src = SpikeGeneratorGroup(n, np.arange(n), t_pre * second)
    reward = SpikeGeneratorGroup(1, [0], [T_REWARD] * second)
    rules = {"tonic": three_factor_stdp(), "phasic": three_factor_stdp(d_tonic=0.0)}
    objects, syns = [cells, *pulses, src, reward], {}
    for key, rule in rules.items():
        syns[key], _ = connect(src, cells, "soma", {"AMPA": 0 * nS}, i=np.arange(n),
                               j=np.arange(n), rule=rule, name=f"tf_{key}")
        objects += [syns[key], dopamine_release(reward, syns[key])]
    spikes = SpikeMonitor(cells)
    Network(*objects, spikes).run(T_END * second)
    assert np.array_equal(np.sort(spikes.i[:]), np.arange(n))  # one AP per cell
    t_post = np.empty(n)
    t_post[spikes.i[:]] = spikes.t / second
    return {key: (rules[key], np.asarray(syns[key].w_now[:])) for key in rules}, t_pre, t_post


def test_weights_match_closed_form(paired):
    results, t_pre, t_post = paired
    for rule, w in results.values():
        p = seconds(rule)
        expected = [closed_form(a, b, [T_REWARD], p, T_END) for a, b in zip(t_pre, t_post,
                                                                             strict=True)]
        np.testing.assert_allclose(w, expected, rtol=1e-9, atol=1e-12)
        assert np.ptp(w) > 0.1  # the rewards changed the weights


def test_eligibility_decay_and_window_recover_source_constants(paired):
    results, t_pre, t_post = paired
    dw = results["phasic"][1] - 1.0
    nw, nd = len(WINDOW_MS), len(DELAYS_S)
    # eligibility: reward at delay D after the pairing -> dw ~ exp(-D/tau_c)
    delay = T_REWARD - t_post[nw:nw + nd]
    assert np.all(dw[nw:nw + nd] > 0)
    tau_c = -1 / np.polyfit(delay, np.log(dw[nw:nw + nd]), 1)[0]
    assert tau_c == pytest.approx(1.0, rel=0.01)
    # STDP window, 1 s before the reward: dw ~ A_plus exp(-dt/tau) or -A_minus exp(dt/tau)
    dt = (t_post - t_pre)[:nw] * 1000
    tagged = np.maximum(t_pre, t_post)[:nw]  # c jumps at the pair's second spike
    scale = np.exp(-(T_REWARD - tagged) / tau_c)
    stdp = dw[:nw] / scale
    ltp, ltd = dt > 0, dt < 0
    assert np.all(stdp[ltp] > 0) and np.all(stdp[ltd] < 0)
    fit_plus = np.polyfit(dt[ltp], np.log(stdp[ltp]), 1)
    fit_minus = np.polyfit(dt[ltd], np.log(-stdp[ltd]), 1)
    assert -1 / fit_plus[0] == pytest.approx(20.0, rel=0.01)
    assert 1 / fit_minus[0] == pytest.approx(20.0, rel=0.01)
    assert np.exp(fit_minus[1] - fit_plus[1]) == pytest.approx(1.5, rel=0.01)
    # a pairing 0.5 s after the reward meets only the dopamine tail (tau_d = 0.2 s)
    assert 0 < dw[-1] < 0.25 * dw[nw + list(DELAYS_S).index(1.0)]


def test_reward_schedule_rewards_each_pairing_once_after_1_to_3_s():
    """Chosen presynaptic spikes at 0.1, 0.6, 1.1, 1.6 s; postsynaptic spikes 5 and 19 ms
    after the first two (pairings), 25 ms after the third (too late) and 5 ms before the
    fourth (wrong order)."""
    pre_t = np.array([0.1, 0.6, 1.1, 1.6])
    post_t = np.array([0.105, 0.619, 1.125, 1.595])
    pre = SpikeGeneratorGroup(1, [0] * 4, pre_t * second)
    post = SpikeGeneratorGroup(1, [0] * 4, post_t * second)
    timers, watch_pre, watch_post = distal_reward.reward_timers(pre, 0, post, 0)
    rewards = SpikeMonitor(timers)
    Network(pre, post, timers, watch_pre, watch_post, rewards).run(5 * second)
    assert int(timers.pairings[0]) == 2
    times = np.sort(rewards.t / second)
    assert len(times) == 2
    delays = times - post_t[:2]
    assert np.all((delays >= 1.0) & (delays <= 3.0 + 1e-4))


@pytest.mark.slow
def test_distal_reward_replay():
    result = distal_reward.run(quick=True)
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed


@pytest.mark.parametrize("kwargs", [
    {"tau_c": 1.0},  # no units
    {"tau_d": 200 * nA},
    {"tau_s": -10 * ms},
    {"A_plus": 0.1 * ms},
    {"d_reward": -0.5},
])
def test_bad_parameters_raise_model_error(kwargs):
    with pytest.raises(ModelError, match="three_factor_stdp"):
        three_factor_stdp(**kwargs)


def test_dopamine_release_needs_the_rule():
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    cells = NeuronModel([Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                                     mechanisms=[lif()])], name="tf_plain").group(1)
    syn, _ = connect(src, cells, "soma", {"AMPA": 0 * nS}, i=[0], j=[0])
    with pytest.raises(ModelError, match="three_factor_stdp"):
        dopamine_release(src, syn)
