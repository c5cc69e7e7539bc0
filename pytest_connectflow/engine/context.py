"""What a block sees while it runs: the contact, the current flow run, the instance and mocks."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..flow.library import FlowLibrary
from ..flow.model import Action, Flow
from . import names, values
from .contact import Contact
from .instance import Instance
from .trace import Trace

if TYPE_CHECKING:
    from ..mocks import MockState
    from .messages import Message

# Namespaces a module starts without and gets back when it returns ("Flow modules for reusable
# functions": a module cannot use the caller's External, Lex, stored input, metrics, profiles...).
MODULE_LOCAL_DATA = ("Metrics", "Customer", "Wisdom")


@dataclass
class Frame:
    """One flow run: TransferToFlow replaces it; InvokeFlowModule pushes one for the module."""

    flow: Flow
    flow_type: str
    flow_attributes: dict[str, str] = field(default_factory=dict)
    loop_counters: dict[str, int] = field(default_factory=dict)
    return_to: Action | None = None  # the caller's InvokeFlowModule block
    saved: dict[str, Any] = field(default_factory=dict)  # caller's slots while a module runs

    @property
    def is_module(self) -> bool:
        return self.flow.is_module


def flow_type_of(flow: Flow, instance: Instance) -> str | None:
    """The type a flow states (wrapper, legacy, Metadata), else the instance's `flow_types`."""
    if flow.declared_type:
        return flow.declared_type
    for key in (flow.name, flow.stem, flow.id, flow.arn):
        if key and key in instance.flow_types:
            return instance.flow_types[key]
    return None


