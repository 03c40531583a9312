"""MkDocs hooks: the pages made at build time from the code and the survey files.

So that they never drift from what they describe, these pages are not kept in ``docs/``:

- ``programmes/<code>.md`` from ``surveys/<code>/programme.yaml`` and the instrument files
  beside it (checked by mel's own loader: a file with a problem stops the build),
- ``settings.md`` from the fields of :class:`mel.settings.Settings` and the comment above
  each (a field without one stops the build),
- ``tutorial.md`` from ``analysis/tutorial_kpi.py`` (comments at the start of a line are
  the prose, everything else the code) and ``analysis/tutorial_kpi.R``,
- ``changelog.md`` from ``CHANGELOG.md``.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import io
import tokenize
import typing
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
TUTORIAL = ROOT / "analysis" / "tutorial_kpi.py"
TUTORIAL_R = ROOT / "analysis" / "tutorial_kpi.R"
CHANGELOG = ROOT / "CHANGELOG.md"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages to the site."""
    pages = {
        "settings.md": settings_page(),
        "tutorial.md": tutorial_page(),
        "changelog.md": CHANGELOG.read_text(encoding="utf-8"),
    }
    pages.update(programme_pages())
    for uri, text in pages.items():
        files.append(File.generated(config, uri, content=text))
    return files


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Rebuild `mkdocs serve`'s site when a source of a generated page changes."""
    for path in (SURVEYS, TUTORIAL, TUTORIAL_R, CHANGELOG, ROOT / "mel" / "settings.py"):
        server.watch(str(path))
    return server


