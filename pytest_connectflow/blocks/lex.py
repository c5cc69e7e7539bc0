"""Get customer input with Amazon Lex (ConnectParticipantWithLexBot)."""

from __future__ import annotations

from .registry import BlockSpec

SPECS: tuple[BlockSpec, ...] = ()
