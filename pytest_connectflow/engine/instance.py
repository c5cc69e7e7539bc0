"""The simulated Amazon Connect instance: settings and the resources flows name by ARN or Id."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigurationError
from ..flow.library import arn_id
from ..mocks.schedule import Schedule, parse_schedule
from .contact import QueueRef

DEFAULT_INSTANCE_ARN = "arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-4000-8000-00000000cafe"


@dataclass(frozen=True)
class Resource:
    """A named instance resource (queue, hours, prompt, Lambda function, Lex bot): its name with
    its ARN and Id, and what the kind adds."""

    name: str
    arn: str | None = None
    id: str | None = None
    hours: str | None = None  # queues: the name, Id or ARN of their hours of operation
    customer_queue_flow: str | None = None  # queues: their default customer queue flow
    schedule: Schedule | None = None  # hours: the weekly schedule, evaluated against the clock
    duration: float | None = None  # prompts: seconds they play
    alias_arn: str | None = None  # Lex bots: the alias ARN flows name

    def keys(self) -> set[str]:
        keys = {self.name}
        for arn in (self.arn, self.alias_arn):
            if arn:
                keys |= {arn, arn_id(arn)}
        if self.id:
            keys.add(self.id)
        return keys


def _resources(raw: Mapping[str, Any] | None, kind: str = "") -> dict[str, Resource]:
    out: dict[str, Resource] = {}
    for name, spec in (raw or {}).items():
        spec = spec or {}
        duration = spec.get("duration")
        out[str(name)] = Resource(
            name=str(name),
            arn=spec.get("arn"),
            id=spec.get("id"),
            hours=spec.get("hours"),
            customer_queue_flow=spec.get("customer_queue_flow"),
            schedule=parse_schedule(str(name), spec) if kind == "hours" else None,
            duration=float(duration) if duration is not None else None,
            alias_arn=spec.get("alias_arn"),
        )
    return out


@dataclass(frozen=True)
class Instance:
    """What the instance resources file (and a scenario's `instance:`) describes."""

    live_media_streaming: bool = True
    queues: Mapping[str, Resource] = field(default_factory=dict)
    hours: Mapping[str, Resource] = field(default_factory=dict)
    lambdas: Mapping[str, Resource] = field(default_factory=dict)
    prompts: Mapping[str, Resource] = field(default_factory=dict)
    lex_bots: Mapping[str, Resource] = field(default_factory=dict)
    flow_types: Mapping[str, str] = field(default_factory=dict)
    arn: str = DEFAULT_INSTANCE_ARN
    # The flow each journey event runs when no hook names one (customer_queue, customer_hold,
    # agent_hold, customer_whisper, agent_whisper, outbound_whisper), and the quick connects.
    default_flows: Mapping[str, str] = field(default_factory=dict)
    quick_connects: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Template placeholders (${QueueArn}, %%NAME%%...) → values; used when flows are loaded.
    placeholders: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Instance:
        raw = raw or {}
        try:
            return cls._from_mapping(raw)
        except (AttributeError, TypeError, ValueError) as exc:
            # YAML is checked against the schema first; from Python anything can come.
            raise ConfigurationError(
                f"instance settings of the wrong shape ({type(exc).__name__}: {exc}); they follow the "
                "schema of the instance resources file (queues: {NAME: {arn: ...}}, hours: ...)"
            ) from None

    @classmethod
    def _from_mapping(cls, raw: Mapping[str, Any]) -> Instance:
        return cls(
            live_media_streaming=bool(raw.get("live_media_streaming", True)),
            queues=_resources(raw.get("queues")),
            hours=_resources(raw.get("hours"), "hours"),
            lambdas=_resources(raw.get("lambdas")),
            prompts=_resources(raw.get("prompts")),
            lex_bots=_resources(raw.get("lex_bots")),
            flow_types=dict(raw.get("flow_types") or {}),
            arn=str(raw.get("arn") or DEFAULT_INSTANCE_ARN),
            placeholders={str(k): str(v) for k, v in (raw.get("placeholders") or {}).items()},
            default_flows={str(k): str(v) for k, v in (raw.get("default_flows") or {}).items()},
            quick_connects={str(k): {str(a): str(b) for a, b in (v or {}).items()}
                            for k, v in (raw.get("quick_connects") or {}).items()},
        )

    @property
    def account(self) -> str:
        parts = self.arn.split(":")
        return parts[4] if len(parts) > 4 and parts[4] else "123456789012"

    @property
    def region(self) -> str:
        parts = self.arn.split(":")
        return parts[3] if len(parts) > 3 else "us-east-1"

    def queue_ref(self, ref: str, display: str | None = None) -> QueueRef:
        """A queue named by name, Id or ARN, with its name from this instance, else `display`,
        else the ARN's last segment."""
        resource = self.find(self.queues, ref)
        if resource is not None:
            rid = resource.id or (arn_id(resource.arn) if resource.arn else None)
            return QueueRef(resource.name, resource.arn, rid)
        return QueueRef(display or arn_id(ref), ref if ref.startswith("arn:") else None, arn_id(ref))

    @staticmethod
    def find(resources: Mapping[str, Resource], ref: str) -> Resource | None:
        """A resource by name, ARN or Id."""
        if ref in resources:
            return resources[ref]
        for res in resources.values():
            if ref in res.keys() or arn_id(ref) in res.keys():
                return res
        return None


def merge_instance_dicts(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge instance settings, later layers over earlier ones (one level deep for resource maps)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged
