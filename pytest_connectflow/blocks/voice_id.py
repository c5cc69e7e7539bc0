"""Voice ID: Set Voice ID (StartVoiceIdStream) starts sending the caller's audio to Amazon Connect
Voice ID; Check Voice ID (CheckVoiceId) branches on the status Voice ID returns, from mocks.voice_id."""

from __future__ import annotations

from typing import Any

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result, success
from ..errors import MockError
from ..flow.model import Action
from ..mocks.lex import connect_values
from ..mocks.services import find_answer
from .registry import ALL_FLOW_TYPES, CUSTOMER_QUEUE, HOLD, INBOUND, TRANSFER, VOICE, WHISPER, BlockSpec

KIND = "voice_id"
FAMILY = "voice id"
# The statuses of each CheckVoiceIdOption, as the Conditions spell them (the console's
# "Not enrolled", "High risk"... without spaces).
STATUSES: dict[str, tuple[str, ...]] = {
    "enrollmentStatus": ("Enrolled", "NotEnrolled", "OptedOut"),
    "voiceAuthentication": ("Authenticated", "NotAuthenticated", "Inconclusive", "NotEnrolled", "OptedOut"),
    "fraudDetection": ("HighRisk", "LowRisk", "Inconclusive"),
}


def run_check_voice_id(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("CheckVoiceIdOption")
    option = ctx.resolve(raw) if isinstance(raw, str) else None
    if option not in STATUSES:
        return error(note=f"CheckVoiceIdOption {raw!r} is not one of {', '.join(STATUSES)}")
    answer = find_answer(ctx, action, KIND, (option,), {"action": action.type, "option": option})
    where = f"mocks.{KIND} answer for {action.identifier!r} ({option})"
    if answer.error is not None and answer.error != "NoMatchingError":
        raise MockError(f"{where}: error {answer.error!r} is not an error of CheckVoiceId; use error: true")
    if answer.error:
        return error(note=f"Voice ID gave no {option} result")
    if answer.result not in STATUSES[option]:
        raise MockError(f"{where}: result {answer.result!r} is not a {option} status; "
                        f"use one of {', '.join(STATUSES[option])}")
    if answer.data:
        voice_id: Any = ctx.contact.data.get("VoiceId")
        if not isinstance(voice_id, dict):
            voice_id = ctx.contact.data["VoiceId"] = {}
        voice_id.update(connect_values(dict(answer.data)))
    return result(answer.result, f"{option}: {answer.result}")


def run_start_voice_id(ctx: RunContext, action: Action) -> Outcome:
    # Nothing to decide: Voice ID analyses the audio later; Check Voice ID asks for the result.
    return success("the caller's audio streams to Voice ID")


SPECS = (
    BlockSpec(
        action_type="CheckVoiceId",
        run=run_check_voice_id,
        console_name="Check Voice ID",
        branches=("Enrolled", "NotEnrolled", "OptedOut", "Authenticated", "NotAuthenticated", "Inconclusive",
                  "HighRisk", "LowRisk", "NoMatchingCondition", "NoMatchingError"),
        channels=VOICE,
        flow_types=INBOUND | CUSTOMER_QUEUE | WHISPER | TRANSFER,
        model="Tests the Voice ID status the mock gives for CheckVoiceIdOption (enrollmentStatus: Enrolled, "
        "NotEnrolled, OptedOut; voiceAuthentication: Authenticated, NotAuthenticated, Inconclusive, "
        "NotEnrolled, OptedOut; fraudDetection: HighRisk, LowRisk, Inconclusive) against the Conditions; "
        "the mock's data goes into $.VoiceId. CHAT, TASK and EMAIL take Error.",
        mocks=f"mocks.{KIND} by block or by option name: result, data, error",
        family=FAMILY,
    ),
    BlockSpec(
        action_type="StartVoiceIdStream",
        run=run_start_voice_id,
        console_name="Set Voice ID",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        flow_types=ALL_FLOW_TYPES - HOLD,
        model="Starts streaming the caller's audio to Voice ID: Success with no result (nothing to mock). "
        "CHAT, TASK and EMAIL take Error; not allowed in hold flows.",
        family=FAMILY,
    ),
)
