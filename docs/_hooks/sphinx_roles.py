"""A griffe extension: Sphinx roles in mel's numpydoc docstrings become links on the site.

mel's docstrings follow numpydoc, which cross-references with Sphinx roles such as
``:class:`~mel.analysis.results.Estimate``` or ``:meth:`Design.difference_by```. Markdown
would show those literally. Each role becomes the name in code font, linked to the object's
entry when the site documents it (an *optional* autorefs reference: a name the site does
not document stays plain code, never a broken link). A leading ``~`` shows only the last
part of the name, as in Sphinx. Relative names are looked up from the docstring's own
class, module and package, then in ``mel.analysis``.
"""

from __future__ import annotations

import html
import re
from typing import Any

from griffe import Extension, GriffeLoader, Module, Object

ROLE = re.compile(r":(?:py:)?(?:mod|class|func|meth|attr|data|exc|obj):`(~?)\.?([\w.]+)`")
# reStructuredText's "text::" introduces a literal block and reads as "text:".
LITERAL = re.compile(r"(?<=\S)::$", re.M)
# A line of a References section that starts an entry: "Author, A. (1999). Title..."
REFERENCE = re.compile(r"^(?=[A-Z][^\n]{0,120}?\(\d{4}[a-z]?\)\.)", re.M)
SECTION = re.compile(r"^References\n-+\n(.*?)(?=\n\S[^\n]*\n-+\n|\Z)", re.M | re.S)


def _exists(loader: GriffeLoader, path: str) -> bool:
    try:
        loader.modules_collection.get_member(path)
    except (KeyError, ValueError, AttributeError):
        return False
    return True


def _resolve(loader: GriffeLoader, obj: Object, target: str) -> str | None:
    """The full path `target` names when written in the docstring of `obj`, if any."""
    scopes = [obj.path, obj.parent.path if obj.parent else "", obj.module.path]
    scopes += [obj.package.path, "mel.analysis"]
    candidates = [target] if target.startswith("mel.") else []
    candidates += [f"{scope}.{target}" for scope in scopes if scope]
    return next((path for path in candidates if _exists(loader, path)), None)


def _walk(obj: Object) -> list[Object]:
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias:
            found.extend(_walk(member))  # type: ignore[arg-type]
    return found


class SphinxRoles(Extension):
    """Rewrite Sphinx roles in the docstrings of a loaded package (see the module docstring)."""

    def on_package(self, *, pkg: Module, loader: GriffeLoader, **kwargs: Any) -> None:
        """Rewrite every docstring of `pkg` once it is loaded."""
        for obj in _walk(pkg):
            if obj.docstring is None:
                continue

            def link(match: re.Match[str], obj: Object = obj) -> str:
                short, target = match.group(1) == "~", match.group(2)
                text = html.escape(target.rsplit(".", 1)[-1] if short else target)
                path = _resolve(loader, obj, target)
                if path is None:
                    return f"<code>{text}</code>"
                ref = html.escape(path)
                return f'<autoref identifier="{ref}" optional><code>{text}</code></autoref>'

            text = LITERAL.sub(":", ROLE.sub(link, obj.docstring.value))
            obj.docstring.value = SECTION.sub(_references, text)


def _references(match: re.Match[str]) -> str:
    """A References section with one list item per entry (Markdown would join the lines)."""
    return "References\n----------\n" + REFERENCE.sub("- ", match.group(1))
