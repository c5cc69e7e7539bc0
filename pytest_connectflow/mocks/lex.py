"""Amazon Lex mocks: what a bot answers for one turn of Get customer input
(ConnectParticipantWithLexBot).

`mocks.lex` is keyed by the bot alias ARN, else the bot's name (the console's `lexV2BotName`, or
the classic bot's `Name`), else the block (Identifier, UUID prefix, Flow/Identifier). An answer is
a map with the keys of the scenario schema's `lex_answer`:

- ``intent``: `$.Lex.IntentName`, the value the block's Conditions are tested against;
- ``slots``, ``session_attributes``: `$.Lex.Slots`, `$.Lex.SessionAttributes`;
- ``sentiment`` (POSITIVE, NEGATIVE, NEUTRAL, MIXED), ``sentiment_scores``: `$.Lex.SentimentResponse`;
- ``confidence``: `$.Lex.IntentConfidence.Score`; ``dialog_state``: `$.Lex.DialogState`;
- ``error``: ``true`` (the bot call fails: NoMatchingError) or an ErrorType name;
- ``timeout``: ``true`` (the customer says nothing: InputTimeLimitExceeded);

or a list of such maps, one per turn (per run of a block using that key); from Python also a
string (the intent alone) or a callable that receives the turn's request and returns an answer.
The lookup follows mocks/services.py: per-key turn counts in MockState, a list run past its end
and a malformed answer are MockErrors, a missing mock is a MissingMockError naming the block.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine.values import to_text
from ..errors import ConnectflowError, MissingMockError, MockError
from ..flow.model import Action

if TYPE_CHECKING:
    from ..engine.context import RunContext

KIND = "lex"
ANSWER_KEYS = frozenset(
    {"intent", "slots", "session_attributes", "sentiment", "sentiment_scores", "confidence", "dialog_state",
     "error", "timeout", "message"}
)
SENTIMENTS = ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")


@dataclass(frozen=True)
class LexAnswer:
    """One turn of a mocked bot. `error` is an ErrorType name (None when the turn succeeded)."""

    key: str
    intent: str | None = None
    slots: Mapping[str, Any] = field(default_factory=dict)
    session_attributes: Mapping[str, Any] = field(default_factory=dict)
    sentiment: str | None = None
    sentiment_scores: Mapping[str, Any] = field(default_factory=dict)
    confidence: str | None = None
    dialog_state: str | None = None
    error: str | None = None
    timeout: bool = False
    failure: str = ""  # what a callable mock raised
    message: str | None = None  # what the bot says back to the customer


def connect_values(value: Any) -> Any:
    """Scalars as the strings Amazon Connect sees (True → "true", 1.5 → "1.5"), nested maps and
    lists kept; None stays None (an unset value)."""
    if isinstance(value, Mapping):
        return {str(k): connect_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [connect_values(v) for v in value]
    return to_text(value)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _error(value: Any) -> str | None:
    if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
        return "NoMatchingError"
    if value in (False, None) or (isinstance(value, str) and value.strip().lower() in ("false", "")):
        return None
    return str(value)


def _map(key: str, name: str, value: Any) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MockError(f"mocks.lex.{key}: {name!r} must be a map, not {value!r}")
    result: Mapping[str, Any] = connect_values(value)
    return result


def parse_answer(key: str, value: Any) -> LexAnswer:
    """One answer as written in `mocks.lex` (a map, or from Python a string: the intent)."""
    if isinstance(value, str):
        return LexAnswer(key=key, intent=value)
    if not isinstance(value, Mapping):
        raise MockError(f"mocks.lex.{key}: an answer must be a map ({', '.join(sorted(ANSWER_KEYS))}), not {value!r}")
    unknown = sorted(str(k) for k in value if k not in ANSWER_KEYS)
    if unknown:
        raise MockError(
            f"mocks.lex.{key}: unknown key(s) {', '.join(unknown)}; an answer takes {', '.join(sorted(ANSWER_KEYS))}"
        )
    sentiment = to_text(value.get("sentiment"))
    if sentiment is not None:
        sentiment = sentiment.upper()
        if sentiment not in SENTIMENTS:
            raise MockError(
                f"mocks.lex.{key}: sentiment {value.get('sentiment')!r} is not one of {', '.join(SENTIMENTS)}"
            )
    return LexAnswer(
        key=key,
        intent=to_text(value.get("intent")),
        slots=_map(key, "slots", value.get("slots")),
        session_attributes=_map(key, "session_attributes", value.get("session_attributes")),
        sentiment=sentiment,
        sentiment_scores=_map(key, "sentiment_scores", value.get("sentiment_scores")),
        confidence=to_text(value.get("confidence")),
        dialog_state=to_text(value.get("dialog_state")),
        error=_error(value.get("error")),
        timeout=_flag(value.get("timeout")),
        message=to_text(value.get("message")),
    )


def _matching_key(ctx: RunContext, action: Action, mocks: Mapping[str, Any], bots: Sequence[str]) -> str | None:
    # The bot first (its alias ARN, then its name), so one mock answers every block that talks to
    # that bot; the block only when no bot key is mocked.
    for bot in bots:
        if bot and bot in mocks:
            return bot
    for key in (action.identifier, f"{ctx.flow.name}/{action.identifier}"):
        if key in mocks:
            return key
    for key in mocks:
        try:
            ref = ctx.library.block(key)
        except ConnectflowError:  # a bot key, not a block name
            continue
        if ref.matches(ctx.flow.name, action.identifier):
            return key
    return None


def find_lex_answer(
    ctx: RunContext, action: Action, bots: Sequence[str], request: Mapping[str, Any] | None = None
) -> LexAnswer:
    """The bot's answer for this turn: by bot alias ARN, bot name (in `bots`, in that order), else
    by block. Missing → MissingMockError; a list answers one turn per entry."""
    mocks: Mapping[str, Any] = ctx.mocks.mocks.services.get(KIND, {})
    key = _matching_key(ctx, action, mocks, bots)
    if key is None:
        wanted = ", ".join(dict.fromkeys([*[b for b in bots if b], action.identifier]))
        known = ", ".join(mocks) or "none"
        raise MissingMockError(
            f"{ctx.where(action)} needs an Amazon Lex bot answer, which has no mock; "
            f"add mocks.{KIND} keyed by one of: {wanted} (mocked: {known})",
            kind=KIND,
            key=action.identifier,
        )
    ctx.mocks.used.add((KIND, key))
    value = ctx.mocks.take_turn(ctx.mocks.service_call_counts, f"{KIND}:{key}", mocks[key], lambda listed, calls: (
        f"mocks.{KIND}.{key} lists {listed} answer(s) but the bot was asked {calls} times (at {action.identifier!r})"
    ))
    if callable(value):
        try:
            value = value(dict(request or {}))
        except Exception as exc:  # the bot failed: the block takes its Error branch
            return LexAnswer(key=key, error="NoMatchingError", failure=f"{type(exc).__name__}: {exc}")
    return parse_answer(key, value)
