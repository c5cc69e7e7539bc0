"""Helpers shared by the routing, queue-metrics and telephony block tests, for real corpus flows.

Corpus flows carry deployment placeholders (`{{lambdaFunctions.x.arn}}`, `%%NAME%%`, `${Name}`)
that a real project maps through `instance.placeholders`; these helpers load them with such a
mapping, as a test of a real project would.

`corpus_copy` also runs a corpus flow from one of its blocks: some corpus files are templates
whose StartAction is empty, or reach blocks of other families first. The copy keeps every action
of the file as exported (parameters and transitions); only StartAction and the name change, so the
test still exercises the corpus flow's own parameters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_connectflow.flow.library import load_library
from pytest_connectflow.simulator import Simulator

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "flows" / "corpus"


def corpus_simulator(*names: str, placeholders: Mapping[str, str] | None = None, **kwargs: Any) -> Simulator:
    """A simulator over corpus files (names without `.json`), loaded with `placeholders`."""
    library = load_library([CORPUS / f"{name}.json" for name in names], dict(placeholders or {}))
    assert not library.report.errors, library.report.errors
    return Simulator(library, **kwargs)


def corpus_copy(
    root: Path,
    name: str,
    start: str | None = None,
    *,
    flow_type: str | None = None,
    placeholders: Mapping[str, str] | None = None,
) -> str:
    """Write into `root` a copy of corpus flow `name` with its placeholder tokens replaced (keys are
    whole tokens such as `{{phoneNumber}}`), starting at the block whose Identifier begins with
    `start` (default: its own StartAction), as a flow of `flow_type` when given. Return the copy's
    flow name."""
    raw: dict[str, Any] = json.loads((CORPUS / f"{name}.json").read_text("utf-8"))
    document = json.loads(raw["ContactFlow"]["Content"]) if "ContactFlow" in raw else raw
    copy_name = name if start is None else f"{name} from {start}"
    if start is not None:
        matches = [a["Identifier"] for a in document["Actions"] if a["Identifier"].startswith(start)]
        assert len(matches) == 1, f"{start!r} fits {matches} in {name}"
        document["StartAction"] = matches[0]
    document.setdefault("Metadata", {})["name"] = copy_name
    text = json.dumps(document)
    for token, value in (placeholders or {}).items():
        assert token in text, f"{token!r} is not in {name}"
        text = text.replace(token, value)
    written: Any = json.loads(text)
    if flow_type is not None:
        written = {"ContactFlow": {"Name": copy_name, "Type": flow_type, "Content": text}}
    path = root / f"corpus-{start or 'start'}-{abs(hash(name)) % 10_000}.json"
    path.write_text(json.dumps(written), "utf-8")
    return copy_name
