"""Rule 3, Clopath et al. 2010 on the local compartment voltage (Golding et al. 2002).

Replays :mod:`protocols.plasticity.golding_distal`: the same bAP pairing potentiates a
proximal synapse (50 um) and not a distal one (~850 um, where the bAP peaks below
theta_plus), and a local dendritic (Ca2+ plateau) spike potentiates the distal synapse with
somatic APs blocked. The frequency sign pattern is tested with the triplet rule
(test_rules_triplet_stdp). Bad input: the rule on a compartment without its voltage filters
fails at connect() naming rule, compartment and variable.
"""

import numpy as np
import pytest
from brian2 import SpikeGeneratorGroup, ms, nS, um

from dendritic_models import Compartment, ModelError, NeuronModel
from dendritic_models.mechanisms import adex
from dendritic_models.rules.clopath import clopath
from dendritic_models.wiring import connect
from protocols.plasticity import golding_distal


def test_golding_distal_potentiation_needs_a_dendritic_spike():
    result = golding_distal.run()
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed


def test_rule_on_compartment_lacking_its_variable_fails_at_build():
    group = NeuronModel([
        Compartment("soma", "soma", length=20 * um, diameter=20 * um, mechanisms=[adex()]),
        Compartment("tuft", "apical_tuft", parent="soma", length=100 * um, diameter=1 * um),
    ]).group(1)
    src = SpikeGeneratorGroup(1, [0], [1] * ms)
    with pytest.raises(ModelError, match=r"rule 'clopath' reads 'u_minus' from compartment "
                                         r"'tuft', which lacks it.*clopath_filters"):
        connect(src, group, "tuft", {"AMPA": 1 * nS}, i=np.array([0]), j=np.array([0]),
                rule=clopath())


def test_wrong_units_name_the_rule_and_parameter():
    with pytest.raises(ModelError, match="clopath: theta_plus"):
        clopath(theta_plus=-45.3)
