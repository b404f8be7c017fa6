"""Event-gated dendritic spikes: a threshold event opens rectangular conductance pulses.

Scheme of Dendrify 2.2 (Pagkalos, Chavlis & Poirazi 2023, Nat Commun 14:131, Methods
"Dendritic spikes"): when the local voltage crosses ``theta`` and the compartment is not
refractory, the time of the event is recorded in ``t_<name>``; each channel ``X`` then conducts
``gbar_X (E_X - v)`` from ``delay_X`` to ``delay_X + dur_X`` after the event. All durations are
compared with ``t`` in the equations, so they follow any ``dt`` (no conversion to steps).
Presets with their sources: :func:`dendritic_models.mechanisms.dendritic_na.na_spike` and
:func:`dendritic_models.mechanisms.calcium.ca_plateau`.
"""

from __future__ import annotations

from collections.abc import Mapping

from brian2 import Quantity, metre, mV, second, siemens
from brian2.units.fundamentalunits import have_same_dimensions

from ..errors import ModelError
from ..quantities import require_unit
from .base import Mechanism


def event_gated_spike(
    name: str,
    source: str,
    theta: Quantity,
    refractory: Quantity,
    channels: Mapping[str, Mapping[str, Quantity]],
    tau_activation: Quantity | None = None,
) -> Mechanism:
    """Build an event-gated spike mechanism.

    ``channels`` maps a channel label (``'Na'``) to its ``gbar`` (density or absolute),
    reversal ``E``, ``delay`` and ``dur``. Declared names: ``theta_<name>``,
    ``t_ref_<name>``, ``t_<name>`` (time of the last event), per channel ``gbar_X``, ``E_X``,
    ``delay_X``, ``dur_X`` and the gate ``open_X``.

    With ``tau_activation`` the event is triggered by the channel's activation ``u_<name>``,
    a first-order low-pass of ``v`` with that time constant (activation kinetics of the
    channel), instead of by ``v`` itself.
    """
    require_unit(theta, mV, f"{name}: theta")
    require_unit(refractory, second, f"{name}: refractory")
    lines = [f"t_{name} : second"]
    parameters: dict[str, Quantity] = {f"theta_{name}": theta, f"t_ref_{name}": refractory}
    trigger_on = "v"
    if tau_activation is not None:
        require_unit(tau_activation, second, f"{name}: tau_activation")
        lines.append(f"du_{name}/dt = (v - u_{name})/tau_u_{name} : volt")
        parameters[f"tau_u_{name}"] = tau_activation
        trigger_on = f"u_{name}"
    currents = []
    for label, spec in channels.items():
        gbar = spec["gbar"]
        density = siemens / metre**2
        if not (have_same_dimensions(gbar, siemens) or have_same_dimensions(gbar, density)):
            raise ModelError(
                f"{name}: gbar_{label} = {gbar} must be a conductance (S) or density (S/m^2)"
            )
        require_unit(spec["E"], mV, f"{name}: E_{label}")
        require_unit(spec["delay"], second, f"{name}: delay_{label}")
        require_unit(spec["dur"], second, f"{name}: dur_{label}")
        lines.append(
            f"open_{label} = int(t - t_{name} >= delay_{label} and "
            f"t - t_{name} < delay_{label} + dur_{label}) : 1"
        )
        currents.append(f"gbar_{label}*open_{label}*(E_{label} - v)")
        parameters.update(
            {
                f"gbar_{label}": spec["gbar"],
                f"E_{label}": spec["E"],
                f"delay_{label}": spec["delay"],
                f"dur_{label}": spec["dur"],
            }
        )
    return Mechanism(
        name=name,
        source=source,
        equations="\n".join(lines),
        current=" + ".join(currents),
        parameters=parameters,
        initial={f"t_{name}": -1e4 * second}
        | ({} if tau_activation is None else {f"u_{name}": "EL"}),
        triggers={f"t_{name}": f"{trigger_on} > theta_{name} and t - t_{name} > t_ref_{name}"},
    )
