"""Get customer input with Amazon Lex (ConnectParticipantWithLexBot): the bot's answer comes from
mocks.lex; the customer's utterance is the next scripted input."""

from __future__ import annotations

from typing import Any

from ..engine.context import RunContext
from ..engine.messages import outgoing, send
from ..engine.outcome import Outcome, error, result
from ..errors import MockError
from ..flow.model import Action
from ..mocks.lex import LexAnswer, find_lex_answer
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, VOICE, BlockSpec

LEX_ERRORS = ("NoMatchingError", "InputTimeLimitExceeded")
# Amazon Lex V2 caps an utterance's recording at 15 s (x-amz-lex:audio:max-length-ms); Connect
# takes Error when the block asks for more (FLOW-LANGUAGE.md 5.15).
MAX_LENGTH_MS = 15000


def _bot(ctx: RunContext, action: Action) -> tuple[str, list[str]] | str:
    """(how the bot is named in the note, the mock keys in lookup order), or what is wrong."""
    params = action.parameters
    meta = action.metadata
    if "LexV2Bot" in params:
        v2 = params["LexV2Bot"]
        raw = v2.get("AliasArn") if isinstance(v2, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            return "LexV2Bot.AliasArn is missing or empty"
        arn = ctx.resolve(raw)
        if not arn:
            return f"LexV2Bot.AliasArn {raw!r} is unset"
        if not (arn.startswith("arn:") and ":bot-alias/" in arn):
            return f"LexV2Bot.AliasArn {arn!r} is not a Lex V2 bot alias ARN"
        names = [meta.get("lexV2BotName")]
        param_meta = meta.get("parameters")
        if isinstance(param_meta, dict):
            alias_meta = (param_meta.get("LexV2Bot") or {}).get("AliasArn")
            if isinstance(alias_meta, dict):
                names.append(alias_meta.get("lexV2BotName"))
        # The instance resources file names bots by their alias ARN (lex_bots), before the console.
        known = ctx.instance.find(ctx.instance.lex_bots, arn)
        keys = [arn, *([known.name] if known else []), *[str(n) for n in names if isinstance(n, str) and n]]
        # The bot Id (…/bot-alias/BOTID/ALIASID) names the bot too when the console kept no name.
        parts = arn.split(":bot-alias/", 1)[-1].split("/")
        if len(parts) == 2 and parts[0]:
            keys.append(parts[0])
        return arn, list(dict.fromkeys(keys))
    if "LexBot" in params:
        classic = params["LexBot"]
        raw = classic.get("Name") if isinstance(classic, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            return "LexBot.Name is missing or empty"
        name = ctx.resolve(raw)
        if not name:
            return f"LexBot.Name {raw!r} is unset"
        alias = ctx.resolve(classic.get("Alias")) if isinstance(classic, dict) else None
        return (f"{name} ({alias})" if alias else name), [name]
    return "the block names no bot (LexV2Bot or LexBot)"


def _session_attributes(ctx: RunContext, action: Action) -> dict[str, str] | str:
    raw = action.parameters.get("LexSessionAttributes")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        return f"LexSessionAttributes must be a map, not {raw!r}"
    sent = ctx.resolve_map(raw)
    for key, value in sent.items():
        if ":max-length-ms" in key:
            try:
                too_long = int(value) > MAX_LENGTH_MS
            except ValueError:
                return f"session attribute {key} {value!r} is not a number of milliseconds"
            if too_long:
                return f"session attribute {key} is {value} ms; Amazon Lex allows at most {MAX_LENGTH_MS}"
    return sent


def _timeout_seconds(ctx: RunContext, action: Action) -> str | None:
    """What is wrong with LexTimeoutSeconds (the chat inactivity timer), None when it is fine."""
    raw = action.parameters.get("LexTimeoutSeconds")
    if raw is None:
        return None
    text = raw.get("Text") if isinstance(raw, dict) else None
    value = ctx.resolve(text) if text is not None else None
    try:
        seconds = int(str(value))
    except ValueError:
        return f"LexTimeoutSeconds {raw!r} is not a number of seconds"
    return None if seconds > 0 else f"LexTimeoutSeconds {seconds} is not a positive number of seconds"


def _lex_data(answer: LexAnswer, sent: dict[str, str]) -> dict[str, Any]:
    """$.Lex after a turn: only what the bot returned (an unset value stays unset)."""
    lex: dict[str, Any] = {
        "IntentName": answer.intent,
        "Slots": dict(answer.slots),
        # Lex returns the session attributes the block sent, with the bot's changes on top.
        "SessionAttributes": {**sent, **answer.session_attributes},
        "DialogState": answer.dialog_state,
    }
    if answer.confidence is not None:
        lex["IntentConfidence"] = {"Score": answer.confidence}
    if answer.sentiment is not None or answer.sentiment_scores:
        lex["SentimentResponse"] = {"Label": answer.sentiment, "Scores": dict(answer.sentiment_scores)}
    return {k: v for k, v in lex.items() if v is not None}


def run_lex(ctx: RunContext, action: Action) -> Outcome:
    bot = _bot(ctx, action)
    if isinstance(bot, str):
        return error(note=bot)
    label, keys = bot
    message = outgoing(ctx, action)
    if message is None:
        return error(note=f"PromptId {action.parameters.get('PromptId')!r} is unset")
    sent = _session_attributes(ctx, action)
    if isinstance(sent, str):
        return error(note=sent)
    problem = _timeout_seconds(ctx, action)
    if problem:
        return error(note=problem)
    kind, text = message
    send(ctx, action, kind, text)
    said = [] if kind == "none" or not text.strip() else [f"{kind}: {text}" if kind != "Text" else repr(text)]
    # The bot's previous answer is gone as soon as the block talks to it again.
    ctx.contact.lex = {}
    has_input, utterance = ctx.take_input()
    if has_input and utterance is None:
        return error("InputTimeLimitExceeded", "; ".join([*said, "the customer said nothing"]))
    if has_input:
        said.append(f"customer said {utterance!r}")
    request = {
        "utterance": utterance,
        "bot": keys[0],
        "session_attributes": dict(sent),
        "channel": ctx.contact.channel,
        "locale": ctx.contact.language_code,
    }
    answer = find_lex_answer(ctx, action, keys, request)
    if answer.error is not None and answer.error not in LEX_ERRORS:
        raise MockError(
            f"mocks.lex.{answer.key}: error {answer.error!r} is not an error of the Lex block; "
            f"use true (NoMatchingError) or timeout: true (InputTimeLimitExceeded)"
        )
    if answer.error is not None:
        why = f"{label} failed" + (f" ({answer.failure})" if answer.failure else "")
        return error(answer.error, "; ".join([*said, why]))
    if answer.timeout:
        return error("InputTimeLimitExceeded", "; ".join([*said, f"{label}: no input before the timeout"]))
    ctx.contact.lex = _lex_data(answer, sent)
    if answer.message:
        send(ctx, action, "bot", answer.message)  # the bot's reply, heard by the customer
    outcome = f"intent {answer.intent}" if answer.intent is not None else "no intent"
    return result(answer.intent, "; ".join([*said, outcome]))


SPECS = (
    BlockSpec(
        action_type="ConnectParticipantWithLexBot",
        run=run_lex,
        console_name="Get customer input (Amazon Lex)",
        branches=("<intent>", "NoMatchingCondition", "InputTimeLimitExceeded", "NoMatchingError"),
        channels=VOICE | {"CHAT"},
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Sends the prompt, takes the next scripted input as the customer's utterance (null: "
        "InputTimeLimitExceeded) and answers the turn from mocks.lex: the intent is tested against "
        "the Conditions and $.Lex (IntentName, Slots, SessionAttributes, IntentConfidence, "
        "SentimentResponse, DialogState) is replaced; error → NoMatchingError, timeout → "
        "InputTimeLimitExceeded. TASK and EMAIL take Error.",
        mocks="mocks.lex by bot alias ARN, else bot name, else block (a list: one answer per turn)",
        family="lex",
    ),
)
