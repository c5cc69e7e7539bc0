"""Run-wide state of one pytest process: settings, the block registry and the flow libraries,
each flow folder read once however many scenarios use it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .blocks.registry import BlockRegistry
from .errors import ConfigurationError, ScenarioError
from .flow.library import FlowLibrary, load_library
from .scenario.loader import check
from .scenario.yaml_source import load_yaml


@dataclass
class ConnectflowSession:
    registry: BlockRegistry
    default_flows: tuple[Path, ...] = ()
    instance_file: Path | None = None
    max_steps: int = 1000
    seed: str = "0"
    _libraries: dict[tuple[Path, ...], FlowLibrary] = field(default_factory=dict)
    _instance: Mapping[str, Any] | None = None

    def library(self, paths: Sequence[Path] | None) -> FlowLibrary:
        """The flows under `paths` (default: ini connectflow_flows), loaded once per process."""
        key = tuple(paths) if paths else self.default_flows
        if not key:
            raise ConfigurationError(
                "no flows to run: set `flows:` in the scenario file or the ini option connectflow_flows"
            )
        if key not in self._libraries:
            self._libraries[key] = load_library(list(key))
        return self._libraries[key]

    def instance(self) -> Mapping[str, Any]:
        """The instance resources file (ini connectflow_instance), same schema as `instance:`."""
        if self._instance is None:
            self._instance = load_instance_file(self.instance_file) if self.instance_file else {}
        return self._instance


def load_instance_file(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise ConfigurationError(f"cannot read the instance resources file: {exc.strerror}", where=str(path)) from None
    data, index = load_yaml(text, str(path))
    if data is None:
        return {}
    problem = check(data, "instance", index, ())
    if problem is not None:
        raise ConfigurationError(problem.message, where=problem.where)
    if not isinstance(data, dict):
        raise ScenarioError("the instance resources file must be a mapping", where=str(path))
    return data
