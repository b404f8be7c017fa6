"""Rule 6, local co-activity (Wright, Hedrick & Komiyama 2025), and rule sets.

1. Closed form: for a known spike pattern each synapse's change equals the sum over its
   coincident neighbour pairs of eta_coop exp(-d/length_scale) exp(-|s|/tau_coact) minus
   eta_iso per own spike (tolerance 1e-9); a synapse beyond ``radius`` is untouched by them.
2. The project's core claim (:mod:`protocols.plasticity.coactivity_dissociation`): with
   somatic spiking blocked, clustered co-active apical inputs potentiate and isolated ones do
   not, basal synapses under the Hebbian rule do not potentiate; apical potentiation keeps
   >= 0.8 of control (published 0.93), basal <= 0.5 (published 0.36).
3. A rule set that gives the targeted compartments different rules is refused.
4. The neighbour search (sorted windows, used for networks of millions of synapses) finds
   exactly the pairs of the definition: same neuron, same branch, |x_k - x_m| <= radius.
"""

import numpy as np
import pytest
from brian2 import Network, SpikeGeneratorGroup, ms, nS, um

from dendritic_models import Compartment, ModelError, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.rules.base import RuleSet
from dendritic_models.rules.local_coactivity import local_coactivity
from dendritic_models.rules.pair_stdp import pair_stdp
from dendritic_models.wiring import connect, neighbour_pairs
from protocols.plasticity import coactivity_dissociation


def two_branch_cell():
    return NeuronModel([
        Compartment("soma", "soma", length=20 * um, diameter=20 * um, mechanisms=[adex()]),
        Compartment("basal", "basal", parent="soma", length=150 * um, diameter=1 * um),
        Compartment("tuft", "apical_tuft", parent="soma", length=150 * um, diameter=1 * um,
                    n_seg=3),
    ]).group(1)


def test_pairwise_coincidences_match_closed_form():
    rule = local_coactivity()
    p = rule.parameters
    eta, iso = p["eta_coop"], p["eta_iso"]
    tau, lam = float(p["tau_coact"] / ms), float(p["length_scale"] / um)
    x = np.array([10.0, 20.0, 140.0])  # um; the third is beyond the 30 um radius
    spikes = {0: [10.0, 100.0], 1: [30.0, 100.0], 2: [50.0, 100.0]}  # ms
    idx = np.concatenate([[k] * len(t) for k, t in spikes.items()])
    times = np.concatenate(list(spikes.values()))
    src = SpikeGeneratorGroup(3, idx, times * ms)
    group = two_branch_cell()
    syn, _ = connect(src, group, "tuft", {"AMPA": 0 * nS}, i=np.arange(3), j=np.zeros(3, int),
                     x=x * um, rule=rule)
    Network(group, src, syn).run(150 * ms)
    pair = sum(eta * np.exp(-abs(x[0] - x[1]) / lam) * np.exp(-abs(a - b) / tau)
               for a in spikes[0] for b in spikes[1])
    expected = 1 + np.array([pair, pair, 0.0]) - iso * 2
    np.testing.assert_allclose(syn.w[:], expected, rtol=0, atol=1e-9)


def test_apical_basal_dissociation_with_spiking_blocked():
    result = coactivity_dissociation.run(quick=True)
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed


def test_rule_set_must_give_one_rule_to_the_targeted_compartments():
    rules = RuleSet("split", {"basal": pair_stdp(), "apical_tuft": local_coactivity()})
    group = two_branch_cell()
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    with pytest.raises(ModelError, match="rule set 'split' gives these compartments"):
        connect(src, group, "soma", {"AMPA": 1 * nS}, i=np.array([0]), j=np.array([0]),
                rule=rules)
    syn, _ = connect(src, group, "apical_tuft", {"AMPA": 1 * nS}, i=np.array([0]),
                     j=np.array([0]), rule=rules)
    assert "eta_coop" in syn.variables


def test_unitless_radius_is_refused():
    with pytest.raises(ModelError, match="local_coactivity: radius"):
        local_coactivity(radius=30)


def test_neighbour_search_finds_exactly_the_pairs_of_the_definition():
    rng = np.random.default_rng(3)
    n = 600
    post = rng.integers(0, 4, n)
    branch = rng.choice(np.array(["basal0", "tuft0", "tuft1"], dtype=object), n)
    x = np.round(rng.uniform(0, 150, n))  # whole um: many pairs exactly at the radius
    k, m = neighbour_pairs(post, branch, x, 30.0)
    brute = [(a, b) for a in range(n) for b in range(n)
             if a != b and post[a] == post[b] and branch[a] == branch[b]
             and abs(x[a] - x[b]) <= 30.0]
    assert list(zip(k.tolist(), m.tolist(), strict=True)) == brute
    assert any(abs(x[a] - x[b]) == 30.0 for a, b in brute)

