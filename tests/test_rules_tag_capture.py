"""Rule 9, tagging, capture and consolidation (Clopath, Ziegler, Vasilaki, Büsing & Gerstner
2008; the authors' code, ModelDB 118199).

Replays :mod:`protocols.plasticity.tag_capture` (Frey & Morris 1997 protocols, 5 h, 3 cells
per condition) and compares the pathway mean weights (% of baseline) with the source's code
run with 10 seeds (mean +/- s.d.): weak tetanus, 10 min after: 114.7 +/- 2.9, accepted
within 7; 3.5 h after: back to within 3 of 100 (source 100.4 +/- 1.0); strong tetanus,
3.5 h after: 121.6 +/- 9.4, accepted within 15 and at least 110 (late LTP persists); weak
tetanus 1 h after a strong one on the other pathway, 3.5 h after: 111.2 +/- 3.0, accepted
within 6 and at least 5 above the weak tetanus alone (capture); every pulse evokes one AP.
Mechanism: after the weak tetanus alone no synapse has changed its late-phase well; the
strong tetanus drives the proteins to tau_p_deg/(tau_p_deg + tau_p_syn) = 0.909 (+/- 0.01)
and moves synapses into the upper well in every cell.
Bad input: wrong units name the rule and parameter; the rule on a compartment without its
filters fails at connect().
"""

import numpy as np
import pytest
from brian2 import SpikeGeneratorGroup, ms, mV, nS, second, um

from dendritic_models import Compartment, ModelError, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.rules.tag_capture import tag_capture
from dendritic_models.wiring import connect
from protocols.plasticity import tag_capture as protocol
from protocols.plasticity.tag_capture import UP_FRACTION


def test_early_ltp_decays_late_ltp_persists_and_weak_input_is_captured():
    result = protocol.run()
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed
    data = result["data"]
    weak, strong = protocol.CONDITIONS.index("weak"), protocol.CONDITIONS.index("strong")
    # the weak tetanus alone leaves the late phase untouched (30 of 100 synapses in the
    # upper well, as at the start); the strong one drives protein synthesis up to
    # tau_p_deg/(tau_p_deg + tau_p_syn) = 0.909 and moves synapses into the upper well
    up = UP_FRACTION * protocol.N_SYN
    assert np.all(data["z_up"][weak, :, 1, -1] == up)
    assert data["p"][strong].max() == pytest.approx(3600 / 3960, abs=0.01)
    assert np.all(data["z_up"][strong, :, 0, -1] > up)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"tau_z": 360.0}, "tau_z"),
    ({"A_LTP": 1e-3 / mV}, "A_LTP"),
    ({"theta_minus": -70.6}, "theta_minus"),
    ({"gamma": 0.1 * second}, "gamma"),
])
def test_wrong_units_name_the_rule_and_parameter(kwargs, name):
    with pytest.raises(ModelError, match=f"tag_capture: {name}"):
        tag_capture(**kwargs)


def test_soma_without_the_rule_filters_fails_at_connect():
    group = NeuronModel([Compartment("soma", "soma", length=20 * um, diameter=20 * um,
                                     mechanisms=[adex()])]).group(1)
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    with pytest.raises(ModelError, match=r"rule 'tag_capture' reads 'u_ltd' from compartment "
                                         r"'soma', which lacks it.*tag_filters"):
        connect(src, group, "soma", {"AMPA": 1 * nS}, i=np.array([0]), j=np.array([0]),
                rule=tag_capture())
