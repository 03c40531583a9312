"""Read YAML with the line of every value, so that errors can name where they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Location = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads only true/false as booleans (not yes/no/on/off).

    Choice values such as `no` or `on` must stay strings; YAML 1.1 would turn them
    into booleans silently.
    """


# The same with libyaml's parser, about ten times faster; its error messages are terser,
# so a file it refuses is parsed again by the pure-Python loader to say what is wrong.
_FastLoader: type[yaml.SafeLoader] = type(
    "_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {"__doc__": _Loader.__doc__}
)

for _loader in (_Loader, _FastLoader):
    _loader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


def format_location(location: Location) -> str:
    """Render ('pages', 2, 'questions', 4, 'type') as 'pages[2].questions[4].type'."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located by path inside it and line."""

    file: str
    location: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.location or '(top)'}: {self.message}"


class FileProblems(Exception):
    """Raised when a file cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class YamlDocument:
    """A parsed YAML file with a map from locations to 1-based line numbers."""

    path: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    duplicates: list[Problem] = field(default_factory=list)

    def line(self, location: Location) -> int | None:
        """Return the line of `location`, or of its nearest located parent."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def problem(self, location: Location, message: str) -> Problem:
        """Build a Problem at `location` in this document."""
        return Problem(str(self.path), format_location(location), message, self.line(location))


def read_yaml(path: Path) -> YamlDocument:
    """Parse `path`; raise FileProblems for unreadable or malformed YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileProblems([Problem(str(path), "", f"cannot read file: {exc}")]) from None
    try:
        node, data = _parse(text, _FastLoader)
    except yaml.YAMLError:
        node, data = None, None
    try:
        if node is None and text.strip():
            node, data = _parse(text, _Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None:
            # e.g. "while parsing a flow mapping" opened on an earlier line: say where.
            reason = f"{reason} ({context} that starts on line {context_mark.line + 1})"
        raise FileProblems([Problem(str(path), "", f"invalid YAML: {reason}", line)]) from None
    doc = YamlDocument(path, data)
    if node is not None:
        _walk(node, (), doc)
    return doc


def _parse(text: str, loader_class: type[yaml.SafeLoader]) -> tuple[yaml.Node | None, Any]:
    """Compose `text` once and build its data from the same nodes."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _walk(node: yaml.Node, location: Location, doc: YamlDocument) -> None:
    doc.lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                doc.duplicates.append(
                    Problem(
                        str(doc.path),
                        format_location((*location, key)),
                        f"duplicate key {key!r}",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            _walk(value_node, (*location, key), doc)
            doc.lines[(*location, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*location, index), doc)
