"""Rules 1-3 against the frequency dependence of Sjostrom, Turrigiano & Nelson 2001.

Replays :mod:`protocols.plasticity.sjostrom_frequency` (60 pairings at dt = +-10 ms,
0.1-50 Hz). Tolerances: triplet STDP within 2 SEM of the published mean at all ten points
(the issue's criterion); Clopath: the published sign pattern; pair STDP: never potentiates
post-before-pre pairings (negative control). The protocol finding checks that each pulse
gave one AP and the pairing interval is within 0.2 ms of the nominal one.
"""

import pytest

from dendritic_models import ModelError
from dendritic_models.rules.triplet_stdp import triplet_stdp
from protocols.plasticity import sjostrom_frequency


def test_sjostrom_frequency_dependence():
    result = sjostrom_frequency.run(quick=True)
    failed = [f for f in result["findings"] if not f["reproduced"]]
    assert not failed, failed


def test_triplet_rejects_unitless_time_constant():
    with pytest.raises(ModelError, match="triplet_stdp: tau_y"):
        triplet_stdp(tau_y=114)
