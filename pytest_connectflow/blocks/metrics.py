"""Queue metrics: Get queue metrics and Check staffing / Check queue status."""

from __future__ import annotations

from .registry import BlockSpec

SPECS: tuple[BlockSpec, ...] = ()
