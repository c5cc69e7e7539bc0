"""Every real flow in ../shared/flows loads; flows run from their start without engine errors."""

from __future__ import annotations

from pathlib import Path

from pytest_connectflow import ConnectflowError, MissingMockError, Simulator, UnsupportedActionError, load_library
from pytest_connectflow.flow import load_path


def test_every_corpus_flow_loads_without_errors(shared_flows: Path) -> None:
    report = load_path(shared_flows / "corpus")
    assert len(report.files) == 77
    assert report.errors == []
    assert len(report.flows) == 77
    assert sum(1 for f in report.flows if f.is_module) == 8


def test_corpus_flows_run_or_fail_with_a_clear_reason(shared_flows: Path) -> None:
    simulator = Simulator(load_library(shared_flows / "corpus"))
    ended: dict[str, int] = {}
    for flow in simulator.library.flows:
        try:
            result = simulator.run(flow.name, inputs=["1"] * 5)
        except (MissingMockError, UnsupportedActionError) as exc:
            assert flow.name in str(exc) or exc.where
            continue
        except ConnectflowError as exc:
            assert "cannot run from its start" in str(exc), str(exc)
            continue
        assert result.ended is not None
        if result.ended == "error":
            assert result.reason
        ended[result.ended] = ended.get(result.ended, 0) + 1
    assert ended.get("disconnected", 0) >= 10
