"""Block and branch coverage across a test run.

A `CoverageRecorder` lives in each pytest process: every scenario and `connectflow` fixture run
hands it the trace and the flow library it ran against. Under pytest-xdist each worker sends its
recorder's data (`to_data`, plain lists and strings) to the controller, which merges them
(`merge_data`); the report is built once, where the run ends. A block is hit when a step ran it;
a branch when a step took it (the error type a step records is the branch taken, e.g.
NoMatchingError when it fell back to that entry). The blocks and branches that count are those
of every flow the run's libraries loaded, modules included; branches as `graph.branches_of` says.

Nothing here imports pytest: plugin.py wires the recorder into the run.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from .blocks.registry import BlockRegistry
from .engine.trace import Trace
from .errors import ConnectflowError
from .flow.library import FlowLibrary, is_uuid
from .flow.model import Flow
from .graph import branches_of, mermaid, readable_name
from .simulator import RunResult, Simulator

__all__ = [
    "JSON_FORMAT",
    "BlockCoverage",
    "BranchCoverage",
    "CoverageRecorder",
    "CoverageReport",
    "FlowCoverage",
    "LibraryKey",
    "RecordingSimulator",
    "json_document",
    "summary_lines",
    "write_html",
    "write_json",
]

JSON_FORMAT = "connectflow-coverage"
JSON_VERSION = 1

# A flow library as ConnectflowSession loads it: the paths given and the placeholders substituted.
LibraryKey = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
# A flow is known by its file and its name (a CloudFormation template holds several flows).
FlowKey = tuple[str, str]
_STEP_KEY = attrgetter("flow", "identifier", "branch")


def library_key(paths: Sequence[Path | str], library: FlowLibrary) -> LibraryKey:
    return tuple(str(p) for p in paths), tuple(sorted((str(k), str(v)) for k, v in library.placeholders.items()))


class CoverageRecorder:
    """The hits of one process: blocks and branches per flow, and the libraries the runs used."""

    def __init__(self) -> None:
        self.libraries: dict[LibraryKey, FlowLibrary | None] = {}  # None: known by key only (merged)
        self._blocks: Counter[tuple[str, str, str]] = Counter()  # (file, flow, Identifier)
        self._branches: Counter[tuple[str, str, str, str]] = Counter()  # (file, flow, Identifier, branch)
        # Steps as the runs recorded them, per library, not yet placed in their flows' files: a
        # run only counts its steps (in C), the placing is done once, when the counts are read.
        self._steps: dict[LibraryKey, Counter[tuple[str, str, str | None]]] = {}

    def add_library(self, paths: Sequence[Path | str], library: FlowLibrary) -> LibraryKey:
        """Count every flow of `library` (loaded from `paths`), whether a run enters it or not."""
        key = library_key(paths, library)
        if self.libraries.get(key) is None:
            self.libraries[key] = library
        return key

    def record(self, library: FlowLibrary, paths: Sequence[Path | str], trace: Trace | None) -> None:
        """Count the blocks and branches a run took (`trace` may be None: the run never started)."""
        key = self.add_library(paths, library)
        if trace is not None:
            self._steps.setdefault(key, Counter()).update(map(_STEP_KEY, trace.steps))

    def _place(self) -> None:
        for key, steps in self._steps.items():
            library = self.libraries[key]
            assert library is not None  # steps are recorded with their library
            names: dict[str, list[Flow]] = {}
            for flow in library.flows:
                names.setdefault(flow.name, []).append(flow)
            for (flow_name, ident, branch), n in steps.items():
                candidates = names.get(flow_name)
                if not candidates:
                    continue
                # Two flows of one library may share a name: the step's block tells them apart.
                flow = next((f for f in candidates if ident in f.actions), candidates[0])
                source = str(flow.source)
                self._blocks[(source, flow_name, ident)] += n
                if branch is not None:
                    self._branches[(source, flow_name, ident, branch)] += n
        self._steps.clear()

    @property
    def blocks(self) -> Counter[tuple[str, str, str]]:
        """Runs per block: (file, flow, Identifier) → count."""
        self._place()
        return self._blocks

    @property
    def branches(self) -> Counter[tuple[str, str, str, str]]:
        """Runs per branch taken: (file, flow, Identifier, branch) → count."""
        self._place()
        return self._branches

    # Between processes (pytest-xdist): plain lists, strings and numbers.
    def to_data(self) -> dict[str, Any]:
        return {
            "libraries": [[list(paths), [list(p) for p in placeholders]] for paths, placeholders in self.libraries],
            "blocks": [[*k, n] for k, n in self.blocks.items()],
            "branches": [[*k, n] for k, n in self.branches.items()],
        }

    def merge_data(self, data: Mapping[str, Any]) -> None:
        for paths, placeholders in data.get("libraries", ()):
            key: LibraryKey = (tuple(paths), tuple((str(k), str(v)) for k, v in placeholders))
            self.libraries.setdefault(key, None)
        for source, flow, ident, n in data.get("blocks", ()):
            self._blocks[(source, flow, ident)] += n
        for source, flow, ident, branch, n in data.get("branches", ()):
            self._branches[(source, flow, ident, branch)] += n

    def report(
        self,
        load: Callable[[LibraryKey], FlowLibrary],
        *,
        root: Path | None = None,
        registry: BlockRegistry | None = None,
    ) -> CoverageReport:
        """The coverage of every flow of the libraries used. `load` gives a library known only by
        its key (from a worker); `root` is the folder file names are shown relative to."""
        self._place()
        flows: dict[FlowKey, Flow] = {}
        # Sorted, so that a flow loaded by two libraries (other placeholders) is described by the
        # same one whichever process loaded it first.
        for key in sorted(self.libraries):
            library = self.libraries[key]
            if library is None:
                try:
                    library = load(key)
                except ConnectflowError:
                    continue
            for flow in library.flows:
                flows.setdefault((str(flow.source), flow.name), flow)
        covered = [self._flow_coverage(flow, source, root, registry) for (source, _), flow in flows.items()]
        return CoverageReport(tuple(sorted(covered, key=lambda f: (f.file, f.name))))

    def _flow_coverage(self, flow: Flow, source: str, root: Path | None, registry: BlockRegistry | None
                       ) -> FlowCoverage:
        blocks = []
        for action in flow.actions.values():
            ident = action.identifier
            branches = tuple(
                BranchCoverage(b.name, self._branches[(source, flow.name, ident, b.name)], b.target, b.ending)
                for b in branches_of(action, flow, registry=registry)
            )
            blocks.append(BlockCoverage(ident, action.type, readable_name(action, registry),
                                        self._blocks[(source, flow.name, ident)], branches))
        return FlowCoverage(flow.name, _shown(Path(source), root), flow.is_module, tuple(blocks), flow)


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _percent(hit: int, total: int) -> float:
    # Nothing to cover is fully covered (as coverage.py reports an empty file).
    return 100.0 if total == 0 else 100.0 * hit / total


@dataclass(frozen=True)
class BranchCoverage:
    name: str
    hits: int
    target: str | None = None  # the Identifier the branch goes to in the same flow
    ending: str = ""  # how the run or flow ends there; neither: not connected


@dataclass(frozen=True)
class BlockCoverage:
    identifier: str
    action_type: str
    name: str  # readable: the Identifier, or the console block name and label for a UUID
    hits: int
    branches: tuple[BranchCoverage, ...]

    @property
    def shown(self) -> str:
        """The block as failure output prints it: its Identifier, with a label for a UUID."""
        return f"{self.identifier} [{self.name}]" if is_uuid(self.identifier) else self.identifier

    @property
    def missed(self) -> tuple[BranchCoverage, ...]:
        return tuple(b for b in self.branches if not b.hits)


@dataclass(frozen=True)
class FlowCoverage:
    """One flow's coverage; also the `Hits` a picture is coloured by (graph.mermaid)."""

    name: str
    file: str
    module: bool
    blocks: tuple[BlockCoverage, ...]
    flow: Flow | None = field(default=None, compare=False, repr=False)

    @property
    def blocks_hit(self) -> int:
        return sum(1 for b in self.blocks if b.hits)

    @property
    def blocks_total(self) -> int:
        return len(self.blocks)

    @property
    def branches_hit(self) -> int:
        return sum(1 for b in self.blocks for br in b.branches if br.hits)

    @property
    def branches_total(self) -> int:
        return sum(len(b.branches) for b in self.blocks)

    @property
    def block_percent(self) -> float:
        return _percent(self.blocks_hit, self.blocks_total)

    @property
    def branch_percent(self) -> float:
        return _percent(self.branches_hit, self.branches_total)

    def block_hits(self, identifier: str) -> int:
        return next((b.hits for b in self.blocks if b.identifier == identifier), 0)

    def branch_hits(self, identifier: str, branch: str) -> int:
        block = next((b for b in self.blocks if b.identifier == identifier), None)
        return next((br.hits for br in block.branches if br.name == branch), 0) if block else 0


