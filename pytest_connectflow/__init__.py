"""pytest-connectflow: test Amazon Connect contact flows offline, in milliseconds, from pytest."""

from __future__ import annotations

from .assertions import ConnectflowAssertionError, assert_branch_taken, assert_stream_state
from .blocks.registry import BlockRegistry, BlockSpec
from .engine.contact import MediaStreamEvent
from .engine.instance import Instance
from .engine.trace import Step, Trace
from .errors import (
    AmbiguousNameError,
    BlockNotFoundError,
    ConfigurationError,
    ConnectflowError,
    FlowDefectError,
    FlowLoadError,
    FlowNotFoundError,
    MissingMockError,
    MockError,
    ScenarioError,
    StepBudgetExceeded,
    UnsupportedActionError,
)
from .flow.library import FlowLibrary, load_library
from .mocks import LambdaCall
from .simulator import MediaStreamResult, RunResult, SimulatedContact, Simulator

__version__ = "0.1.0"

__all__ = [
    "AmbiguousNameError",
    "BlockNotFoundError",
    "BlockRegistry",
    "BlockSpec",
    "ConfigurationError",
    "ConnectflowAssertionError",
    "ConnectflowError",
    "FlowDefectError",
    "FlowLibrary",
    "FlowLoadError",
    "FlowNotFoundError",
    "Instance",
    "LambdaCall",
    "MediaStreamEvent",
    "MediaStreamResult",
    "MissingMockError",
    "MockError",
    "RunResult",
    "ScenarioError",
    "SimulatedContact",
    "Simulator",
    "Step",
    "StepBudgetExceeded",
    "Trace",
    "UnsupportedActionError",
    "__version__",
    "assert_branch_taken",
    "assert_stream_state",
    "load_library",
]
