"""dendritic_models: multi-compartment pyramidal neurons with compartment-specific plasticity.

Brian2-based; see README.md for the architecture and DESIGN notes.
"""

from .compartment import KINDS, Compartment
from .errors import ModelError
from .neuron import DendriticGroup, NeuronModel
from .tree import Node, Tree

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "Compartment",
    "DendriticGroup",
    "ModelError",
    "NeuronModel",
    "Node",
    "Tree",
    "__version__",
]
