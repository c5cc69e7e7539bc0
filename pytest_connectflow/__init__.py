"""pytest-connectflow: test Amazon Connect contact flows offline, in milliseconds, from pytest.

The public API is re-exported here. Names are imported on first use (PEP 562): pytest imports
this package for the plugin in every run, and a run without flows should not pay for the engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name → the module that defines it.
_EXPORTS = {
    "ConnectflowAssertionError": "assertions",
    "assert_branch_taken": "assertions",
    "assert_message_sent": "assertions",
    "Message": "engine.messages",
    "assert_stream_state": "assertions",
    "BlockRegistry": "blocks.registry",
    "BlockSpec": "blocks.registry",
    "MediaStreamEvent": "engine.contact",
    "Instance": "engine.instance",
    "Journey": "engine.journey",
    "Step": "engine.trace",
    "Trace": "engine.trace",
    "AmbiguousNameError": "errors",
    "BlockNotFoundError": "errors",
    "ConfigurationError": "errors",
    "ConnectflowError": "errors",
    "ConnectflowWarning": "errors",
    "FlowDefectError": "errors",
    "FlowLoadError": "errors",
    "FlowNotFoundError": "errors",
    "MissingMockError": "errors",
    "MockError": "errors",
    "ScenarioError": "errors",
    "StepBudgetExceeded": "errors",
    "UnsupportedActionError": "errors",
    "FlowLibrary": "flow.library",
    "load_library": "flow.library",
    "LambdaCall": "mocks",
    "MediaStreamResult": "simulator",
    "RunResult": "simulator",
    "SimulatedContact": "simulator",
    "Simulator": "simulator",
    "ExploredPath": "explorer",
    "explore": "explorer",
    "NativeOutcome": "native.runner",
    "NativeTestError": "native.model",
    "read_test_case_file": "native.reader",
    "run_test_case": "native.runner",
}

__all__ = [
    "AmbiguousNameError",
    "BlockNotFoundError",
    "BlockRegistry",
    "BlockSpec",
    "ConfigurationError",
    "ConnectflowAssertionError",
    "ConnectflowError",
    "ConnectflowWarning",
    "ExploredPath",
    "FlowDefectError",
    "FlowLibrary",
    "FlowLoadError",
    "FlowNotFoundError",
    "Instance",
    "Journey",
    "LambdaCall",
    "MediaStreamEvent",
    "MediaStreamResult",
    "Message",
    "MissingMockError",
    "MockError",
    "NativeOutcome",
    "NativeTestError",
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
    "assert_message_sent",
    "assert_stream_state",
    "explore",
    "load_library",
    "read_test_case_file",
    "run_test_case",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_connectflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # what type checkers and editors see
    from .assertions import ConnectflowAssertionError, assert_branch_taken, assert_message_sent, assert_stream_state
    from .blocks.registry import BlockRegistry, BlockSpec
    from .engine.contact import MediaStreamEvent
    from .engine.instance import Instance
    from .engine.journey import Journey
    from .engine.messages import Message
    from .engine.trace import Step, Trace
    from .errors import (
        AmbiguousNameError,
        BlockNotFoundError,
        ConfigurationError,
        ConnectflowError,
        ConnectflowWarning,
        FlowDefectError,
        FlowLoadError,
        FlowNotFoundError,
        MissingMockError,
        MockError,
        ScenarioError,
        StepBudgetExceeded,
        UnsupportedActionError,
    )
    from .explorer import ExploredPath, explore
    from .flow.library import FlowLibrary, load_library
    from .mocks import LambdaCall
    from .native.model import NativeTestError
    from .native.reader import read_test_case_file
    from .native.runner import NativeOutcome, run_test_case
    from .simulator import MediaStreamResult, RunResult, SimulatedContact, Simulator
