"""Read the project's pytest ini settings and [tool.connectflow] outside pytest (for the CLI)."""

from __future__ import annotations

import configparser
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - pytest brings tomli on 3.10
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]


@dataclass
class ProjectSettings:
    root: Path
    ini: dict[str, Any] = field(default_factory=dict)  # connectflow_* ini values
    tool: dict[str, Any] = field(default_factory=dict)  # [tool.connectflow]

    def paths(self, key: str) -> list[Path]:
        value = self.ini.get(key)
        if value is None:
            return []
        items = value if isinstance(value, list) else shlex.split(str(value))
        return [(self.root / str(item)).resolve() for item in items]

    def value(self, key: str, default: str | None = None) -> str | None:
        value = self.ini.get(key, default)
        return None if value is None else str(value)


def find_settings(start: Path) -> ProjectSettings:
    """The first of pytest.ini, pyproject.toml, tox.ini, setup.cfg with pytest settings, walking up."""
    for folder in (start, *start.parents):
        pytest_ini = folder / "pytest.ini"
        if pytest_ini.is_file():
            return ProjectSettings(folder, _ini_section(pytest_ini, "pytest"), _tool(folder))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = tomllib.loads(pyproject.read_text("utf-8"))
            ini = data.get("tool", {}).get("pytest", {}).get("ini_options")
            if ini is not None:
                return ProjectSettings(folder, dict(ini), dict(data.get("tool", {}).get("connectflow", {})))
        for name, section in (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
            path = folder / name
            if path.is_file():
                values = _ini_section(path, section)
                if values:
                    return ProjectSettings(folder, values, _tool(folder))
    return ProjectSettings(start, {}, _tool(start))


def _ini_section(path: Path, section: str) -> dict[str, Any]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return dict(parser[section]) if parser.has_section(section) else {}


def _tool(folder: Path) -> dict[str, Any]:
    pyproject = folder / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    data = tomllib.loads(pyproject.read_text("utf-8"))
    return dict(data.get("tool", {}).get("connectflow", {}))
