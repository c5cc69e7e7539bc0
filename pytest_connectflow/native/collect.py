"""pytest items for Amazon Connect test case files (`*.testcase.json`, ini connectflow_native_files):
one item per test case, id `file::test case name`. A file that cannot be read is one failing
`[file]` item; a test case that cannot be read fails alone. Failures print our text, never a
traceback into the engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..errors import ConnectflowError
from .model import TestCase


class NativeTestFailed(Exception):
    """Raised by a test case item; repr_failure prints its text."""


class NativeFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from ..plugin import _shown
        from .reader import read_test_case_file

        loaded = read_test_case_file(self.path, _shown(self.config.rootpath, self.path))
        if loaded.error is not None:
            yield NativeItem.from_parent(self, name="[file]", case=None, file_error=loaded.error)
            return
        counts: dict[str, int] = {}
        for case in loaded.cases:
            counts[case.name] = counts.get(case.name, 0) + 1
            name = case.name if counts[case.name] == 1 else f"{case.name}[{counts[case.name]}]"
            yield NativeItem.from_parent(self, name=name, case=case, file_error=None)


class NativeItem(pytest.Item):
    def __init__(self, *, case: TestCase | None, file_error: ConnectflowError | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.file_error = file_error

    def runtest(self) -> None:
        from ..plugin import COVERAGE_KEY, NOTES_PROPERTY, SESSION_KEY
        from .runner import run_test_case

        if self.file_error is not None:
            raise NativeTestFailed(f"{self.file_error}\n(the file's test cases cannot run)")
        case = self.case
        assert case is not None
        if case.error is not None:
            raise NativeTestFailed(f"{case.where}: test case {case.name!r} cannot be read\n{case.error}")
        session = self.config.stash[SESSION_KEY]
        try:
            library = session.library(None)
            instance = session.instance()
        except ConnectflowError as exc:
            raise NativeTestFailed(f"{case.where}: {exc}") from None
        outcome = run_test_case(case, library, instance=instance, registry=session.registry,
                                max_steps=session.max_steps, seed=f"{session.seed}:{self.nodeid}")
        recorder = self.config.stash.get(COVERAGE_KEY, None)
        if recorder is not None:
            for trace in outcome.traces:
                recorder.record(library, session.default_flows, trace)
        notes = [n for trace in outcome.traces for n in trace.notes]
        if notes:
            self.user_properties.append((NOTES_PROPERTY, tuple(notes)))
        if outcome.passed and outcome.results:  # the observations as the cloud reports them (pytest -rP)
            self.add_report_section("call", "connectflow", "\n".join([outcome.summary(), *outcome.observation_lines()]))
        if not outcome.passed:
            text = outcome.render()
            if library.report.errors and outcome.error is not None:
                text += "\n\nflow files that failed to load:\n" + "\n".join(f"  - {e}" for e in library.report.errors)
            raise NativeTestFailed(text)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, NativeTestFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"test case: {self.name}"
