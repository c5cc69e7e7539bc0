"""pytest-connectflow: test Amazon Connect contact flows offline, in milliseconds, from pytest."""

from __future__ import annotations

from .errors import ConnectflowError
from .simulator import MediaStreamResult, RunResult, SimulatedContact, Simulator

__version__ = "0.1.0"

__all__ = [
    "ConnectflowError",
    "MediaStreamResult",
    "RunResult",
    "SimulatedContact",
    "Simulator",
    "__version__",
]
