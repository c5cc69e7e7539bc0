"""Amazon Connect's own test cases (the Testing language of "Test and simulation"): read them in
the shapes teams keep them, run them offline against the engine, and export scenarios to them."""

from __future__ import annotations

from .model import NativeTestError, TestCase, TestCaseFile
from .reader import read_test_case_file, read_test_case_text
from .runner import NativeOutcome, ObservationResult, run_test_case

__all__ = [
    "NativeOutcome",
    "NativeTestError",
    "ObservationResult",
    "TestCase",
    "TestCaseFile",
    "read_test_case_file",
    "read_test_case_text",
    "run_test_case",
]
