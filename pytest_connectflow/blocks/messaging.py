"""Messaging: message templates, outbound email and SMS/chat, persistent chat, resume contact."""

from __future__ import annotations

from .registry import BlockSpec

SPECS: tuple[BlockSpec, ...] = ()