def cell(text: object) -> str:
    """Text for a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: list[str], rows: list[list[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- settings
KINDS = {bool: "true or false", int: "whole number", float: "number", Path: "folder", str: "text"}


def field_comments(cls: type) -> dict[str, str]:
    """The comment lines right above each field of the dataclass `cls`, joined."""
    source = inspect.getsource(cls)
    lines = source.splitlines()
    comments: dict[str, str] = {}
    (node,) = ast.parse(source).body
    assert isinstance(node, ast.ClassDef)
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            above, row = [], item.lineno - 2
            while row >= 0 and lines[row].strip().startswith("#"):
                above.insert(0, lines[row].strip().lstrip("#").strip())
                row -= 1
            comments[item.target.id] = " ".join(above)
    return comments


def default_text(field: dataclasses.Field[Any]) -> str:
    """The default of a settings field as the page shows it."""
    if field.default_factory is not dataclasses.MISSING:
        doc = inspect.getdoc(field.default_factory) or ""
        return doc.split(":", 1)[-1].strip().rstrip(".") or "computed"
    value = field.default
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value == "":
        return "empty"
    return f"`{value}`"


def settings_page() -> str:
    """The Settings page: one row per field of mel.settings.Settings."""
    import mel.settings as module

    cls = module.Settings
    types = typing.get_type_hints(cls)
    comments = field_comments(cls)
    rows = []
    for field in dataclasses.fields(cls):
        meaning = comments.get(field.name, "")
        if not meaning:
            raise PluginError(
                f"mel/settings.py: the field {field.name!r} of Settings has no comment above "
                f"it; the Settings page is made from those comments"
            )
        rows.append(
            [
                f"`{module.ENV_PREFIX}{field.name.upper()}`",
                KINDS.get(types[field.name], str(types[field.name])),
                default_text(field),
                meaning,
            ]
        )
    intro = inspect.getdoc(module) or ""
    return "\n\n".join(
        [
            "# Settings",
            intro,
            "Every setting, from `mel.settings.Settings` (this page is made from its fields "
            "and the comment above each):",
            table(["variable", "type", "default", "meaning"], rows),
            "A boolean is `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). Tests may "
            "set `MEL_TEST_*` variables (such as `MEL_TEST_DATABASE_URL`); they are not "
            "settings and are ignored here.",
        ]
    )


# ---------------------------------------------------------------------------- tutorial
def literate(path: Path) -> str:
    """A Python script as Markdown: comment lines at column 0 are prose, the rest code.

    The module docstring is the introduction; blank lines around code are dropped.
    """
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    doc = ast.get_docstring(tree) or ""
    first = tree.body[0]
    start = first.end_lineno if isinstance(first, ast.Expr) and doc else 0
    comment_lines = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and token.start[1] == 0
    }
    blocks: list[tuple[str, list[str]]] = []
    for number, line in enumerate(source.splitlines()[start or 0 :], start=(start or 0) + 1):
        kind = "prose" if number in comment_lines else "code"
        text = line[1:].removeprefix(" ") if kind == "prose" else line
        if kind == "code" and not line.strip() and (not blocks or blocks[-1][0] != "code"):
            continue
        if not blocks or blocks[-1][0] != kind:
            blocks.append((kind, []))
        blocks[-1][1].append(text)
    parts = [doc.split("\n\n", 1)[-1]]  # its first line is the page's title
    for kind, lines in blocks:
        body = "\n".join(lines).strip("\n")
        if not body.strip():
            continue
        parts.append(body if kind == "prose" else f"```python\n{body}\n```")
    return "\n\n".join(parts)


def tutorial_page() -> str:
    """The tutorial: the Python script, literate, then the R script."""
    r_code = TUTORIAL_R.read_text(encoding="utf-8").strip()
    return "\n\n".join(
        [
            "# Tutorial: a KPI estimate, step by step",
            "*This page is `analysis/tutorial_kpi.py` itself, its comments as text; the test "
            "suite runs it on a demo database and checks its figures against `mel analyse` "
            "and, with the script below, against R's survey package (to 1e-6).*",
            literate(TUTORIAL),
            "## 7. The same estimate in R",
            "`analysis/tutorial_kpi.R` reads the CSV of step 6, makes the design with "
            "`svydesign()` and prints the same seven columns:",
            f"```r\n{r_code}\n```",
        ]
    )


# ---------------------------------------------------------------------------- programmes
def en(text: Any) -> str:
    """English text of a bilingual label (Dutch where there is no English)."""
    return "" if text is None else text.get("en")


def programme_pages() -> dict[str, str]:
    """One page per programme folder of surveys/."""
    from mel.surveys.loader import load_catalogue

    pages = {}
    for folder in sorted(p.parent for p in SURVEYS.glob("*/programme.yaml")):
        catalogue = load_catalogue([folder])
        if not catalogue.ok:
            problems = "\n".join(str(p) for p in catalogue.problems)
            raise PluginError(f"the survey files of {folder} have problems:\n{problems}")
        for code, (path, programme) in catalogue.programmes.items():
            instruments = {
                k: (p, s) for k, (p, s) in catalogue.instruments.items() if s.programme == code
            }
            pages[f"programmes/{code}.md"] = programme_page(path, programme, instruments)
    return pages


def programme_page(path: Path, programme: Any, instruments: dict[str, Any]) -> str:
    """A programme's page: instruments, impact pathways and KPIs with their targets."""
    from mel.surveys.programme_schema import LEVELS

    where = path.relative_to(ROOT).as_posix()
    out = [f"# {en(programme.label)}"]
    if en(programme.label) != programme.label.nl:
        out.append(f"*{programme.label.nl}* · programme code `{programme.programme}`")
    else:
        out.append(f"Programme code `{programme.programme}`")
    if programme.description:
        out.append(en(programme.description))
    out.append(
        f"Units: {', '.join(programme.unit_kinds)}. This page is made from `{where}` and "
        f"the instrument files beside it when the site is built."
    )
    out.append("## Instruments")
    rows = []
    for code, (_, survey) in sorted(instruments.items()):
        questions = [q for q in survey.questions() if q.type != "note"]
        rows.append(
            [
                f"`{code}`",
                en(survey.title),
                survey.respondent,
                survey.version,
                len(survey.pages),
                len(questions),
            ]
        )
    out.append(table(["code", "title", "respondent", "version", "pages", "questions"], rows))
    out.append("## Impact pathways")
    for pathway in programme.pathways:
        out.append(f"### {en(pathway.label)}")
        out.append(f"Pathway `{pathway.code}`.")
        nodes = sorted(pathway.nodes, key=lambda n: LEVELS.index(n.level))
        out.append(
            table(["level", "node", "step"], [[n.level, f"`{n.code}`", en(n.label)] for n in nodes])
        )
        if pathway.links:
            links = [
                [f"`{link.source}`", link.relation, f"`{link.target}`", link.confidence]
                for link in pathway.links
            ]
            out.append("Links:")
            out.append(table(["from", "relation", "to", "confidence"], links))
    out.append("## KPIs")
    summary = [
        [f"[`{k.code}`](#{k.code})", en(k.label), k.estimator, f"`{k.instrument}`", k.direction]
        for k in programme.kpis
    ]
    out.append(table(["KPI", "label", "estimator", "instrument", "better"], summary))
    for kpi in programme.kpis:
        out.append(kpi_section(kpi))
    if programme.register_kpis:
        out.append(register_part(programme))
    return "\n\n".join(out) + "\n"


