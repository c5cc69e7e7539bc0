"""Built-in blocks, one module per family, each exporting SPECS for the registry."""

from __future__ import annotations

from . import (
    attributes,
    branching,
    contact_settings,
    flow_control,
    hours,
    interaction,
    lambda_functions,
    media_streaming,
    queues,
)
from .registry import BlockRegistry, BlockSpec

FAMILIES = (
    media_streaming,
    interaction,
    branching,
    attributes,
    lambda_functions,
    hours,
    queues,
    flow_control,
    contact_settings,
)


def builtin_specs() -> list[BlockSpec]:
    return [spec for family in FAMILIES for spec in family.SPECS]


def default_registry() -> BlockRegistry:
    """A fresh registry holding every built-in block."""
    return BlockRegistry(builtin_specs())


__all__ = ["BlockRegistry", "BlockSpec", "builtin_specs", "default_registry"]
