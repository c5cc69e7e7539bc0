"""Blocks that talk with the customer: Play prompt / Send message, Loop prompts, Get and Store
customer input."""

from __future__ import annotations

import re
from typing import Any

from ..engine.context import RunContext
from ..engine.messages import PROMPT_KEYS, outgoing, send
from ..engine.outcome import Outcome, end, error, result, success
from ..flow.model import Action
from . import checks
from .registry import CUSTOMER_QUEUE, HOLD, INBOUND, TRANSFER, VOICE, WHISPER, BlockSpec


def run_message(ctx: RunContext, action: Action) -> Outcome:
    message = outgoing(ctx, action)
    if message is None:
        return error(note="the message's reference is unset")
    kind, text = message
    if kind == "none":
        return error(note="the block has no Text, SSML, PromptId or Media")
    send(ctx, action, kind, text)
    return success(f"{kind}: {text}" if kind != "Text" else text)


def run_iterative_messages(ctx: RunContext, action: Action) -> Outcome:
    messages = action.parameters.get("Messages")
    if not isinstance(messages, list) or not messages:
        return error(note="Messages must be a non-empty list")
    for entry in messages:
        if isinstance(entry, dict):
            message = outgoing(ctx, action, entry)
            if message is not None:
                send(ctx, action, *message)
    interval = action.parameters.get("InterruptFrequencySeconds")
    if interval in (None, ""):
        # Without an interrupt the prompts loop until an agent answers or hold ends.
        return end("flow_ended", "the prompts loop until an agent answers (no journey to end them)")
    return result("MessagesInterrupted", f"interrupted after {interval} s")


_DIGITS_RE = re.compile(r"^[0-9*#]+$")


