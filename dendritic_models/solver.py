"""Implicit (backward-Euler) voltage update of a neuron tree as straight-line Brian2 code.

The cable equation on the tree's nodes,
``C_i dv_i/dt = I_m,i(v_i) + sum_j g_ij (v_j - v_i)``, is advanced by one backward-Euler step
with the membrane current linearised about the previous voltage,
``I_m,i(v) ~ I_m,i(v_n) - G_m,i (v - v_n)``, ``G_m,i = -dI_m,i/dv`` (NEURON's semi-implicit
scheme: Hines 1984, Int J Biomed Comput 15:69; Hines & Carnevale 1997, Neural Comput 9:1179).
The tree's linear system is solved exactly by Gaussian elimination from the leaves to the
soma and back-substitution (Hines 1984): O(nodes) per neuron, unconditionally stable for the
axial coupling. Because the topology is fixed, the elimination is written out as one
statement list that Brian2 runs vectorised over all neurons in every target (numpy, Cython,
``cpp_standalone``) through ``run_regularly``. Junction nodes have no membrane and no
capacitance: their voltage is a temporary of the step.
"""

from __future__ import annotations

from collections.abc import Mapping

from .tree import Tree


def hines_code(
    tree: Tree,
    root_clamp: tuple[str, str] | None = None,
    triggers: Mapping[str, str] | None = None,
) -> str:
    """Brian2 abstract code for one backward-Euler step of all node voltages.

    ``root_clamp`` is an optional pair of expressions ``(active, value)``; while ``active``
    is 1 the root is held at ``value`` (an ideal clamp; used for the somatic AP waveform).
    ``triggers`` maps event-time variables to conditions on the new voltages: each is set to
    ``t`` where its condition holds, without branching.
    """
    kids = tree.node_children()
    lines: list[str] = []
    for node in tree.nodes:
        n = node.name
        couplings = [f"g_axial_{k}" for k in kids[n]]
        if node.parent is not None:
            couplings.append(f"g_axial_{n}")
        if node.is_junction:
            lines.append(f"hines_a_{n} = {' + '.join(couplings)}")
            # zero, written as a per-neuron value (Brian2 orders scalar before vector writes)
            lines.append(f"hines_b_{n} = 0*g_axial_{n}*v_{node.parent}")
        else:
            # the slope conductance once: Brian2 re-expands a subexpression at every use
            lines.append(f"hines_g_{n} = G_m_{n}")
            lines.append(" + ".join([f"hines_a_{n} = C_{n}/dt + hines_g_{n}", *couplings]))
            lines.append(
                f"hines_b_{n} = C_{n}/dt*v_{n} + I_m_{n} + hines_g_{n}*v_{n} + I_explicit_{n}"
            )
    lines[0] += "  # 1. diagonal (a) and right-hand side (b) of each node's equation"
    first_elimination = len(lines)
    for node in reversed(tree.nodes):
        if node.parent is None:
            continue
        n, p = node.name, node.parent
        # one division per node: its diagonal is final once its children are eliminated
        lines.append(f"hines_r_{n} = 1/hines_a_{n}")
        lines.append(f"hines_a_{p} = hines_a_{p} - g_axial_{n}**2*hines_r_{n}")
        lines.append(f"hines_b_{p} = hines_b_{p} + g_axial_{n}*hines_b_{n}*hines_r_{n}")
    if len(lines) > first_elimination:
        lines[first_elimination] += "  # 2. eliminate each node into its parent, leaves first"
    root = tree.nodes[0].name
    free = f"hines_b_{root}/hines_a_{root}"
    if root_clamp is None:
        lines.append(f"v_{root} = {free}")
    else:
        active, value = root_clamp
        lines.append(f"v_{root} = ({active})*({value}) + (1 - ({active}))*{free}")
    lines[-1] += "  # 3. solve the root, then back-substitute, parents first"
    for node in tree.nodes[1:]:
        n, p = node.name, node.parent
        v_n = f"hines_v_{n}" if node.is_junction else f"v_{n}"
        v_p = f"hines_v_{p}" if tree.nodes[tree.node_index[p]].is_junction else f"v_{p}"
        lines.append(f"{v_n} = (hines_b_{n} + g_axial_{n}*{v_p})*hines_r_{n}")
    for k, (var, condition) in enumerate((triggers or {}).items()):
        comment = "  # 4. stamp the time of dendritic events" if k == 0 else ""
        lines.append(f"{var} = {var} + (t - {var})*int({condition}){comment}")
    return "\n".join(lines)
