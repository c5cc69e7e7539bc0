"""docs/errors.md is true: every entry's minimal input raises that error class with that message, and
every error class of pytest_connectflow.errors has an entry.

An entry is a `### ClassName: title` section holding a `Message:` block (`*` stands for the parts
that vary) and either `File `path`:` blocks (flows/, scenario files, instance.yaml) or a
`Python:` block run in the folder of those files.
"""

from __future__ import annotations

import inspect
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pytest_connectflow import errors
from pytest_connectflow.errors import ConnectflowError, ConnectflowWarning
from pytest_connectflow.flow.loaders import load_path
from pytest_connectflow.scenario.loader import load_scenario_file
from pytest_connectflow.scenario.runner import run_scenario
from pytest_connectflow.session import ConnectflowSession

CATALOGUE = Path(__file__).resolve().parents[1] / "docs" / "errors.md"
WARNING = "warning"  # an entry for a warning `connectflow validate` lists on a flow (not a class)


@dataclass
class Entry:
    kind: str
    title: str
    message: str = ""
    files: dict[str, str] = field(default_factory=dict)
    python: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind}: {self.title}"


_BLOCK = re.compile(r"^(?P<label>Message:|Python:|File `(?P<path>[^`]+)`:)\s*\n+```[a-z]*\n(?P<body>.*?)^```",
                    re.M | re.S)


def entries() -> list[Entry]:
    found = []
    for section in re.split(r"^### ", CATALOGUE.read_text("utf-8"), flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        kind, _, title = heading.partition(": ")
        entry = Entry(kind.strip("`"), title.strip())
        for match in _BLOCK.finditer(body):
            text = match["body"]
            if match["label"] == "Message:":
                entry.message = text.strip()
            elif match["label"] == "Python:":
                entry.python = text
            else:
                entry.files[match["path"]] = text
        found.append(entry)
    return found


ENTRIES = entries()


def trigger(entry: Entry, root: Path) -> list[object]:
    """Everything the entry's input raises or warns, as a user meets it: a Python snippet (which may
    also write files), then scenario files run as `connectflow run` runs them, else flow files
    loaded one by one as `connectflow validate flows/*` loads them."""
    found: list[object] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if entry.python:
            try:
                exec(compile(entry.python, f"{entry.id}", "exec"), {"__name__": "catalogue"})
            except ConnectflowError as exc:
                found.append(exc)
        if list(root.rglob("*.connectflow.yaml")):
            found += _run_scenarios(root)
        elif (root / "flows").is_dir():
            report = load_path(sorted(p for p in (root / "flows").rglob("*") if p.is_file()))
            found += report.errors
            found += [w for file in report.files for w in file.warnings]
    found += [w.message for w in caught if isinstance(w.message, ConnectflowWarning)]
    return found


def _run_scenarios(root: Path) -> list[object]:
    found: list[object] = []
    instance = root / "instance.yaml"
    session = ConnectflowSession(instance_file=instance if instance.exists() else None)
    for path in sorted(root.rglob("*.connectflow.yaml")):
        loaded = load_scenario_file(path, str(path.relative_to(root)))
        if loaded.error is not None:
            found.append(loaded.error)
            continue
        for scenario in loaded.scenarios:
            if scenario.error is not None:
                found.append(scenario.error)
                continue
            try:
                library = session.scenario_library(loaded.flows, loaded.instance, scenario.instance)
                layers = (session.instance(), loaded.instance)
            except ConnectflowError as exc:
                found.append(exc)
                continue
            found += library.report.errors
            outcome = run_scenario(scenario, library, instance_layers=layers, max_steps=session.max_steps)
            if outcome.error is not None:
                found.append(outcome.error)
    return found


def fits(text: str, pattern: str) -> bool:
    """`pattern` with `*` standing for any text (and nothing else special, brackets included)."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, text, re.S) is not None


def _shown(item: object, root: Path) -> str:
    return str(item).replace(f"{root}{os.sep}", "")


def _warnings_under_pytest(request: pytest.FixtureRequest, entry: Entry) -> list[object]:
    """The plugin warns (a mock no block used) while running an item: run the files with pytest."""
    pytester: pytest.Pytester = request.getfixturevalue("pytester")
    for name, text in entry.files.items():
        (pytester.path / name).parent.mkdir(parents=True, exist_ok=True)
        (pytester.path / name).write_text(text, "utf-8")
    recorder = pytester.inline_run("-p", "no:cacheprovider")
    return [call.warning_message.message for call in recorder.getcalls("pytest_warning_recorded")]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_the_minimal_input_raises_the_documented_error(
    entry: Entry, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    assert entry.message, f"{entry.id}: no Message block"
    assert entry.files or entry.python, f"{entry.id}: no input"
    if entry.kind == "ConnectflowWarning":
        root, found = tmp_path, _warnings_under_pytest(request, entry)
    else:
        for name, text in entry.files.items():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text(text, "utf-8")
        here = Path.cwd()
        os.chdir(tmp_path)
        try:
            root, found = tmp_path, trigger(entry, tmp_path)
        finally:
            os.chdir(here)
    if entry.kind == WARNING:
        matching = [w for w in found if isinstance(w, str) and fits(w, entry.message)]
    else:
        cls = getattr(errors, entry.kind)
        matching = [e for e in found if type(e) is cls and fits(_shown(e, root), entry.message)]
    assert matching, f"{entry.id}: expected {entry.kind} {entry.message!r}; got:\n" + "\n".join(
        f"  {type(e).__name__}: {_shown(e, root)}" for e in found
    )


def error_classes() -> list[type[BaseException]]:
    return [
        cls for _, cls in inspect.getmembers(errors, inspect.isclass)
        if cls.__module__ == errors.__name__ and issubclass(cls, (ConnectflowError, ConnectflowWarning))
    ]


def test_every_error_class_is_in_the_catalogue() -> None:
    """Each class has an entry whose input raises it; the root, never raised itself, is named."""
    documented = {e.kind for e in ENTRIES}
    missing = sorted(cls.__name__ for cls in error_classes()
                     if cls is not ConnectflowError and cls.__name__ not in documented)
    assert not missing, f"docs/errors.md has no entry for: {', '.join(missing)}"
    assert "`ConnectflowError`" in CATALOGUE.read_text("utf-8")
    assert len(error_classes()) >= 12


def test_every_entry_names_a_real_class() -> None:
    names = {cls.__name__ for cls in error_classes()} | {WARNING}
    assert {e.kind for e in ENTRIES} <= names
