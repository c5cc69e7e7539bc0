"""What `connectflow run` and `connectflow run-native` print: a PASSED or FAILED line per item
(scenario or test case), the failure text under it, then the counts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from .errors import ConnectflowError


class Runnable(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def error(self) -> Exception | None: ...


Item = TypeVar("Item", bound=Runnable)
File = TypeVar("File")


def run_files(
    files: Sequence[str],
    read: Callable[[str], tuple[File, Exception | None, Sequence[Item]]],
    run: Callable[[str, File, Item], tuple[bool, str]],
) -> int:
    """Read each file (the loaded file, its error, its items) and run each item that could be read;
    `run` gives (passed, what to print after the label). Exit code 0 only when something ran and
    all passed."""
    passed = failed = 0
    for name in files:
        loaded, file_error, items = read(name)
        if file_error is not None:
            print(f"FAILED {name}: {file_error}")
            failed += 1
            continue
        for item in items:
            label = f"{name}::{item.name}"
            if item.error is not None:
                ok, text = False, f"\n{item.error}\n"
            else:
                try:
                    ok, text = run(label, loaded, item)
                except ConnectflowError as exc:  # the flows or the instance file cannot be loaded
                    ok, text = False, f"\n{exc}\n"
            passed += ok
            failed += not ok
            print(f"{'PASSED' if ok else 'FAILED'} {label}{text}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1
