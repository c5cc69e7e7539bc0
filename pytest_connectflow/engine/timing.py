"""How long a block keeps the contact in simulated time (DESIGN.md "Time in a journey").

Blocks that do not wait take no time. Text and SSML are spoken at 150 words per minute (an SSML
`<break time>` adds its time); a prompt by ARN plays 5 s unless the instance resources file gives
its duration. Loop prompts waits its interrupt period (for ever without one: until an agent answers
or the hold ends), Wait its timeout, an input block that got no input its timeout.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ..flow.model import Action
from .instance import Instance
from .messages import Message, plain_text
from .outcome import Outcome

WORDS_PER_MINUTE = 150
DEFAULT_PROMPT_SECONDS = 5.0
DEFAULT_INPUT_TIMEOUT_SECONDS = 5.0
_BREAK_RE = re.compile(r"<break\b[^>]*\btime\s*=\s*[\"']\s*([\d.]+)\s*(ms|s)\s*[\"']", re.IGNORECASE)


def _seconds(value: object, default: float) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        return default
    return number if number >= 0 else default


def speech_seconds(message: Message, instance: Instance) -> float:
    """How long a message takes to say or play."""
    if message.kind == "prompt":
        found = instance.find(instance.prompts, message.content)
        return found.duration if found is not None and found.duration is not None else DEFAULT_PROMPT_SECONDS
    if message.kind == "media":
        return DEFAULT_PROMPT_SECONDS
    breaks = sum(float(n) / (1000 if unit.lower() == "ms" else 1) for n, unit in _BREAK_RE.findall(message.content))
    words = len(plain_text(message.content).split())
    return words * 60 / WORDS_PER_MINUTE + breaks


def block_seconds(action: Action, outcome: Outcome, sent: Sequence[Message], instance: Instance) -> float:
    """Simulated seconds the block took, given its outcome and the messages it sent."""
    params = action.parameters
    if action.type == "MessageParticipantIteratively" and outcome.kind != "error":
        interval = params.get("InterruptFrequencySeconds")
        return _seconds(interval, math.inf) if interval not in (None, "") else math.inf
    spoken = sum(speech_seconds(m, instance) for m in sent)
    if action.type == "Wait" and outcome.kind == "result" and outcome.value == "WaitCompleted":
        return spoken + _seconds(params.get("TimeLimitSeconds", params.get("TimeoutSeconds")), 0.0)
    if outcome.kind == "error" and outcome.error_type == "InputTimeLimitExceeded":
        limit = params.get("InputTimeLimitSeconds")
        if action.type == "ConnectParticipantWithLexBot":
            timeout = params.get("LexTimeoutSeconds")
            limit = timeout.get("Text") if isinstance(timeout, dict) else None
        return spoken + _seconds(limit, DEFAULT_INPUT_TIMEOUT_SECONDS)
    return spoken
