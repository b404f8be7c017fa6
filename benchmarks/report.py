"""One side-by-side comparison of the benchmark output, and the markdown table of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Comparison:
    """Our time and a peer's on the same case, measured in the same benchmark run.

    ``ours`` / ``peer_value``: wall seconds per simulated second of the simulation loop
    (for sweeps and cold starts: seconds per point / per run); ``ratio`` = peer / ours
    (> 1: we are faster); ``agreement``: how the outputs matched; ``details``: compile
    time, memory, events per second, per side."""

    name: str
    ours: dict
    peer: str
    peer_value: float | None
    agreement: str
    details: dict = field(default_factory=dict)
    target: str = ""

    @property
    def ratio(self) -> float | None:
        mine = self.ours.get("seconds")
        if not mine or self.peer_value is None:
            return None
        return self.peer_value / mine

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def markdown(comparisons: list[Comparison]) -> str:
    """The comparisons as a markdown table."""
    head = ("| case | ours (s/s) | device | peer | peer (s/s) | ratio | target | agreement |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |\n")
    rows = []
    for c in comparisons:
        ratio = f"{c.ratio:.2f}" if c.ratio is not None else "-"
        peer = f"{c.peer_value:.3g}" if c.peer_value is not None else "-"
        mine = c.ours.get("seconds")
        rows.append(f"| {c.name} | {mine:.3g} | {c.ours.get('device', '')} | {c.peer} | "
                    f"{peer} | {ratio} | {c.target} | {c.agreement} |"
                    if mine is not None else
                    f"| {c.name} | failed | {c.ours.get('device', '')} | {c.peer} | {peer} "
                    f"| - | {c.target} | {c.agreement} |")
    return head + "\n".join(rows) + "\n"
