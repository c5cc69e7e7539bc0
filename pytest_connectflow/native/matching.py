"""Does an event of the run match what an observation waits for?

MessageReceived with `Inclusion` checks that the message contains the expected text; with
`Similarity` Amazon Connect matches semantically, which offline is approximated lexically: both
texts are reduced to words (SSML tags dropped, case and punctuation ignored, the number words zero
to ten read as digits) and match when the word sequences are at least 80 % alike
(difflib's ratio, 2 × matching words / all words). docs/native-tests.md explains the choice.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..engine.instance import Instance, Resource
from ..engine.messages import Message, plain_text
from ..engine.names import lambda_function_name
from ..flow.library import arn_id
from .model import Event

SIMILARITY_THRESHOLD = 0.8
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))}
_WORD_RE = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The words a comparison looks at: SSML dropped, lower case, no punctuation, digits for
    the number words."""
    return [_NUMBER_WORDS.get(w, w) for w in _WORD_RE.findall(plain_text(text).casefold())]


def similarity(expected: str, actual: str) -> float:
    """How alike two texts are, from 0 to 1 (difflib's ratio over their words)."""
    a, b = words(expected), words(actual)
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def includes(expected: str, actual: str) -> bool:
    """Whether `actual` contains `expected`, word for word (case and punctuation ignored)."""
    wanted = " ".join(words(expected))
    return f" {wanted} " in f" {' '.join(words(actual))} "


@dataclass(frozen=True)
class MessageCheck:
    """Whether a message matches, and why not (shown when the observation fails)."""

    matched: bool
    why: str = ""
    score: float | None = None


def check_message(event: Event, message: Message, instance: Instance) -> MessageCheck:
    props = event.properties
    if "PromptId" in props:
        wanted = str(props["PromptId"])
        if message.kind != "prompt":
            return MessageCheck(False, f"a {message.kind} message, not a prompt")
        found = instance.find(instance.prompts, wanted)
        names = {message.content, arn_id(message.content), message.prompt or ""}
        ok = wanted in names or arn_id(wanted) in names or (found is not None and bool(found.keys() & names))
        return MessageCheck(ok, "" if ok else f"prompt {message.prompt or message.content}")
    media = props.get("Media")
    if isinstance(media, Mapping):
        uri = str(media.get("Uri"))
        ok = message.kind == "media" and message.content == uri
        return MessageCheck(ok, "" if ok else f"{message.kind} {message.content}")
    key = "Text" if "Text" in props else "SSML" if "SSML" in props else None
    if key is None:  # no content given: any message to the customer
        return MessageCheck(True)
    if message.kind not in ("text", "ssml", "bot"):
        return MessageCheck(False, f"a {message.kind} message ({message.text}) has no text to compare")
    expected = str(props[key])
    if event.matching == "Inclusion":
        ok = includes(expected, message.text)
        return MessageCheck(ok, "" if ok else "does not contain the expected text")
    score = similarity(expected, message.text)
    ok = score >= SIMILARITY_THRESHOLD
    return MessageCheck(ok, "" if ok else f"similarity {score:.2f} < {SIMILARITY_THRESHOLD:.2f}", score)


def same_resource(resources: Mapping[str, Resource], wanted: str, actual: str | None,
                  extra: tuple[str, ...] = ()) -> bool:
    """Whether `wanted` (as a test case names it) and `actual` (as the flow does) are one resource:
    the same ARN, Id or name, directly or through the instance resources file."""
    if not wanted:
        return True
    names = {n for n in (actual, *extra) if n}
    if not names:
        return False
    if wanted in names or arn_id(wanted) in {arn_id(n) for n in names}:
        return True
    found = Instance.find(resources, wanted)
    return found is not None and any(Instance.find(resources, n) is found for n in names)


def same_lambda(instance: Instance, wanted: str, actual: str | None) -> bool:
    if not wanted:
        return True
    if actual and lambda_function_name(wanted) == lambda_function_name(actual):
        return True
    return same_resource(instance.lambdas, wanted, actual)
