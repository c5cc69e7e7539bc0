"""Find flow files and read each shape users keep in git into the model.

Shapes: bare Flow-language JSON (console export), DescribeContactFlow and
DescribeContactFlowModule responses (flow JSON as a string in `Content`).
A file that cannot be read yields a FlowLoadError naming the file and the place in it;
the other files still load.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FlowLoadError
from .flow_language import metadata_name, metadata_type, parse_flow_document
from .model import FLOW_TYPES, LEGACY_FLOW_TYPES, Flow


@dataclass
class FileReport:
    """What one file gave: its flows, or the errors that stopped it, and warnings."""

    path: Path
    flows: list[Flow] = field(default_factory=list)
    errors: list[FlowLoadError] = field(default_factory=list)
    skipped: bool = False

    @property
    def warnings(self) -> list[str]:
        return [w for flow in self.flows for w in flow.warnings]


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def flows(self) -> list[Flow]:
        return [flow for report in self.files for flow in report.flows]

    @property
    def errors(self) -> list[FlowLoadError]:
        return [err for report in self.files for err in report.errors]


def _declared_type(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if value in FLOW_TYPES:
        return value
    return LEGACY_FLOW_TYPES.get(value, value.upper())


def read_json(path: Path) -> tuple[Any, str]:
    """Parse a JSON file (BOM tolerated), raising FlowLoadError with the line of a syntax error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FlowLoadError(f"cannot read the file: {exc.strerror}", where=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FlowLoadError(f"not UTF-8 text (byte {exc.start})", where=str(path)) from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise FlowLoadError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            where=f"{path}:{exc.lineno}",
        ) from None


def _content(wrapper: dict[str, Any], path: Path, base: str) -> tuple[Any, str]:
    content = wrapper.get("Content")
    if isinstance(content, dict):  # some tools keep Content already parsed
        return content, ""
    if not isinstance(content, str):
        raise FlowLoadError(f"{base}/Content must be the flow JSON as a string", where=str(path))
    try:
        return json.loads(content), content
    except json.JSONDecodeError as exc:
        raise FlowLoadError(
            f"{base}/Content is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno} "
            "of the Content string)",
            where=str(path),
        ) from None


def is_flow_document(doc: Any) -> bool:
    return isinstance(doc, dict) and (
        "Actions" in doc
        or isinstance(doc.get("ContactFlow"), dict)
        or isinstance(doc.get("ContactFlowModule"), dict)
        or "modules" in doc
    )


def parse_json_flow(doc: Any, text: str, path: Path) -> list[Flow]:
    """The flows of one parsed JSON document, whatever its shape."""
    if isinstance(doc, dict) and isinstance(doc.get("ContactFlow"), dict):
        wrapper = doc["ContactFlow"]
        inner, inner_text = _content(wrapper, path, "/ContactFlow")
        return [
            parse_flow_document(
                inner,
                source=path,
                name=_wrapper_name(wrapper, inner, path),
                text=inner_text if "\n" in inner_text else "",
                base="/ContactFlow/Content",
                declared_type=_declared_type(wrapper.get("Type")) or _declared_type(metadata_type(inner)),
                flow_id=_opt_str(wrapper.get("Id")),
                arn=_opt_str(wrapper.get("Arn")),
                shape="describe-contact-flow",
            )
        ]
    if isinstance(doc, dict) and isinstance(doc.get("ContactFlowModule"), dict):
        wrapper = doc["ContactFlowModule"]
        inner, inner_text = _content(wrapper, path, "/ContactFlowModule")
        return [
            parse_flow_document(
                inner,
                source=path,
                name=_wrapper_name(wrapper, inner, path),
                text=inner_text if "\n" in inner_text else "",
                base="/ContactFlowModule/Content",
                is_module=True,
                flow_id=_opt_str(wrapper.get("Id")),
                arn=_opt_str(wrapper.get("Arn")),
                shape="describe-contact-flow-module",
            )
        ]
    if isinstance(doc, dict) and "modules" in doc and "Actions" not in doc:
        raise FlowLoadError(
            "this is a legacy console export ('modules'), which is not supported yet; "
            "re-export the flow from the flow designer to get the Flow language",
            where=str(path),
        )
    if isinstance(doc, dict) and "Actions" in doc:
        return [
            parse_flow_document(
                doc,
                source=path,
                name=metadata_name(doc) or path.stem,
                text=text,
                declared_type=_declared_type(metadata_type(doc)),
            )
        ]
    raise FlowLoadError(
        "not a flow: expected Flow-language JSON ('Actions'), or a describe-contact-flow "
        "('ContactFlow') or describe-contact-flow-module ('ContactFlowModule') response",
        where=str(path),
    )


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _wrapper_name(wrapper: dict[str, Any], inner: Any, path: Path) -> str:
    name = wrapper.get("Name")
    if isinstance(name, str) and name.strip():
        return name
    return (metadata_name(inner) if isinstance(inner, dict) else None) or path.stem


def load_file(path: Path, *, explicit: bool = True) -> FileReport:
    """Load one file. A JSON file met while walking a folder that is not a flow is skipped."""
    report = FileReport(path)
    try:
        doc, text = read_json(path)
        if not explicit and not is_flow_document(doc):
            report.skipped = True
            return report
        report.flows = parse_json_flow(doc, text, path)
    except FlowLoadError as exc:
        report.errors.append(exc)
    return report


def iter_flow_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() == ".json" and not _hidden(path, root):
            yield path


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def load_path(paths: Sequence[Path] | Path) -> LoadReport:
    """Load files and folders (recursively); every file gets a report, broken ones too."""
    if isinstance(paths, Path):
        paths = [paths]
    report = LoadReport()
    for path in paths:
        if path.is_dir():
            report.files.extend(load_file(p, explicit=False) for p in iter_flow_files(path))
        elif path.exists():
            report.files.append(load_file(path))
        else:
            missing = FileReport(path)
            missing.errors.append(FlowLoadError("no such file or folder", where=str(path)))
            report.files.append(missing)
    return report
