"""Terraform `*.tf` files whose `aws_connect_contact_flow` and `aws_connect_contact_flow_module`
resources give a flow each: its name and type, and the flow JSON through `filename`,
`content = file(...)`, `templatefile(...)` or inline `jsonencode({...})`.

python-hcl2 parses the files. It hands back each attribute as HCL expression text (quoted strings,
`${jsonencode({...})}`), so a small evaluator below reads the expressions a flow resource uses:
literals, strings with interpolations, heredocs, objects, tuples, references and the functions
`file`, `templatefile`, `jsonencode`, `jsondecode`, `replace`, `trimspace`, `chomp`, `tostring`.
A value only `terraform apply` knows (a resource attribute, `each.value`, a variable with no
default) is "unknown": inside the flow JSON it becomes a `${reference}` placeholder for
instance.placeholders; where it decides which file to read, the resource cannot be followed and
a note says so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FlowLoadError
from .flow_language import metadata_name, metadata_type, parse_flow_document
from .loaders import _declared_type, read_text
from .model import Flow
from .placeholders import find_placeholders

FLOW_RESOURCES = {"aws_connect_contact_flow": False, "aws_connect_contact_flow_module": True}
# Both resource types start with this: a folder whose .tf files lack it is not parsed at all.
MARKER = "aws_connect_contact_flow"


def parse_hcl(path: Path, text: str) -> dict[str, Any]:
    """The file parsed by python-hcl2, or a FlowLoadError naming the line of a syntax error."""
    # Imported here: building its parser costs about 2 s the first time, and projects without
    # .tf files should never pay it. It ships no type information we rely on.
    import hcl2  # type: ignore[import-untyped,unused-ignore]

    try:
        data = hcl2.loads(text)
    except Exception as exc:  # lark's UnexpectedInput family and the transformer's own errors
        line = getattr(exc, "line", None)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"{path}:{line}" if isinstance(line, int) and line > 0 else str(path)
        raise FlowLoadError(f"invalid HCL: {message}", where=where) from None
    return data if isinstance(data, dict) else {}


# Values -----------------------------------------------------------------------------------------


class Unknown:
    """A value Terraform knows only when it applies: `aws_connect_queue.sales.arn`, `each.value`."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def placeholder(self) -> str:
        return "${" + self.text + "}"


class FileText(str):
    """Text read by file() or templatefile(): remembers the file, whose lines the flow keeps."""

    path: Path

    @classmethod
    def of(cls, text: str, path: Path) -> FileText:
        value = cls(text)
        value.path = path
        return value


class _Unsupported(Exception):
    """An expression this evaluator does not read (operators, conditionals, for expressions...)."""


class _Problem(Exception):
    """An expression that cannot be evaluated as written: a missing file, a wrong argument."""


def _unquote(key: Any) -> str:
    text = str(key)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _as_text(value: Any) -> str:
    """A value interpolated into a string, as Terraform renders it."""
    if isinstance(value, Unknown):
        return value.placeholder
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return str(value)
    raise _Problem("a list or object cannot be put into a string")


def _to_json(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value.placeholder
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, FileText):
        return str(value)
    return value


