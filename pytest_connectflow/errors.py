"""The project's exceptions: one root, small subclasses whose messages say what and where."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine.trace import Trace


class ConnectflowError(Exception):
    """Root of every error pytest-connectflow raises on purpose.

    ``where`` is a human location (``file:line``, ``file#/json/pointer``); ``trace`` holds the
    steps run so far when the error happened during a run.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.trace: Trace | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class FlowLoadError(ConnectflowError):
    """A flow file cannot be read: bad JSON, a wrong shape, a missing key."""


class FlowNotFoundError(ConnectflowError):
    """A flow name, Id or ARN that fits no loaded flow."""


class AmbiguousNameError(ConnectflowError):
    """A name that fits more than one flow or block."""


class BlockNotFoundError(ConnectflowError):
    """A block name that fits no block of the loaded flows."""


class UnsupportedActionError(ConnectflowError):
    """An action type that no block handles."""


class FlowDefectError(ConnectflowError):
    """A flow that cannot run from its start (empty StartAction, unresolved placeholder...)."""


class MissingMockError(ConnectflowError):
    """A block needs a result from outside the flow and the test gave no mock for it.

    `kind` and `key` say which mock would answer (`mocks.<kind>.<key>`), `field` a missing part
    of an existing mock (a queue metric), so tools can add it."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        kind: str = "",
        key: str = "",
        field: str = "",
        choices: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, where=where)
        self.kind = kind
        self.key = key
        self.field = field
        self.choices = choices  # the results the block branches on (its condition operands)


class MockError(ConnectflowError):
    """A mock is given in a shape that cannot be used (a list run past its end, a bad value)."""


class StepBudgetExceeded(ConnectflowError):
    """The run went past its step budget: a loop with no exit, usually."""


class ScenarioError(ConnectflowError):
    """A scenario file or a scenario in it is malformed."""


class ConnectflowWarning(UserWarning):
    """Something worth knowing that does not fail a test (a mock no block used)."""


class ConfigurationError(ConnectflowError):
    """An ini option, instance resources file or run argument is wrong."""