@dataclass(frozen=True)
class CoverageReport:
    flows: tuple[FlowCoverage, ...]

    @property
    def blocks_hit(self) -> int:
        return sum(f.blocks_hit for f in self.flows)

    @property
    def blocks_total(self) -> int:
        return sum(f.blocks_total for f in self.flows)

    @property
    def branches_hit(self) -> int:
        return sum(f.branches_hit for f in self.flows)

    @property
    def branches_total(self) -> int:
        return sum(f.branches_total for f in self.flows)

    @property
    def block_percent(self) -> float:
        return _percent(self.blocks_hit, self.blocks_total)

    @property
    def branch_percent(self) -> float:
        return _percent(self.branches_hit, self.branches_total)


class RecordingSimulator(Simulator):
    """The `connectflow` fixture's simulator when coverage is on: every run is recorded."""

    def __init__(self, library: FlowLibrary, *, recorder: CoverageRecorder, paths: Sequence[Path], **kwargs: Any
                 ) -> None:
        super().__init__(library, **kwargs)
        self.recorder = recorder
        self.paths = tuple(paths)

    def run(self, flow: str, **kwargs: Any) -> RunResult:
        __tracebackhide__ = True
        try:
            result = super().run(flow, **kwargs)
        except ConnectflowError as exc:
            self.recorder.record(self.library, self.paths, exc.trace)  # the blocks ran before the error count
            raise
        self.recorder.record(self.library, self.paths, result.trace)
        return result


