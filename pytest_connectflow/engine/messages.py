"""What the customer (or, in agent whisper and hold flows, the agent) is sent: every prompt,
message and bot reply, in order, as the blocks render it."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ..flow.library import arn_id
from ..flow.model import Action
from .names import display_name

if TYPE_CHECKING:
    from .context import RunContext

MessageKind = Literal["text", "ssml", "prompt", "media", "bot"]
PROMPT_KEYS = ("Text", "SSML", "PromptId", "Media")
_KINDS: dict[str, MessageKind] = {"Text": "text", "SSML": "ssml", "PromptId": "prompt", "Media": "media"}
# Flows whose messages go to the agent (DESIGN.md "Time in a journey"): not what the customer hears.
AGENT_FLOW_TYPES = frozenset({"AGENT_WHISPER", "AGENT_HOLD"})
_new = tuple.__new__  # Message(...) with positional fields, the cheapest way to make one per prompt
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


def plain_text(text: str) -> str:
    """SSML tags stripped, entities decoded, whitespace collapsed: what a test compares."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text))).strip()


class Message(NamedTuple):
    """One message sent. `content` is the rendered Text or SSML, the prompt's ARN or Id, the media
    URI or the bot's reply; `prompt` the prompt's name. (A NamedTuple: one is made per prompt.)"""

    kind: MessageKind
    content: str
    block: str
    flow: str
    channel: str
    to: Literal["customer", "agent"] = "customer"
    step: int = 0
    prompt: str | None = None

    @property
    def text(self) -> str:
        """The message as a test reads it: plain text; a prompt by its name; media by its URI."""
        if self.kind == "prompt":
            return self.prompt or self.content
        return plain_text(self.content) if self.kind in ("text", "ssml", "bot") else self.content

    def describe(self) -> str:
        shown = {"prompt": f"prompt {self.prompt or self.content}", "media": f"media {self.content}"}.get(
            self.kind, repr(self.text)
        )
        return f"{shown}  ({self.block}, {self.kind})"


def outgoing(
    ctx: RunContext, action: Action, params: Mapping[str, Any] | None = None
) -> tuple[str, str] | None:
    """The message a block's parameters ask to send: (parameter, rendered content), ("none", "")
    without one, None when a PromptId reference is unset. An unset reference in text renders as
    an empty string (DESIGN.md "References")."""
    given = action.parameters if params is None else params
    text = given.get("Text")
    if isinstance(text, str):  # the common case first
        return "Text", ctx.render(text)
    for key in PROMPT_KEYS:
        if key not in given:
            continue
        raw = given[key]
        if key == "Media":
            uri = raw.get("Uri") if isinstance(raw, dict) else None
            return ("Media", ctx.render(str(uri))) if uri else None
        if key in ("Text", "SSML"):
            return key, ctx.render(str(raw))
        value = ctx.resolve(raw)
        return None if value is None else (key, value)
    return ("none", "")


def send(ctx: RunContext, action: Action, parameter: str, content: str) -> None:
    """Record a message of `parameter` kind (Text, SSML, PromptId, Media, or "bot")."""
    if parameter == "none" or (parameter in ("Text", "SSML") and not content.strip()):
        return  # nothing said ("Text": " " is how the console sends no prompt)
    kind: MessageKind = _KINDS.get(parameter, "bot")
    prompt = None
    if kind == "prompt":
        found = ctx.instance.find(ctx.instance.prompts, content)
        prompt = found.name if found else display_name(action, "PromptId") or arn_id(content)
    frame = ctx.frames[-1]
    to: Literal["customer", "agent"] = "agent" if frame.flow_type in AGENT_FLOW_TYPES else "customer"
    ctx.messages.append(
        _new(Message, (kind, content, action.identifier, frame.flow.name, ctx.contact.channel, to, ctx.step, prompt))
    )
