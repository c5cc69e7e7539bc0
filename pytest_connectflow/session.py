"""Run-wide state of one pytest process: settings, the block registry and the flow libraries,
each flow folder read once however many scenarios use it.

Only the standard library is imported at the top: pytest imports the plugin, and with it this
module, in every run; the engine, the loaders and YAML come in when a scenario or fixture needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError, ScenarioError

if TYPE_CHECKING:
    from .blocks.registry import BlockRegistry
    from .flow.library import FlowLibrary


@dataclass
class ConnectflowSession:
    default_flows: tuple[Path, ...] = ()
    instance_file: Path | None = None
    max_steps: int = 1000
    seed: str = "0"
    strict_mocks: bool = False  # a mock no block used fails the scenario (else a warning)
    # The project's root (the ini's folder, else pytest's rootdir or the current folder): with the
    # scenario file's folder, where `{handler: package.module:function}` Lambda mocks import from.
    project_root: Path | None = None
    # Adds plugins' blocks to a new registry (the pytest_connectflow_register_blocks hook).
    register_blocks: Callable[[BlockRegistry], None] | None = None
    # keyed by the paths and the placeholders substituted in them (the same files can load twice)
    _libraries: dict[tuple[tuple[Path, ...], tuple[tuple[str, str], ...]], FlowLibrary] = field(default_factory=dict)
    _instance: Mapping[str, Any] | None = None
    _registry: BlockRegistry | None = None

    @property
    def handler_roots(self) -> tuple[str, ...]:
        return (str(self.project_root),) if self.project_root is not None else ()

    @property
    def registry(self) -> BlockRegistry:
        """The blocks of this run: the built-in ones and plugins', made on first use."""
        if self._registry is None:
            from .blocks import default_registry

            self._registry = default_registry()
            if self.register_blocks is not None:
                self.register_blocks(self._registry)
        return self._registry

    def library(self, paths: Sequence[Path] | None, placeholders: Mapping[str, str] | None = None) -> FlowLibrary:
        """The flows under `paths` (default: ini connectflow_flows), loaded once per process and
        set of placeholders (default: `placeholders` of the instance resources file)."""
        files = tuple(paths) if paths else self.default_flows
        if not files:
            raise ConfigurationError(
                "no flows to run: set `flows:` in the scenario file or the ini option connectflow_flows"
            )
        if placeholders is None:
            placeholders = self.instance().get("placeholders") or {}
        mapping = tuple(sorted((str(k), str(v)) for k, v in placeholders.items()))
        key = (files, mapping)
        if key not in self._libraries:
            from .flow.library import load_library

            self._libraries[key] = load_library(list(files), dict(mapping))
        return self._libraries[key]

    def scenario_library(self, paths: Sequence[Path] | None, *instances: Mapping[str, Any]) -> FlowLibrary:
        """The flows a scenario runs: `placeholders` of the instance resources file, then of the
        scenario file's and the scenario's `instance:`, each over the one before."""
        placeholders: dict[str, str] = dict(self.instance().get("placeholders") or {})
        for layer in instances:
            placeholders.update(layer.get("placeholders") or {})
        return self.library(paths, placeholders)

    def instance(self) -> Mapping[str, Any]:
        """The instance resources file (ini connectflow_instance), same schema as `instance:`."""
        if self._instance is None:
            self._instance = load_instance_file(self.instance_file) if self.instance_file else {}
        return self._instance


def load_instance_file(path: Path) -> Mapping[str, Any]:
    from .scenario.loader import check
    from .scenario.yaml_source import load_yaml

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


def session_from_settings(flows: Sequence[str] | None = None, max_steps: int | None = None) -> ConnectflowSession:
    """The session a command outside pytest runs with, as pytest would: the ini from the current
    folder upwards (connectflow_flows, _instance, _max_steps, _seed, _strict_mocks), `flows` and
    `max_steps` from the command line over it."""
    from .config_files import find_settings

    settings = find_settings(Path.cwd())
    paths = [Path(p).resolve() for p in flows] if flows else settings.paths("connectflow_flows")
    instance = settings.value("connectflow_instance")
    return ConnectflowSession(
        default_flows=tuple(paths),
        instance_file=(settings.root / instance) if instance else None,
        max_steps=max_steps or int(settings.value("connectflow_max_steps", "1000") or 1000),
        seed=settings.value("connectflow_seed", "0") or "0",
        strict_mocks=str(settings.value("connectflow_strict_mocks", "false")).lower() in ("true", "1", "yes"),
        project_root=settings.root,
    )
