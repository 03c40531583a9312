"""One message catalogue: complete in nl and en, in step with the code, and the only home of
interface words (no Dutch/English literal pairs in code, no Flask in mel.i18n)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import mel
from mel.i18n import LANGUAGES, catalogue_path

PACKAGE = Path(mel.__file__).parent
ROOT = PACKAGE.parent
PLACEHOLDER = re.compile(r"{(\w+)}")
# Simulated answers of the demo are data, not interface words; survey and programme YAML
# labels are data and stay in the YAML.
NOT_INTERFACE = ("demo",)


def messages(lang: str) -> dict[tuple[str | None, str], str]:
    """Every entry of a language's .po (fuzzy ones included, as empty)."""
    with catalogue_path(lang).open("rb") as file:
        catalogue = read_po(file, locale=lang)
    return {(m.context, m.id): "" if m.fuzzy else m.string for m in catalogue if m.id}


def test_every_msgid_has_a_dutch_and_an_english_translation() -> None:
    nl, en = messages("nl"), messages("en")
    assert len(nl) > 400
    assert set(nl) == set(en), set(nl) ^ set(en)
    for key in nl:
        assert nl[key].strip() and en[key].strip(), key
        assert set(PLACEHOLDER.findall(nl[key])) == set(PLACEHOLDER.findall(en[key])), key


def test_every_msgid_the_code_uses_is_in_the_catalogue() -> None:
    """What `pybabel extract` (babel.cfg) finds in code and templates, the catalogue has."""
    method_map = [("mel/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"translate": None, "t": None, "N_": None, "pgettext": ((1, "c"), 2)}
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        ROOT, method_map, keywords=keywords, comment_tags=()
    ):
        if isinstance(message, str):
            found.add((context, message))
    assert len(found) > 400
    assert found <= set(messages("nl")), found - set(messages("nl"))


def literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def pairs_in(path: Path) -> list[str]:
    """Places in a Python file that hold Dutch and English interface words side by side."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Dict):
            keys = [literal(k) if k is not None else None for k in node.keys]
            if {"nl", "en"} <= set(keys):
                values = dict(zip(keys, node.values, strict=True))
                if any(
                    isinstance(values[lang], ast.Dict | ast.Tuple)
                    or " " in (literal(values[lang]) or "")
                    for lang in LANGUAGES
                ):
                    found.append(f"{where}: a dict keyed nl/en with words")
            tuples = [v for k, v in zip(keys, node.values, strict=True) if k is not None]
            if (
                tuples
                and all(
                    isinstance(v, ast.Tuple)
                    and len(v.elts) == 2
                    and all(literal(e) for e in v.elts)
                    for v in tuples
                )
                and any(" " in (literal(v.elts[0]) or "") for v in tuples)
            ):  # type: ignore[attr-defined]
                found.append(f"{where}: a dict of (nl, en) pairs")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            found.append(f"{where}: an inline _(lang, nl, en)")
        if isinstance(node, ast.IfExp) and isinstance(node.test, ast.Compare):
            compared = [literal(c) for c in node.test.comparators]
            texts = {literal(node.body), literal(node.orelse)}
            if set(compared) & set(LANGUAGES) and None not in texts and not texts <= {"nl", "en"}:
                found.append(f"{where}: words chosen by language")
    return found


def test_no_dutch_english_pairs_outside_the_catalogue() -> None:
    files = [
        p
        for p in PACKAGE.rglob("*.py")
        if not set(NOT_INTERFACE) & set(p.relative_to(PACKAGE).parts)
    ]
    found = [place for path in files for place in pairs_in(path)]
    assert not found, "\n".join(found)
    templates = sorted((ROOT / "templates").rglob("*.html"))
    chosen = re.compile(
        r"""["'][^"'{}]*\s[^"'{}]*["']\s+if\s+[\w.]*lang\w*\s*==\s*["'](nl|en)["']"""
    )
    assert not [str(t) for t in templates if chosen.search(t.read_text(encoding="utf-8"))]


def test_the_pair_check_finds_each_kind() -> None:
    """The check above is not blind: each former mechanism is reported."""
    sample = ROOT / "tests" / "data_i18n_sample.py"
    sample.write_text(
        'TEXT = {"a": ("een zin", "a sentence"), "b": ("nog een", "another one")}\n'
        'LABELS = {"nl": {"x": "Gewicht"}, "en": {"x": "Weight"}}\n'
        'y = _(lang, "één trap", "one stage")\n'
        'z = "procentpunt" if lang == "nl" else "percentage points"\n'
    )
    try:
        assert len(pairs_in(sample)) == 4, pairs_in(sample)
    finally:
        sample.unlink()


def test_no_flask_below_the_web_layer_in_the_catalogue_module() -> None:
    source = (PACKAGE / "i18n.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) flask", source, re.M)
