"""Telephony: Transfer to phone number (TransferParticipantToThirdParty), Check call progress
(CheckOutboundCallStatus), Call phone number (CompleteOutboundCall) and Hold customer or agent
(UpdatePreviousContactParticipantState)."""

from __future__ import annotations

import re
from typing import Any

from ..engine import values
from ..engine.context import RunContext
from ..engine.outcome import Outcome, end, error, result, success
from ..errors import MockError
from ..flow.model import Action
from ..mocks.services import find_answer
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, VOICE, BlockSpec

# E.164: "+", a country code that does not start with 0, 8 to 15 digits in all (the same rule
# Store customer input applies to phone numbers).
E164_RE = re.compile(r"^\+[1-9][0-9]{7,14}$")
DTMF_RE = re.compile(r"^[0-9,*#]{1,50}$")

THIRD_PARTY_RESULTS = ("Success", "CallFailed", "ConnectionTimeLimitExceeded", "NoMatchingError")
CALL_PROGRESS_RESULTS = ("CallAnswered", "VoicemailBeep", "VoicemailNoBeep", "NotDetected")
PARTICIPANT_STATES = ("AgentOnHold", "CustomerOnHold", "OffHold")


def static_or_reference(ctx: RunContext, raw: Any) -> str | None:
    """A parameter that must be fully static or a single reference: its value (None when unset)."""
    if values.is_reference(raw):
        return ctx.resolve(raw)
    return None if raw is None else str(raw)