def register_part(programme: Any) -> str:
    """The register sources a programme declares and the KPIs on them (no sampling error)."""
    out = [
        "## Register data",
        "Figures from imported register files (see [Register data](../registers.md)): "
        "counts and shares over the whole population, without sampling error.",
    ]
    for source in programme.registers:
        columns = [
            [
                f"`{c.name}`",
                c.type,
                ", ".join(c.values) if c.values else "",
                "key" if c.name in source.key else "",
            ]
            for c in source.columns
        ]
        out.append(f"### {en(source.label)}")
        out.append(
            f"Source `{source.code}`, published by {source.publisher}; year column `{source.year}`."
        )
        out.append(table(["column", "type", "allowed values", ""], columns))
    rows = [
        [
            f"`{k.code}`",
            en(k.label),
            k.measure,
            f"`{k.value}`" + (f" / `{k.denominator}`" if k.denominator else ""),
            f"`{k.source}`",
            ", ".join(f"{t.year}: {t.value:g}" for t in k.targets) or "none",
        ]
        for k in programme.register_kpis
    ]
    out.append(table(["KPI", "label", "measure", "sum of", "source", "targets"], rows))
    return "\n\n".join(out)


def variable_text(kpi: Any) -> str:
    """How a KPI's variable is made."""
    if kpi.question:
        text = f"question `{kpi.question}`"
    else:
        e = kpi.expression
        if e.sum:
            text = "sum of " + " + ".join(f"`{q}`" for q in e.sum)
        elif e.scale:
            items = f" (statements {', '.join(e.items)})" if e.items else ""
            least = f", at least {e.min_answered} answered" if e.min_answered else ""
            text = f"scale index of `{e.scale}`{items}{least}"
        elif e.equals:
            text = f"`{e.equals[0]}` equals `{e.equals[1]}`"
        else:
            text = f"`{e.selected[1]}` selected in `{e.selected[0]}`"
    if kpi.level is not None:
        text += f", level `{kpi.level}`"
    if kpi.denominator:
        text += f" over `{kpi.denominator}`"
    if kpi.quantile is not None:
        text += f", quantile {kpi.quantile:g}"
    return text


def kpi_section(kpi: Any) -> str:
    """One KPI: definition, variable, node, baseline, targets, go/no-go."""
    unit = f" ({en(kpi.unit)})" if kpi.unit else ""
    facts = [
        ["estimator", f"{kpi.estimator} of {variable_text(kpi)}"],
        ["instrument", f"`{kpi.instrument}`"],
        ["pathway node", f"`{kpi.node}`"],
        ["better", f"{kpi.direction}{unit}"],
        ["breakdowns", ", ".join(kpi.disaggregations) or "none"],
    ]
    if kpi.baseline:
        source = f" — {kpi.baseline.source}" if kpi.baseline.source else ""
        comparable = (
            ""
            if kpi.baseline.comparable
            else " (not comparable"
            + (f": {kpi.baseline.note.get('en')}" if kpi.baseline.note else "")
            + ")"
        )
        facts.append(
            ["baseline", f"{kpi.baseline.value:g} in {kpi.baseline.year}{comparable}{source}"]
        )
    if kpi.missing != "exclude" or kpi.dont_know != "exclude":
        facts.append(["missing answers", f"{kpi.missing}; don't know: {kpi.dont_know}"])
    if kpi.targets:
        facts.append(["targets", ", ".join(f"{t.year}: {t.value:g}" for t in kpi.targets)])
    if kpi.go_no_go:
        g = kpi.go_no_go
        facts.append(["go/no-go", f"in {g.year}: go at {g.go:g}, no-go at {g.no_go:g}"])
    return "\n\n".join(
        [
            f"### {en(kpi.label)} {{ #{kpi.code} }}",
            f"`{kpi.code}` · *{kpi.label.nl}*",
            en(kpi.definition),
            "\n".join(f"- **{name}**: {value}" for name, value in facts),
        ]
    )
