"""Callbacks: Set callback number and Transfer to queue (callback)."""

from __future__ import annotations

from .registry import BlockSpec

SPECS: tuple[BlockSpec, ...] = ()