# --- the terminal summary ---------------------------------------------------------------------------

def _fraction(hit: int, total: int) -> str:
    return f"{hit}/{total} {_percent(hit, total):5.1f}%"


def summary_lines(report: CoverageReport) -> list[str]:
    """The table of blocks and branches hit per flow, the total, and the missed branches."""
    if not report.flows:
        return ["no flows were loaded: nothing to cover"]
    rows = [("flow", "file", "blocks", "branches")]
    rows += [(f.name + (" (module)" if f.module else ""), f.file, _fraction(f.blocks_hit, f.blocks_total),
              _fraction(f.branches_hit, f.branches_total)) for f in report.flows]
    rows.append(("TOTAL", "", _fraction(report.blocks_hit, report.blocks_total),
                 _fraction(report.branches_hit, report.branches_total)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        f"{r[0].ljust(widths[0])}  {r[1].ljust(widths[1])}  {r[2].rjust(widths[2])}  {r[3].rjust(widths[3])}".rstrip()
        for r in rows
    ]
    missed = [f for f in report.flows if f.branches_hit < f.branches_total]
    if missed:
        lines += ["", "missed branches (block → branch):"]
    for f in missed:
        lines.append(f"{f.name} ({f.file}):")
        for block in f.blocks:
            if block.missed:
                status = "" if block.hits else " (not run)"
                lines.append(f"  - {block.shown}{status} → {', '.join(b.name for b in block.missed)}")
    return lines


# --- JSON -------------------------------------------------------------------------------------------

def _counts(hit: int, total: int) -> dict[str, Any]:
    return {"hit": hit, "total": total, "percent": round(_percent(hit, total), 2)}


def json_document(report: CoverageReport) -> dict[str, Any]:
    """The JSON report (format `connectflow-coverage`, version 1; docs/coverage.md describes it)."""
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "totals": {
            "flows": len(report.flows),
            "blocks": _counts(report.blocks_hit, report.blocks_total),
            "branches": _counts(report.branches_hit, report.branches_total),
        },
        "flows": [
            {
                "name": f.name,
                "file": f.file,
                "module": f.module,
                "blocks": _counts(f.blocks_hit, f.blocks_total),
                "branches": _counts(f.branches_hit, f.branches_total),
                "actions": [
                    {
                        "identifier": b.identifier,
                        "type": b.action_type,
                        "name": b.name,
                        "hits": b.hits,
                        "branches": [
                            {"name": br.name, "hits": br.hits, "to": br.target, "ending": br.ending or None}
                            for br in b.branches
                        ],
                    }
                    for b in f.blocks
                ],
            }
            for f in report.flows
        ],
    }


def write_json(report: CoverageReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_document(report), indent=2, ensure_ascii=False) + "\n", "utf-8")


# --- HTML -------------------------------------------------------------------------------------------

MERMAID_SCRIPT = (
    '<script type="module">\n'
    'import mermaid from "https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs";\n'
    'mermaid.initialize({startOnLoad: true, securityLevel: "strict", maxTextSize: 500000});\n'
    "</script>"
)

