"""Hooks other packages implement to extend pytest-connectflow (pluggy hookspecs).

Implement them in a pytest plugin or conftest.py::

    def pytest_connectflow_register_blocks(registry):
        registry.register(BlockSpec(action_type="MyAction", run=my_block, ...))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from .blocks.registry import BlockRegistry

hookspec = pluggy.HookspecMarker("pytest")


@hookspec
def pytest_connectflow_register_blocks(registry: BlockRegistry) -> None:
    """Register extra blocks (or replace built-in ones with ``replace=True``) in the registry the
    test run uses. Called once per test process, before any flow runs."""
