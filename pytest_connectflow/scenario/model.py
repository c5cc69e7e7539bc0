"""Parsed scenario files: what a scenario asks for, each part with its line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from .yaml_source import SourceIndex


@dataclass(frozen=True)
class Expectation:
    """One key under `expect:`; `line` is where it is written."""

    key: str
    value: Any
    line: int
    item_lines: Mapping[str, int] = field(default_factory=dict)  # line of each entry of a mapping


@dataclass(frozen=True, eq=False)
class Scenario:
    name: str
    file: Path
    line: int
    index: SourceIndex
    flow: str = ""
    channel: str = "VOICE"
    contact: Mapping[str, Any] = field(default_factory=dict)
    clock: str | None = None
    journey: Mapping[str, Any] | None = None
    native: str | None = None  # an Amazon Connect test case file to run on `flow` (native/)
    attributes: Mapping[str, str] = field(default_factory=dict)
    inputs: tuple[str | None, ...] = ()
    lambdas: Mapping[str, Any] = field(default_factory=dict)
    hours: Mapping[str, Any] = field(default_factory=dict)
    queues: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    distribution: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    instance: Mapping[str, Any] = field(default_factory=dict)
    expectations: tuple[Expectation, ...] = ()
    position: int = 0  # index in the file's `scenarios` list
    error: ScenarioError | None = None  # bad input: the item fails with this

    def expectation(self, key: str) -> Expectation | None:
        return next((e for e in self.expectations if e.key == key), None)


@dataclass(eq=False)
class ScenarioFile:
    path: Path
    scenarios: list[Scenario] = field(default_factory=list)
    flows: list[Path] | None = None  # None: the ini default
    instance: Mapping[str, Any] = field(default_factory=dict)
    error: ScenarioError | None = None  # the whole file is unreadable
    index: SourceIndex | None = None