def run_get_input(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    message = outgoing(ctx, action)
    if message is None:
        return error(note="the prompt's reference is unset")
    send(ctx, action, *message)
    store = str(params.get("StoreInput", "False")).lower() == "true"
    has_input, value = ctx.take_input()
    if store:
        return _store_input(ctx, action, value if has_input else None)
    if not has_input or value is None or value == "":
        why = "no input left" if not has_input else "the customer entered nothing"
        return error("InputTimeLimitExceeded", why)
    return result(value[0], f"customer pressed {value[0]}")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _store_input(ctx: RunContext, action: Action, value: str | None) -> Outcome:
    params = action.parameters
    if value is None or value == "":
        ctx.contact.stored_input = "Timeout"
        return success("nothing entered: stored Timeout")
    dtmf = _object(params.get("DTMFConfiguration"))
    terminator = str(dtmf.get("InputTerminationSequence") or "#")
    if terminator and terminator in value:
        value = value.split(terminator, 1)[0]
    validation = _object(params.get("InputValidation"))
    custom = validation.get("CustomValidation") if isinstance(validation.get("CustomValidation"), dict) else None
    phone = validation.get("PhoneNumberValidation")
    if custom is not None:
        try:
            maximum = int(str(custom.get("MaximumLength", "20")))
        except ValueError:
            return error(note=f"MaximumLength {custom.get('MaximumLength')!r} is not a number")
        value = value[:maximum]
    if isinstance(phone, dict):
        number = _phone_number(value, str(phone.get("NumberFormat", "E164")), str(phone.get("CountryCode", "")))
        if number is None:
            return error("InvalidPhoneNumber", f"{value!r} is not a valid phone number")
        value = number
    ctx.contact.stored_input = value
    return success(f"stored {value!r}")


_COUNTRY_CODES = {"US": "1", "CA": "1", "GB": "44", "AU": "61", "DE": "49", "FR": "33", "JP": "81", "NZ": "64",
                  "IE": "353", "IN": "91", "ES": "34", "IT": "39", "MX": "52", "BR": "55", "ZA": "27"}


def _phone_number(digits: str, number_format: str, country: str) -> str | None:
    """E.164 normalisation: E164 expects country code and number; Local prefixes the country's code.
    Numbers must have 8 to 15 digits in all (ITU-T E.164)."""
    digits = digits.lstrip("+")
    if not digits.isdigit():
        return None
    if number_format.lower() == "local":
        code = _COUNTRY_CODES.get(country.upper())
        if code is None:
            return None
        if code == "1" and len(digits) != 10:
            return None
        digits = code + digits.lstrip("0")
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        return None
    return "+" + digits


def check_message(action: Action) -> list[checks.Finding]:
    return checks.one_of(action, PROMPT_KEYS)


def check_iterative(action: Action) -> list[checks.Finding]:
    messages = action.parameters.get("Messages")
    if not isinstance(messages, list) or not messages:
        return checks.errors("parameter Messages must be a non-empty list of {Text|SSML|PromptId|Media}")
    return []


_DTMF_KEYS = frozenset("0123456789*#")


def check_get_input(action: Action) -> list[checks.Finding]:
    problems = checks.one_of(action, PROMPT_KEYS) if any(k in action.parameters for k in PROMPT_KEYS) else []
    store = str(action.parameters.get("StoreInput", "False")).lower()
    if store not in ("true", "false"):
        shown = action.parameters.get("StoreInput")
        problems += checks.errors(f"parameter StoreInput must be True or False, not {shown!r}")
    if store == "true":
        if not isinstance(action.parameters.get("InputValidation"), dict):
            problems += checks.errors("Store customer input (StoreInput True) needs InputValidation")
        if action.conditions:
            problems += checks.errors("Store customer input takes no Conditions")
    else:
        # Seconds until the first key; the console offers up to 179, real exports hold more.
        problems += checks.whole_number(action, "InputTimeLimitSeconds", 1, optional=True)
        problems += checks.errors(*(
            f"menu condition {c.operator} {c.operand!r}: only Equals with one key 0-9, * or #"
            for c in action.conditions if c.operator != "Equals" or c.operand not in _DTMF_KEYS
        ))
    return problems


INPUT_FLOW_TYPES = INBOUND | CUSTOMER_QUEUE | TRANSFER

SPECS = (
    BlockSpec(
        action_type="MessageParticipant",
        run=run_message,
        console_name="Play prompt / Send message",
        branches=("Success", "NoMatchingError"),
        channels=frozenset({"VOICE", "CHAT", "EMAIL"}),
        noop_channels=frozenset({"TASK"}),
        flow_types=INBOUND | CUSTOMER_QUEUE | WHISPER | TRANSFER,
        model="Renders Text/SSML (references substituted), PromptId or Media and notes it in the "
        "trace; Error when the message's reference is unset. TASK: Success, no effect; not in hold flows.",
        family="interaction",
        check=check_message,
    ),
    BlockSpec(
        action_type="MessageParticipantIteratively",
        run=run_iterative_messages,
        console_name="Loop prompts",
        branches=("MessagesInterrupted", "NoMatchingError"),
        channels=VOICE,
        flow_types=CUSTOMER_QUEUE | HOLD,
        model="With InterruptFrequencySeconds takes MessagesInterrupted after one pass; without it "
        "the prompts loop until an agent answers, which ends a run that has no journey (flow_ended).",
        family="interaction",
        check=check_iterative,
    ),
    BlockSpec(
        action_type="GetParticipantInput",
        run=run_get_input,
        console_name="Get customer input / Store customer input",
        branches=("<digit>", "InputTimeLimitExceeded", "NoMatchingCondition", "InvalidPhoneNumber",
                  "NoMatchingError", "Success"),
        channels=VOICE,
        flow_types=INPUT_FLOW_TYPES,
        model="Consumes the next scripted input. Menu (StoreInput False): the input's first key is "
        "tested against the Conditions; no input left or null → InputTimeLimitExceeded. Store "
        "(StoreInput True): digits up to the termination key (stripped) and MaximumLength into "
        "$.StoredCustomerInput ('Timeout' when nothing entered); phone validation gives "
        "InvalidPhoneNumber. CHAT/TASK/EMAIL take Error and consume nothing.",
        mocks="inputs",
        family="interaction",
        check=check_get_input,
    ),
)
