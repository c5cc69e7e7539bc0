"""Show view."""

from __future__ import annotations

from .registry import BlockSpec

SPECS: tuple[BlockSpec, ...] = ()