_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.hit { background: #e8f5e9; } .missed { background: #ffebee; }
pre.mermaid { background: #fff; }
</style>"""


def _page(title: str, body: list[str], *, diagram: bool = False) -> str:
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        _STYLE,
    ]
    if diagram:
        head.append(MERMAID_SCRIPT)
    return "\n".join([*head, "</head>", "<body>", *body, "</body>", "</html>"]) + "\n"


def page_names(report: CoverageReport) -> list[str]:
    """The file name of each flow's page: numbered, so that two flows never share one."""
    names = []
    for n, f in enumerate(report.flows, start=1):
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f.name).strip("-").lower()[:60] or "flow"
        names.append(f"flow-{n:03d}-{slug}.html")
    return names


def _cells(hit: int, total: int) -> str:
    return f'<td class="num">{hit}/{total}</td><td class="num">{_percent(hit, total):.1f}%</td>'


def write_html(report: CoverageReport, directory: Path, *, registry: BlockRegistry | None = None) -> None:
    """index.html (a table of every flow) and one page per flow: its Mermaid picture coloured by
    coverage (green hit, red missed) and a table of its blocks and branches with their hits."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = page_names(report)
    rows = [
        f'<tr><td><a href="{page}">{html.escape(f.name)}</a>{" (module)" if f.module else ""}</td>'
        f"<td>{html.escape(f.file)}</td>{_cells(f.blocks_hit, f.blocks_total)}"
        f"{_cells(f.branches_hit, f.branches_total)}</tr>"
        for f, page in zip(report.flows, pages, strict=True)
    ]
    total = (f"<tr><th>TOTAL</th><th></th>{_cells(report.blocks_hit, report.blocks_total)}"
             f"{_cells(report.branches_hit, report.branches_total)}</tr>")
    index = [
        "<h1>connectflow coverage</h1>",
        f"<p>{len(report.flows)} flows; branches hit: {report.branches_hit} of {report.branches_total} "
        f"({report.branch_percent:.1f}%); blocks hit: {report.blocks_hit} of {report.blocks_total} "
        f"({report.block_percent:.1f}%).</p>",
        "<table>",
        '<tr><th>flow</th><th>file</th><th colspan="2">blocks</th><th colspan="2">branches</th></tr>',
        *rows,
        total,
        "</table>",
    ]
    (directory / "index.html").write_text(_page("connectflow coverage", index), "utf-8")
    for f, page in zip(report.flows, pages, strict=True):
        (directory / page).write_text(_flow_page(f, registry), "utf-8")


def _flow_page(f: FlowCoverage, registry: BlockRegistry | None) -> str:
    body = [
        '<p><a href="index.html">all flows</a></p>',
        f"<h1>{html.escape(f.name)}</h1>",
        f"<p>{html.escape(f.file)}{' (flow module)' if f.module else ''}: blocks hit {f.blocks_hit} of "
        f"{f.blocks_total} ({f.block_percent:.1f}%), branches hit {f.branches_hit} of {f.branches_total} "
        f"({f.branch_percent:.1f}%). Green: hit; red: missed.</p>",
    ]
    if f.flow is not None:
        body.append(f'<pre class="mermaid">\n{html.escape(mermaid(f.flow, coverage=f, registry=registry))}</pre>')
    body += ["<table>", "<tr><th>block</th><th>type</th><th>runs</th><th>branch</th><th>taken</th><th>to</th></tr>"]
    for block in f.blocks:
        first = True
        for br in block.branches or (None,):
            cells = ""
            if first:
                span = max(1, len(block.branches))
                cls = "hit" if block.hits else "missed"
                cells = (f'<td rowspan="{span}" class="{cls}">{html.escape(block.shown)}</td>'
                         f'<td rowspan="{span}">{html.escape(block.action_type)}</td>'
                         f'<td rowspan="{span}" class="num">{block.hits}</td>')
                first = False
            if br is None:
                cells += "<td></td><td></td><td></td>"
            else:
                to = br.target if br.target is not None else (br.ending or "not connected")
                cells += (f'<td class="{"hit" if br.hits else "missed"}">{html.escape(br.name)}</td>'
                          f'<td class="num">{br.hits}</td><td>{html.escape(to)}</td>')
            body.append(f"<tr>{cells}</tr>")
    body.append("</table>")
    return _page(f"{f.name}: connectflow coverage", body, diagram=f.flow is not None)


def report_from_json(document: Mapping[str, Any], library: FlowLibrary | None = None) -> CoverageReport:
    """A report saved with --connectflow-cov-report=json:PATH, read back (`connectflow coverage`).
    With a library, each flow found in it by name gets its picture in the HTML pages."""
    if document.get("format") != JSON_FORMAT or document.get("version") != JSON_VERSION:
        raise ConnectflowError(
            f"not a connectflow coverage report (format {JSON_FORMAT!r}, version {JSON_VERSION}): "
            f"format {document.get('format')!r}, version {document.get('version')!r}"
        )
    flows = []
    for raw in document.get("flows", []):
        blocks = tuple(
            BlockCoverage(
                identifier=str(b["identifier"]),
                action_type=str(b["type"]),
                name=str(b.get("name") or b["identifier"]),
                hits=int(b["hits"]),
                branches=tuple(
                    BranchCoverage(str(br["name"]), int(br["hits"]), br.get("to"), br.get("ending") or "")
                    for br in b.get("branches", [])
                ),
            )
            for b in raw.get("actions", [])
        )
        flow = library.lookup(str(raw["name"])) if library is not None else None
        flows.append(FlowCoverage(str(raw["name"]), str(raw.get("file", "")), bool(raw.get("module")), blocks, flow))
    return CoverageReport(tuple(flows))