@dataclass
class _Scope:
    """What references in one module (folder of .tf files) mean."""

    directory: Path
    mapping: Mapping[str, str]
    variables: dict[str, Any] = field(default_factory=dict)  # name → raw default as python-hcl2 gives it
    locals: dict[str, Any] = field(default_factory=dict)
    referenced: set[Path] = field(default_factory=set)  # files read by file/templatefile/filename
    template_vars: dict[str, Any] | None = None  # inside templatefile: its variables
    _busy: set[str] = field(default_factory=set)

    def reference(self, root: str, segments: list[Any], text: str) -> Any:
        if self.template_vars is not None:
            if root not in self.template_vars:
                return Unknown(text)
            return _traverse(self.template_vars[root], segments, text)
        mapped = self.mapping.get(text)
        if mapped is not None:
            return str(mapped)
        if root == "path" and segments and segments[0] in ("module", "root", "cwd"):
            # ".": every relative path is then read from the .tf file's folder (see `path`).
            return "." if len(segments) == 1 else Unknown(text)
        table = {"var": self.variables, "local": self.locals}.get(root)
        if table is None or not segments or not isinstance(segments[0], str) or segments[0] not in table:
            return Unknown(text)
        key = f"{root}.{segments[0]}"
        if key in self._busy:
            raise _Problem(f"{key} refers to itself")
        self._busy.add(key)
        try:
            value = evaluate(table[segments[0]], self)
        finally:
            self._busy.discard(key)
        return _traverse(value, segments[1:], text)

    def path(self, value: Any, function: str) -> Path | None:
        if isinstance(value, Unknown):
            return None
        if not isinstance(value, str):
            raise _Problem(f"{function}() needs a path")
        path = Path(value)
        # Relative to the .tf file's folder: with `${path.module}` it is exact; without, Terraform
        # would use the working directory, which is the module's folder for a root module.
        path = Path(os.path.normpath(path if path.is_absolute() else self.directory / path))
        self.referenced.add(path)
        return path

    def read(self, path: Path, function: str) -> FileText:
        try:
            return FileText.of(read_text(path), path)
        except FlowLoadError as exc:
            raise _Problem(f"{function}(): {exc.message} ({path})") from None

    def call(self, name: str, args: list[Any]) -> Any:
        if name == "file" and len(args) == 1:
            path = self.path(args[0], name)
            return Unknown("file(...)") if path is None else self.read(path, name)
        if name == "templatefile" and len(args) == 2:
            path = self.path(args[0], name)
            if path is None:
                return Unknown("templatefile(...)")
            if not isinstance(args[1], dict):
                raise _Problem("templatefile() needs a map of variables")
            inner = _Scope(self.directory, self.mapping, referenced=self.referenced, template_vars=args[1])
            rendered = _Parser(self.read(path, name), inner).template(lenient=True)
            return FileText.of(rendered if isinstance(rendered, str) else _as_text(rendered), path)
        if name == "jsonencode" and len(args) == 1:
            return args[0] if isinstance(args[0], Unknown) else json.dumps(_to_json(args[0]), ensure_ascii=False)
        if name == "jsondecode" and len(args) == 1:
            if isinstance(args[0], Unknown):
                return args[0]
            try:
                return json.loads(str(args[0]))
            except json.JSONDecodeError as exc:
                raise _Problem(f"jsondecode(): {exc.msg}") from None
        if name == "replace" and len(args) == 3:
            text, old, new = args
            if isinstance(text, Unknown):
                return text
            if not isinstance(old, str) or (old.startswith("/") and old.endswith("/") and len(old) > 1):
                raise _Unsupported("replace() with a pattern")
            replaced = str(text).replace(old, _as_text(new))
            return FileText.of(replaced, text.path) if isinstance(text, FileText) else replaced
        if name in ("trimspace", "chomp", "tostring") and len(args) == 1:
            value = args[0]
            if isinstance(value, Unknown) or name == "tostring":
                return value if isinstance(value, Unknown) else _as_text(value)
            stripped = str(value).strip() if name == "trimspace" else str(value).rstrip("\r\n")
            return FileText.of(stripped, value.path) if isinstance(value, FileText) else stripped
        raise _Unsupported(f"the function {name}()")


def _traverse(value: Any, segments: list[Any], text: str) -> Any:
    for segment in segments:
        if isinstance(value, Unknown):
            return Unknown(text)
        if isinstance(value, dict) and isinstance(segment, str) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
            value = value[segment]
        else:
            raise _Problem(f"{text}: no such attribute or index")
    return value


