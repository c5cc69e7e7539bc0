"""The example project runs green, and its failure demonstrations fail with readable output."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"

# Scenario items (YAML) and Python tests of example_project/tests; the two Python failure demos
# are deselected by the project's addopts.
EXAMPLE_PASSED = 38
EXAMPLE_DEMOS_DESELECTED = 2


@pytest.fixture
def example(pytester: pytest.Pytester) -> pytest.Pytester:
    """A copy of example_project as the pytester project (its pyproject.toml is the ini file)."""
    shutil.copytree(
        EXAMPLE,
        pytester.path,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"),
    )
    return pytester


def test_example_project_passes(example: pytest.Pytester) -> None:
    result = example.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=EXAMPLE_PASSED, deselected=EXAMPLE_DEMOS_DESELECTED)


def test_example_project_collects_yaml_and_python_tests(example: pytest.Pytester) -> None:
    result = example.runpytest("-p", "no:cacheprovider", "--collect-only", "-q")

    result.stdout.fnmatch_lines(
        [
            "tests/test_chat_and_queue.connectflow.yaml::on chat, Start and Stop media streaming"
            " take Error and the chat is queued",
            "tests/test_main_ivr.connectflow.yaml::live transcription streams the caller until the"
            " Stop block before the queue",
            "tests/test_main_ivr.py::test_every_menu_choice_stops_streaming_before_the_transfer"
            "[[]3-Support[]]",
        ],
        consecutive=False,
    )


def _run_demos(example: pytest.Pytester) -> pytest.RunResult:
    return example.runpytest(
        "-p", "no:cacheprovider", "-m", "connectflow_failure_demo", "tests", "failure_demos"
    )


def test_failure_demos_fail_on_purpose(example: pytest.Pytester) -> None:
    result = _run_demos(example)

    result.assert_outcomes(failed=4, deselected=EXAMPLE_PASSED)


def test_yaml_failure_demo_names_the_expectation_line_and_shows_the_path(
    example: pytest.Pytester,
) -> None:
    result = _run_demos(example)

    result.stdout.fnmatch_lines(
        [
            "*failure_demos/test_failure_demo.connectflow.yaml:6:"
            " scenario 'demo: expects chat to stream' failed",
            "",
            "*test_failure_demo.connectflow.yaml:11:"
            " expect.branches[[]Start chat streaming[]] (last run)",
            "    |         Start chat streaming: Success     # wrong: on chat the block takes Error",
            "  expected: Success",
            "  actual:   NoMatchingError (Error)",
            "  possible branches: Success, NoMatchingError (Error)",
            "",
            "*test_failure_demo.connectflow.yaml:12: expect.media_streaming",
            "    |       media_streaming: streaming *",
            "  expected: streaming",
            "  actual:   not_started",
            "  media stream: not_started (From=False, To=False)",
            "    (no start or stop)",
            "",
            "Path taken (Chat entry; ended: transferred_to_queue):",
            "step  flow        block * action type * branch",
            "1     Chat entry  Start chat streaming [[]Start media streaming[]] *"
            "UpdateContactMediaStreamingBehavior  NoMatchingError  (* does not work on CHAT)",
            "2     Chat entry  Chat greeting *MessageParticipant *Success *",
            "3     Chat entry  Stop chat streaming *NoMatchingError *",
            "4     Chat entry  Set chat queue [[]Chat[]] *UpdateContactTargetQueue"
            " *Success  (queue Chat)",
            "5     Chat entry  Transfer chat *TransferContactToQueue *Success  (queued in Chat)",
        ]
    )
    # The second scenario: the stream was stopped by a block, and the history says which.
    result.stdout.fnmatch_lines(
        [
            "*test_failure_demo.connectflow.yaml:23: expect.media_streaming",
            "  expected: streaming",
            "  actual:   stopped",
            "  media stream: stopped (From=False, To=False)",
            "    - start in Main IVR (CONTACT_FLOW) at Start transcription, step 8:"
            " streaming From, To",
            "    - stop in Main IVR (CONTACT_FLOW) at Stop streaming, step 14: streaming nothing",
            "",
            "Path taken (Main IVR; ended: transferred_to_queue):",
            "step  flow * block * action type * branch",
        ]
    )


def test_python_failure_demo_shows_expected_actual_and_the_path(example: pytest.Pytester) -> None:
    result = _run_demos(example)

    result.stdout.fnmatch_lines(
        [
            "*_ test_demo_wrong_branch _*",
            "E       *ConnectflowAssertionError: branches[[]Look up customer[]] (last run)",
            "E         expected: Success",
            "E         actual:   NoMatchingError (Error)",
            "E         possible branches: Success, NoMatchingError (Error)",
            "E       Path taken (Main IVR; ended: *):",
            "E       step  flow * block * action type * branch",
            "E       4     Main IVR  Look up customer [[]lookupCustomer[]]"
            " *InvokeLambdaFunction *NoMatchingError *",
        ],
        consecutive=False,
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_demo_wrong_stream_state _*",
            "E       *ConnectflowAssertionError: media_streaming",
            "E         expected: streaming",
            "E         actual:   stopped",
            "E         media stream: stopped (From=False, To=False)",
        ],
        consecutive=False,
    )


def test_failure_output_has_no_traceback_from_the_plugin(example: pytest.Pytester) -> None:
    result = _run_demos(example)

    result.stdout.no_fnmatch_line("*Traceback*")
    # No frame of the plugin's own code: failures point at the user's test or YAML line.
    result.stdout.no_fnmatch_line("*pytest_connectflow/*")
    result.stdout.no_fnmatch_line("*site-packages*")
    result.stdout.fnmatch_lines(
        ["tests/test_failure_demo.py:*: ConnectflowAssertionError"], consecutive=False
    )