class RunContext:
    """Per-run state and helpers handed to every block. One per run; never shared."""

    def __init__(
        self,
        *,
        contact: Contact,
        library: FlowLibrary,
        instance: Instance,
        mocks: MockState,
        inputs: list[str | None],
        seed: str = "0",
    ) -> None:
        self.contact = contact
        self.library = library
        self.instance = instance
        self.mocks = mocks
        self.inputs = inputs
        self.seed = seed
        self.frames: list[Frame] = []
        self.step = 0
        self.run_notes: list[str] = []
        self.random_draws: dict[str, int] = {}
        self.messages: list[Message] = []  # what the customer (or agent) was sent, in order
        # $.Attributes and a bound on its characters, kept by Set contact attributes (its size check).
        self.attribute_chars: tuple[Mapping[str, str], int, int] | None = None  # (map, its length, bound)
        # Set by `connectflow explore`: decides outside results instead of the mocks (runner.Decide).
        self.decide: Any = None
        self.registry: Any = None  # the BlockRegistry (set by runner.start_run)
        self.max_steps = 1000
        self.trace: Trace = Trace(instance=instance)
        # Simulated time in seconds since the contact entered the queue (DESIGN.md "Time in a
        # journey"); it only passes when `deadline` is set: the instant the next event comes.
        self.now = 0.0
        self.deadline: float | None = None
        self.deadline_reason = ""

    # the current flow run --------------------------------------------------------------------
    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    @property
    def flow(self) -> Flow:
        return self.frame.flow

    @property
    def flow_type(self) -> str:
        return self.frame.flow_type

    def where(self, action: Action) -> str:
        return f"block {action.identifier!r} ({action.type}) of flow {self.flow.name!r} at {self.flow.where(action)}"

    # values ----------------------------------------------------------------------------------
    def lookup(self, parts: Sequence[str]) -> Any:
        """The value a reference points at, or None when unset."""
        if not parts:
            return None
        c = self.contact
        if len(parts) == 2 and parts[0] == "Attributes":  # the common case, kept cheap
            return c.attributes.get(parts[1])
        head, rest = parts[0], parts[1:]
        if head == "Attributes":
            return values.walk(c.attributes, rest)
        if head == "FlowAttributes":
            return values.walk(self.frame.flow_attributes, rest)
        if head == "External":
            return values.walk(c.external, rest)
        if head == "Lex":
            return values.walk(c.lex, rest)
        if head == "StoredCustomerInput":
            return c.stored_input if not rest else None
        system = self._system_data()
        if head in system:
            return values.walk(system[head], rest)
        return values.walk(c.data.get(head), rest)

    def _system_data(self) -> dict[str, Any]:
        c = self.contact
        queue = None
        if c.queue is not None:
            queue = {"Name": c.queue.name, "ARN": c.queue.arn, "Id": c.queue.id}
        audio: dict[str, Any] = {}
        if c.media.stream_arn:
            audio = {
                "StreamARN": c.media.stream_arn,
                "StartTimestamp": c.media.start_timestamp,
                "StopTimestamp": c.media.stop_timestamp,
                "StartFragmentNumber": c.media.start_fragment_number,
            }
        return {
            "Channel": c.channel,
            "ContactId": c.contact_id,
            "InitialContactId": c.initial_contact_id,
            "PreviousContactId": c.previous_contact_id,
            "InitiationMethod": c.initiation_method,
            "InstanceARN": self.instance.arn,
            "AwsRegion": self.instance.region,
            "LanguageCode": c.language_code,
            "TextToSpeechVoiceId": c.tts_voice,
            "CustomerEndpoint": {"Address": c.customer_endpoint, "Type": "TELEPHONE_NUMBER"}
            if c.customer_endpoint
            else None,
            "SystemEndpoint": {"Address": c.system_endpoint, "Type": "TELEPHONE_NUMBER"}
            if c.system_endpoint
            else None,
            "Queue": queue,
            "MediaStreams": {"Customer": {"Audio": audio}} if audio else None,
            **c.contact_data,
        }

    def resolve(self, value: Any) -> str | None:
        """A parameter value with references resolved (a whole unset reference gives None)."""
        if value.__class__ is str and "$" not in value:
            return value  # a literal: nothing to look up
        return values.resolve(value, self.lookup)

    def render(self, text: str) -> str:
        """Text with every embedded reference replaced by its value (unset → empty string)."""
        if "$" not in text:
            return text
        return values.render(text, self.lookup)

    def resolve_map(self, raw: Mapping[str, Any] | None) -> dict[str, str]:
        """A map of parameters (Lambda parameters, attributes) with every value resolved;
        an unset reference becomes an empty string. (A loop, not a comprehension: most values
        are literals, which need no call.)"""
        out: dict[str, str] = {}
        for key, value in (raw or {}).items():
            if value.__class__ is not str or "$" in value:
                value = self.resolve(value) or ""
            out[key if key.__class__ is str else str(key)] = value
        return out

    def random(self, action: Action) -> random.Random:
        """A random generator for this run of `action`, repeatable from the seed."""
        runs = self.random_draws.get(action.identifier, 0)
        self.random_draws[action.identifier] = runs + 1
        return random.Random(f"{self.seed}:{self.flow.name}/{action.identifier}:{runs}")

    # customer input --------------------------------------------------------------------------
    def current_time(self) -> datetime | None:
        """The simulated wall-clock time: the scenario's clock plus the time spent in the journey."""
        clock = self.contact.clock
        return None if clock is None else clock + timedelta(seconds=self.now)

    def take_input(self) -> tuple[bool, str | None]:
        """The next scripted input: (False, None) when none is left; (True, None) for a timeout."""
        if not self.inputs:
            return False, None
        return True, self.inputs.pop(0)

    # names -----------------------------------------------------------------------------------
    display_name = staticmethod(names.display_name)

    def resource_name(self, ref: str, action: Action, parameter: str, kind: str) -> str:
        return names.resource_name(self.instance, ref, action, parameter, kind)

    def resolve_flow(self, ref: str | None, action: Action, parameter: str) -> Flow | None:
        return self.library.resolve_reference(ref or "", self.display_name(action, parameter))

    def flow_type_of(self, flow: Flow) -> str | None:
        return flow_type_of(flow, self.instance)

    def note(self, text: str) -> None:
        self.run_notes.append(text)


lambda_function_name = names.lambda_function_name
