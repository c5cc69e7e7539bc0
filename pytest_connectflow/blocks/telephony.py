"""Telephony: Transfer to phone number, Check call progress and outbound call actions."""

from __future__ import annotations

from .registry import BlockSpec

SPECS: tuple[BlockSpec, ...] = ()