# Expressions ------------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class _Parser:
    """Reads one HCL expression (or template) from text and evaluates it in a scope."""

    def __init__(self, text: str, scope: _Scope) -> None:
        self.s = text
        self.i = 0
        self.scope = scope

    # lexing ----------------------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> str:
        j = self.i + ahead
        return self.s[j] if j < len(self.s) else ""

    def skip(self) -> None:
        """Whitespace, newlines and comments (newlines only separate object elements, which commas
        may do as well, so they are read as blanks)."""
        s = self.s
        while self.i < len(s):
            if s[self.i] in " \t\r\n":
                self.i += 1
            elif s.startswith("#", self.i) or s.startswith("//", self.i):
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end
            elif s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                self.i = len(s) if end < 0 else end + 2
            else:
                break

    def expect(self, char: str) -> None:
        self.skip()
        if self.peek() != char:
            raise _Unsupported(f"expected {char!r} at {self.s[self.i:self.i + 20]!r}")
        self.i += 1

    def name(self) -> str:
        match = _NAME_RE.match(self.s, self.i)
        if match is None:
            raise _Unsupported(f"unexpected {self.s[self.i:self.i + 20]!r}")
        self.i = match.end()
        return match.group(0)

    # expressions -----------------------------------------------------------------------------
    def whole(self) -> Any:
        value = self.expression()
        self.skip()
        if self.i < len(self.s):
            raise _Unsupported(f"unexpected {self.s[self.i:self.i + 20]!r}")
        return value

    def expression(self) -> Any:
        value = self.term()
        self.skip()
        if self.peek() in ("+", "-", "*", "/", "%", "<", ">", "=", "!", "&", "|", "?") and self.peek():
            if not (self.peek() == "=" and self.peek(1) == ">"):
                raise _Unsupported(f"the operator {self.peek()!r}")
        return value

    def term(self) -> Any:
        self.skip()
        c = self.peek()
        if c == '"':
            value = self.string()
        elif self.s.startswith("<<", self.i):
            value = self.heredoc()
        elif c.isdigit() or (c == "-" and self.peek(1).isdigit()):
            match = _NUMBER_RE.match(self.s, self.i)
            assert match is not None
            self.i = match.end()
            text = match.group(0)
            value = float(text) if any(ch in text for ch in ".eE") else int(text)
        elif c == "{":
            value = self.object()
        elif c == "[":
            value = self.tuple()
        elif c == "(":
            self.i += 1
            value = self.expression()
            self.expect(")")
        elif c.isalpha() or c == "_":
            return self.identifier()
        else:
            raise _Unsupported(f"unexpected {self.s[self.i:self.i + 20]!r}")
        return self.postfix(value, "(expression)")

    def identifier(self) -> Any:
        start = self.i
        name = self.name()
        if name in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[name]
        self.skip_blanks()
        if self.peek() == "(":
            self.i += 1
            args: list[Any] = []
            self.skip()
            while self.peek() != ")":
                args.append(self.expression())
                self.skip()
                if self.s.startswith("...", self.i):
                    raise _Unsupported("argument expansion (...)")
                if self.peek() == ",":
                    self.i += 1
                    self.skip()
                elif self.peek() != ")":
                    raise _Unsupported(f"unexpected {self.s[self.i:self.i + 20]!r} in {name}()")
            self.i += 1
            return self.postfix(self.scope.call(name, args), f"{name}(...)")
        if self.s.startswith("::", self.i):
            raise _Unsupported("provider functions")
        segments: list[Any] = []
        while True:
            if self.peek() == "." and (self.peek(1).isalpha() or self.peek(1) == "_"):
                self.i += 1
                segments.append(self.name())
            elif self.peek() == "." and self.peek(1).isdigit():
                self.i += 1
                match = re.match(r"\d+", self.s[self.i:])
                assert match is not None
                self.i += match.end()
                segments.append(int(match.group(0)))
            elif self.peek() == "[" and self.peek(1) != "*":
                self.i += 1
                index = self.expression()
                self.expect("]")
                if isinstance(index, Unknown):
                    return Unknown(self.s[start:self.i])
                segments.append(index)
            elif self.s.startswith(".*", self.i) or self.s.startswith("[*]", self.i):
                raise _Unsupported("splat expressions")
            else:
                break
        return self.scope.reference(name, segments, self.s[start:self.i])

    def skip_blanks(self) -> None:
        while self.peek() in (" ", "\t"):
            self.i += 1

    def postfix(self, value: Any, text: str) -> Any:
        while True:
            if self.peek() == "[" and self.peek(1) != "*":
                self.i += 1
                index = self.expression()
                self.expect("]")
                value = Unknown(text) if isinstance(index, Unknown) else _traverse(value, [index], text)
            elif self.peek() == "." and (self.peek(1).isalpha() or self.peek(1) == "_"):
                self.i += 1
                value = _traverse(value, [self.name()], text)
            else:
                return value

    def object(self) -> dict[str, Any]:
        self.i += 1
        self.skip()
        if re.match(r"for\s", self.s[self.i:]):
            raise _Unsupported("for expressions")
        out: dict[str, Any] = {}
        while True:
            self.skip()
            if self.peek() == "}":
                self.i += 1
                return out
            if self.peek() == '"':
                key: Any = self.string()
            elif self.peek() == "(":
                self.i += 1
                key = self.expression()
                self.expect(")")
            else:
                key = self.name()  # a bare key is its own text, not a reference
            if not isinstance(key, str):
                raise _Unsupported("an object key that is not known offline")
            self.skip()
            if self.peek() not in ("=", ":"):
                raise _Unsupported(f"expected '=' after {key!r}")
            self.i += 1
            out[str(key)] = self.expression()
            self.skip()
            if self.peek() == ",":
                self.i += 1

    def tuple(self) -> list[Any]:
        self.i += 1
        self.skip()
        if re.match(r"for\s", self.s[self.i:]):
            raise _Unsupported("for expressions")
        out: list[Any] = []
        while True:
            self.skip()
            if self.peek() == "]":
                self.i += 1
                return out
            out.append(self.expression())
            self.skip()
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != "]":
                raise _Unsupported(f"unexpected {self.s[self.i:self.i + 20]!r} in a list")

    # strings and templates -------------------------------------------------------------------
    def string(self) -> Any:
        self.i += 1
        return self.template(end='"', escapes=True)

    def heredoc(self) -> Any:
        match = re.compile(r"<<(-?)([A-Za-z][\w.-]*)\r?\n").match(self.s, self.i)
        if match is None:
            raise _Unsupported("a malformed heredoc")
        marker = match.group(2)
        closing = re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*\r?$", re.MULTILINE).search(self.s, match.end())
        if closing is None:
            raise _Unsupported("a heredoc without its closing marker")
        body = self.s[match.end():closing.start()]
        self.i = closing.end()
        if match.group(1):  # <<-: the common indentation is removed
            lines = body.split("\n")
            indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
            cut = min(indents, default=0)
            body = "\n".join(line[cut:] for line in lines)
        return _Parser(body, self.scope).template()

    def template(self, end: str | None = None, escapes: bool = False, lenient: bool = False) -> Any:
        """A template up to `end` (or the end of the text). `lenient`: an interpolation that cannot
        be read, or whose value is unknown, stays as written (templatefile bodies are flow JSON
        with `${Name}` placeholders that we keep for instance.placeholders)."""
        parts: list[tuple[bool, Any]] = []  # (interpolated, value)
        text: list[str] = []
        s = self.s
        while True:
            if self.i >= len(s):
                if end is not None:
                    raise _Unsupported("an unterminated string")
                break
            c = s[self.i]
            if end is not None and c == end:
                self.i += 1
                break
            if escapes and c == "\\":
                text.append(self.escape())
            elif s.startswith("$${", self.i) or s.startswith("%%{", self.i):
                text.append(s[self.i + 1:self.i + 3])
                self.i += 3
            elif s.startswith("${", self.i):
                start = self.i
                value = self.interpolation(lenient)
                if lenient and (value is _VERBATIM or isinstance(value, Unknown)):
                    text.append(s[start:self.i])
                    continue
                if text:
                    parts.append((False, "".join(text)))
                    text = []
                parts.append((True, value))
            elif s.startswith("%{", self.i):
                if not lenient:
                    raise _Unsupported("template directives (%{...})")
                text.append(c)
                self.i += 1
            else:
                text.append(c)
                self.i += 1
        if text:
            parts.append((False, "".join(text)))
        if len(parts) == 1 and parts[0][0]:
            return parts[0][1]  # "${x}" is x itself, whatever its type (as in Terraform)
        return "".join(value if not interpolated else _as_text(value) for interpolated, value in parts)

    def interpolation(self, lenient: bool) -> Any:
        start = self.i
        self.i += 2
        try:
            self.skip()
            if self.peek() == "~":
                self.i += 1
            value = self.expression()
            self.skip()
            if self.peek() == "~":
                self.i += 1
            self.expect("}")
            return value
        except _Unsupported:
            if not lenient:
                raise
            close = self.s.find("}", start)
            self.i = len(self.s) if close < 0 else close + 1
            return _VERBATIM

    def escape(self) -> str:
        nxt = self.peek(1)
        if nxt in _ESCAPES:
            self.i += 2
            return _ESCAPES[nxt]
        width = {"u": 4, "U": 8}.get(nxt)
        digits = self.s[self.i + 2:self.i + 2 + width] if width else ""
        if width and len(digits) == width and all(ch in "0123456789abcdefABCDEF" for ch in digits):
            self.i += 2 + width
            return chr(int(digits, 16))
        self.i += 1
        return "\\"