def whole_seconds(ctx: RunContext, raw: Any, name: str, low: int, high: int) -> int | str:
    """An integer number of seconds in low..high, or a string saying what is wrong."""
    value = static_or_reference(ctx, raw)
    text = (value or "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        return f"{name} {raw!r} is {value!r}, not a whole number of seconds in {low}..{high}"
    return int(text)


def run_transfer_to_third_party(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    continue_raw = params.get("ContinueFlowExecution", "True")
    if str(continue_raw) not in ("True", "False", "true", "false"):
        return error(note=f"ContinueFlowExecution {continue_raw!r} is not True or False")
    resume = str(continue_raw).lower() == "true"
    request: dict[str, Any] = {"ContinueFlowExecution": "True" if resume else "False"}
    connector = params.get("VoiceConnector")
    if isinstance(connector, dict):
        target = ctx.resolve(connector.get("VoiceConnectorArn"))
        if not target:
            return error(note=f"VoiceConnectorArn {connector.get('VoiceConnectorArn')!r} is unset")
        request["VoiceConnectorArn"] = target
    else:
        raw_number = params.get("ThirdPartyPhoneNumber")
        if raw_number in (None, ""):
            return error(note="the block has no ThirdPartyPhoneNumber")
        number = ctx.resolve(raw_number)
        if not number:
            return error(note=f"ThirdPartyPhoneNumber {raw_number!r} is unset")
        if not E164_RE.match(number):
            return error(note=f"ThirdPartyPhoneNumber {number!r} is not an E.164 phone number")
        target = number
        request["ThirdPartyPhoneNumber"] = number
    for name in ("ThirdPartyConnectionTimeLimitSeconds", "ThirdPartyConnectionTimeoutSeconds"):
        # Exports write ...TimeLimitSeconds; the Flow language reference says ...TimeoutSeconds.
        if params.get(name) not in (None, ""):
            seconds = whole_seconds(ctx, params[name], name, 0, 600)
            if isinstance(seconds, str):
                return error(note=seconds)
            request["ThirdPartyConnectionTimeoutSeconds"] = str(seconds)
    if params.get("ThirdPartyDTMFDigits") not in (None, ""):
        digits = static_or_reference(ctx, params["ThirdPartyDTMFDigits"])
        if digits:  # an unset reference sends no digits
            if not DTMF_RE.match(digits):
                return error(note=f"ThirdPartyDTMFDigits {digits!r} is not up to 50 of 0-9 , * #")
            request["ThirdPartyDTMFDigits"] = digits
    caller_id = params.get("CallerId")
    if isinstance(caller_id, dict):
        for key in ("Number", "Name"):
            if caller_id.get(key) not in (None, ""):
                request[f"CallerId{key}"] = ctx.resolve(caller_id[key]) or ""
    answer = find_answer(ctx, action, "third_party", resources=[target], request=request)
    outcome = answer.error or answer.result or "Success"
    if outcome == "Error":
        outcome = "NoMatchingError"
    if outcome not in THIRD_PARTY_RESULTS:
        raise MockError(
            f"mocks.third_party answer for {action.identifier!r} is {outcome!r}; "
            f"use one of {', '.join(THIRD_PARTY_RESULTS)}"
        )
    dtmf = f", sent DTMF {request['ThirdPartyDTMFDigits']}" if "ThirdPartyDTMFDigits" in request else ""
    if outcome != "Success":
        return error(outcome, f"the call to {target} failed: {outcome}")
    if not resume:
        return end("transferred_to_phone", f"transferred to {target}{dtmf}")
    return success(f"talked with {target}{dtmf}; the third party hung up and the flow resumes")


def run_check_call_progress(ctx: RunContext, action: Action) -> Outcome:
    answer = find_answer(ctx, action, "call_progress")
    if answer.error:
        return error(answer.error, "call progress: error")
    if answer.result not in CALL_PROGRESS_RESULTS:
        raise MockError(
            f"mocks.call_progress answer for {action.identifier!r} is {answer.result!r}; "
            f"use one of {', '.join(CALL_PROGRESS_RESULTS)} (or error: true)"
        )
    return result(answer.result, f"call progress: {answer.result}")


def run_complete_outbound_call(ctx: RunContext, action: Action) -> Outcome:
    caller_id = action.parameters.get("CallerId")
    shown = ""
    if isinstance(caller_id, dict) and caller_id.get("Number") not in (None, ""):
        number = static_or_reference(ctx, caller_id["Number"])
        if not number:
            return error(note=f"CallerId Number {caller_id['Number']!r} is unset")
        if not E164_RE.match(number):
            return error(note=f"CallerId Number {number!r} is not an E.164 phone number")
        shown = f" with caller ID {number}"
    return success(f"called the customer at {ctx.contact.customer_endpoint or '(no number)'}{shown}")


def run_previous_participant_state(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("PreviousContactParticipantState")
    state = ctx.resolve(raw)
    if state not in PARTICIPANT_STATES:
        return error(note=f"PreviousContactParticipantState {raw!r} is {state!r}, not one of "
                     f"{', '.join(PARTICIPANT_STATES)}")
    ctx.contact.data["PreviousContactParticipantState"] = state
    return success(f"previous contact: {state}")


SPECS = (
    BlockSpec(
        action_type="TransferParticipantToThirdParty",
        run=run_transfer_to_third_party,
        console_name="Transfer to phone number",
        branches=("Success", "CallFailed", "ConnectionTimeLimitExceeded", "NoMatchingError"),
        channels=VOICE,
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Dials ThirdPartyPhoneNumber (E.164, static or a reference; malformed or unset → "
        "Error) and takes the dial outcome from the mock: Success with ContinueFlowExecution True "
        "goes on at NextAction after the third party hangs up; with False the run ends "
        "transferred_to_phone; CallFailed, ConnectionTimeLimitExceeded or Error take those "
        "branches. The outcome always needs a mock. CHAT, TASK and EMAIL take Error.",
        mocks="mocks.third_party by block or phone number: Success | CallFailed | "
        "ConnectionTimeLimitExceeded | {error: true}",
        family="telephony",
    ),
    BlockSpec(
        action_type="CheckOutboundCallStatus",
        run=run_check_call_progress,
        console_name="Check call progress",
        branches=("CallAnswered", "VoicemailBeep", "VoicemailNoBeep", "NotDetected", "NoMatchingError"),
        channels=VOICE,
        model="Tests the Conditions against the answering-machine result of the outbound call "
        "from the mock (CallAnswered, VoicemailBeep, VoicemailNoBeep, NotDetected); {error: true} "
        "takes Error. CHAT, TASK and EMAIL take Error.",
        mocks="mocks.call_progress by block: CallAnswered | VoicemailBeep | VoicemailNoBeep | NotDetected",
        family="telephony",
    ),
    BlockSpec(
        action_type="CompleteOutboundCall",
        run=run_complete_outbound_call,
        console_name="Call phone number",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        flow_types=frozenset({"OUTBOUND_WHISPER"}),
        model="Places the outbound call of an outbound whisper flow (with CallerId Number when "
        "given, E.164) and goes on at NextAction; a malformed or unset caller ID takes Error. "
        "The call itself is taken to connect.",
        family="telephony",
    ),
    BlockSpec(
        action_type="UpdatePreviousContactParticipantState",
        run=run_previous_participant_state,
        console_name="Hold customer or agent",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        flow_types=INBOUND | TRANSFER,
        model="Records PreviousContactParticipantState (AgentOnHold, CustomerOnHold, OffHold) as "
        "$.PreviousContactParticipantState; any other value takes Error. CHAT, TASK and EMAIL "
        "take Error.",
        family="telephony",
    ),
)
