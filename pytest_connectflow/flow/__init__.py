"""Reading flows: the immutable model, loaders per shape and the library that names them."""

from .library import FlowLibrary, load_library
from .loaders import LoadReport, load_path
from .model import Action, Condition, ErrorTransition, Flow

__all__ = [
    "Action",
    "Condition",
    "ErrorTransition",
    "Flow",
    "FlowLibrary",
    "LoadReport",
    "load_library",
    "load_path",
]