_VERBATIM = object()  # marks an interpolation kept as written


def evaluate(raw: Any, scope: _Scope) -> Any:
    """An attribute value as python-hcl2 gives it, evaluated.

    Recent python-hcl2 versions give a string literal with its quotes (`"\\"Main IVR\\""`), a
    heredoc quoted around its marker, and any other expression as `${...}` text; older ones give
    strings without quotes. Both read the same way here.
    """
    if isinstance(raw, str):
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            inner = raw[1:-1]
            if inner.startswith("<<"):
                return _Parser(inner if inner.endswith("\n") else inner + "\n", scope).whole()
            return _Parser(raw, scope).whole()
        return _Parser(raw, scope).template(escapes=False)
    if isinstance(raw, dict):
        return {_unquote(k): evaluate(v, scope) for k, v in raw.items() if not str(k).startswith("__")}
    if isinstance(raw, list):
        return [evaluate(v, scope) for v in raw]
    return raw


# Loading ----------------------------------------------------------------------------------------


@dataclass
class TerraformResult:
    """What one .tf file gave."""

    path: Path
    flows: list[Flow] = field(default_factory=list)
    errors: list[FlowLoadError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    referenced: set[Path] = field(default_factory=set)  # flow JSON files its resources read
    has_resources: bool = False


def _blocks(data: Mapping[str, Any], key: str) -> Iterable[tuple[str, Any]]:
    """(label, body) of each `key "label" {...}` block (variable, or the labels under resource)."""
    entries = data.get(key) or []
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict):
            for label, body in entry.items():
                if not str(label).startswith("__"):
                    yield _unquote(label), body


