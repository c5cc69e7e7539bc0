"""Built-in blocks, one module per family, each exporting SPECS for the registry."""

from __future__ import annotations

from . import (
    attributes,
    branching,
    callbacks,
    cases,
    contact_settings,
    customer_profiles,
    flow_control,
    hours,
    interaction,
    lambda_functions,
    lex,
    media_streaming,
    messaging,
    metrics,
    q_in_connect,
    queues,
    tasks,
    telephony,
    views,
    voice_id,
    wait,
)
from .registry import BlockRegistry, BlockSpec

FAMILIES = (
    media_streaming,
    interaction,
    lex,
    branching,
    attributes,
    lambda_functions,
    hours,
    queues,
    metrics,
    callbacks,
    telephony,
    wait,
    flow_control,
    contact_settings,
    messaging,
    tasks,
    customer_profiles,
    cases,
    voice_id,
    q_in_connect,
    views,
)


def builtin_specs() -> list[BlockSpec]:
    return [spec for family in FAMILIES for spec in family.SPECS]


def default_registry() -> BlockRegistry:
    """A fresh registry holding every built-in block."""
    return BlockRegistry(builtin_specs())


__all__ = ["BlockRegistry", "BlockSpec", "builtin_specs", "default_registry"]