def _resources(data: Mapping[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for rtype, labelled in _blocks(data, "resource"):
        if rtype in FLOW_RESOURCES and isinstance(labelled, dict):
            for label, body in labelled.items():
                bodies = body if isinstance(body, list) else [body]  # older versions wrap in a list
                for one in bodies:
                    if isinstance(one, dict):
                        yield rtype, _unquote(label), one


def load_terraform(files: Sequence[Path], mapping: Mapping[str, str] | None = None) -> dict[Path, TerraformResult]:
    """Read .tf files, grouped by folder (a Terraform module: its variables and locals are shared).

    The flow resources of each file are loaded; every .tf file of the folder lends its variables'
    defaults and its locals. A folder none of whose files mentions a flow resource is not parsed.
    """
    results: dict[Path, TerraformResult] = {}
    by_folder: dict[Path, list[Path]] = {}
    for path in files:
        by_folder.setdefault(path.parent, []).append(path)
    for folder, wanted in by_folder.items():
        results.update(_load_module(folder, wanted, mapping or {}))
    return results


def _load_module(folder: Path, wanted: list[Path], mapping: Mapping[str, str]) -> dict[Path, TerraformResult]:
    results = {path: TerraformResult(path) for path in wanted}
    texts: dict[Path, str] = {}
    for path in sorted({*wanted, *folder.glob("*.tf")}):
        try:
            texts[path] = read_text(path)
        except FlowLoadError as exc:
            if path in results:
                results[path].errors.append(exc)
    if not any(MARKER in texts.get(path, "") for path in wanted):
        return results
    parsed: dict[Path, dict[str, Any]] = {}
    for path, text in texts.items():
        try:
            parsed[path] = parse_hcl(path, text)
        except FlowLoadError as exc:
            if path in results:
                results[path].errors.append(exc)  # a sibling's syntax error is that file's business
    scope = _Scope(folder, mapping)
    for data in parsed.values():
        for name, body in _blocks(data, "variable"):
            if isinstance(body, dict) and "default" in body:
                scope.variables[name] = body["default"]
        for entry in data.get("locals") or []:
            if isinstance(entry, dict):
                scope.locals.update({k: v for k, v in entry.items() if not str(k).startswith("__")})
    for path in wanted:
        if path in parsed:
            _load_file(path, texts[path], parsed[path], scope, results[path])
    return results


def _load_file(path: Path, text: str, data: dict[str, Any], scope: _Scope, result: TerraformResult) -> None:
    resources = list(_resources(data))
    result.has_resources = bool(resources)
    for rtype, label, body in resources:
        scope.referenced = set()
        try:
            flow = _flow(path, text, rtype, label, body, scope, result.notes)
        except FlowLoadError as exc:
            result.errors.append(exc)
            flow = None
        result.referenced |= scope.referenced
        if flow is not None:
            result.flows.append(flow)


def resource_line(text: str, rtype: str, label: str) -> int | None:
    match = re.search(rf'^[ \t]*resource[ \t]+"?{rtype}"?[ \t]+"?{re.escape(label)}"?', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _identifier_text(text: str, first_line: int | None) -> str:
    """For a flow written inline (jsonencode): a stand-in text with `"Identifier": "x"` at the
    line where the .tf file has `Identifier = "x"`, so blocks get the .tf file's line numbers."""
    if first_line is None:
        return ""
    lines = text.split("\n")
    out = [""] * len(lines)
    for number in range(first_line - 1, len(lines)):
        line = lines[number]
        if number > first_line - 1 and re.match(r"\s*resource\s", line):
            break  # the next resource
        match = re.search(r"[\"']?Identifier[\"']?\s*[=:]\s*(\"(?:[^\"\\]|\\.)*\")", line)
        if match:
            out[number] = f'"Identifier": {match.group(1)}'
    return "\n".join(out)


def _flow(
    path: Path, text: str, rtype: str, label: str, body: dict[str, Any], scope: _Scope, notes: list[str]
) -> Flow | None:
    address = f"{rtype}.{label}"
    line = resource_line(text, rtype, label)
    where = f"{path}:{line}" if line else str(path)
    is_module = FLOW_RESOURCES[rtype]

    def value(key: str) -> Any:
        try:
            return evaluate(body[key], scope) if key in body else None
        except _Unsupported as exc:
            return Unknown(f"{key}: {exc}")
        except _Problem as exc:
            raise FlowLoadError(f"{address}: {key}: {exc}", where=where) from None

    if "filename" in body:
        source = value("filename")
        if isinstance(source, str):
            file_path = scope.path(source, "filename")
            assert file_path is not None
            try:
                content: Any = scope.read(file_path, "filename")
            except _Problem as exc:
                raise FlowLoadError(f"{address}: {exc}", where=where) from None
        else:
            content = source
        what = "filename"
    elif "content" in body:
        content, what = value("content"), "content"
    else:
        raise FlowLoadError(f"{address} has neither content nor filename", where=where)
    if isinstance(content, Unknown):
        reason = content.text.split(": ", 1)[1] if content.text.startswith(f"{what}: ") else content.text
        notes.append(
            f"{where}: {address}: its {what} cannot be followed offline ({reason}); the flow JSON files it "
            "would read load on their own"
        )
        return None
    if not isinstance(content, str):
        raise FlowLoadError(f"{address}: {what} must be the flow JSON as a string", where=where)
    file_path = content.path if isinstance(content, FileText) else None
    try:
        doc = json.loads(content)
    except json.JSONDecodeError as exc:
        at = f"{file_path}:{exc.lineno}" if file_path else where
        of = f"the flow JSON in {file_path}" if file_path else f"its {what}"
        raise FlowLoadError(
            f"{address}: {of} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", where=at
        ) from None
    name = _known(value("name"))
    if name is None:
        name = (metadata_name(doc) if isinstance(doc, dict) else None) or label
        if "name" in body:
            notes.append(f"{where}: {address}: its name cannot be known offline; the flow is named {name!r}")
    flow_type = None if is_module else _known(value("type"))
    inner_type = metadata_type(doc) if isinstance(doc, dict) else None
    # A flow read from a file keeps that file's lines, and its stem names it (the file holds one
    # flow). An inline flow is never named by the .tf file's stem: `main` is in every project.
    if file_path is not None:
        source_path, lines_text, base, alone = file_path, str(content), "", True
    else:
        source_path, lines_text, base, alone = path, _identifier_text(text, line), f"/{address}/{what}", False
    return parse_flow_document(
        doc,
        source=source_path,
        name=name,
        text=lines_text,
        base=base,
        declared_type=None if is_module else (_declared_type(flow_type) or _declared_type(inner_type)),
        is_module=is_module,
        alone_in_file=alone,
        shape="terraform",
        placeholders=scope.mapping,
    )


def _known(value: Any) -> str | None:
    """A name or type known offline: a string with no unknown part."""
    if isinstance(value, str) and value.strip() and not find_placeholders(value):
        return value
    return None
