"""Importing a large XLSForm saved the way LibreOffice saves it: mel beside pyxform.

    python bench/xlsform.py [--questions 3000] [--repeat 3]

Writes a form of `--questions` integer questions in groups of 100 (each with a constraint,
and from the second group on a relevant on the first question) and a 2,000-row choices
sheet, once as openpyxl saves it and once made to look saved by LibreOffice: every sheet
declares the whole grid (A1:AMJ1048576) as its used range and has an empty cell in its
last corner, which makes readers that trust the declaration build a billion empty cells
(issue #17: 191 s and 8.5 GB). Each import runs in its own process, `--repeat` times;
the table gives the fastest wall time of the import itself and the process's peak memory
(max RSS, with the interpreter and imports), for `mel surveys import-xlsform`'s converter
and for pyxform's xls2xform (no ODK Validate) in the same run. Goal: mel within 3× of
pyxform's time. Needs `pip install pyxform` (in the `bench` extra).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

GOAL = 3.0
HUGE = "A1:AMJ1048576"
CHILD = r"""
import json, resource, sys, time
tool, path = sys.argv[1], sys.argv[2]
if tool == "mel":
    from mel.surveys.xlsform.convert import convert_xlsform
    start = time.perf_counter()
    result = convert_xlsform(path, programme="katapult")
    result.to_yaml()
    detail = f"{sum(len(p['questions']) for p in result.definition['pages'])} questions"
else:
    from pyxform.xls2xform import convert
    start = time.perf_counter()
    result = convert(xlsform=path, validate=False)
    detail = f"{len(result.xform)} characters of XForm"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "detail": detail}))
"""


def write_form(path: Path, questions: int) -> None:
    """Write a plain XLSForm with `questions` questions and a 2,000-row choices sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(
        ["type", "name", "label::Nederlands (nl)", "label::English (en)", "hint::Nederlands (nl)"]
        + ["required", "relevant", "constraint", "appearance"]
    )
    survey.append(["begin group", "deel_1", "Deel 1", "Part 1", "", "", "", "", "field-list"])
    for i in range(questions):
        relevant = "${q0} >= 1" if i >= 100 else ""  # refers to the first page
        survey.append(
            ["integer", f"q{i}", f"Vraag {i}", f"Question {i}", "Een getal", "yes", relevant]
            + [". >= 0 and . <= 1000"]
        )
        if i and i % 100 == 0:
            survey.append(["end group"])
            survey.append(["begin group", f"deel_{i}", f"Deel {i}", f"Part {i}"])
    survey.append(["select_one grote_lijst", "keuze", "Keuze", "Choice"])
    survey.append(["end group"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::Nederlands (nl)", "label::English (en)"])
    for i in range(2000):
        choices.append(["grote_lijst", f"k{i}", f"Keuze {i}", f"Choice {i}"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Groot formulier", "groot", 1, "Nederlands (nl)"])
    book.save(path)


def libreoffice_like(plain: Path, path: Path) -> None:
    """Copy `plain`, declaring the whole grid as used range, with a cell in its corner."""
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = re.sub(
                    r'<dimension ref="[^"]*"/>', f'<dimension ref="{HUGE}"/>', data.decode()
                )
                corner = (
                    '<row r="1048576"><c r="AMJ1048576" t="inlineStr"><is><t></t></is></c></row>'
                )
                data = text.replace("</sheetData>", f"{corner}</sheetData>").encode()
            out.writestr(item, data)


def run(tool: str, path: Path, repeat: int) -> dict:
    """Import `path` with `tool` in fresh processes; keep the fastest run."""
    best: dict | None = None
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, tool, str(path)],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode:
            return {"seconds": float("nan"), "peak_mb": float("nan"), "detail": done.stderr[-300:]}
        found = json.loads(done.stdout.strip().splitlines()[-1])
        if best is None or found["seconds"] < best["seconds"]:
            best = found
    assert best is not None
    return best


def main() -> None:
    """Write both workbooks, import each with mel and pyxform, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        plain, saved = Path(folder) / "plain.xlsx", Path(folder) / "libreoffice.xlsx"
        write_form(plain, args.questions)
        libreoffice_like(plain, saved)
        print(f"{args.questions} questions, 2000 choices; best of {args.repeat}")
        print(f"{'workbook':<18}{'tool':<9}{'import s':>10}{'peak MB':>10}  detail")
        ratios = []
        for label, path in (("openpyxl-saved", plain), ("LibreOffice-like", saved)):
            times = {}
            for tool in ("mel", "pyxform"):
                found = run(tool, path, args.repeat)
                times[tool] = found["seconds"]
                print(
                    f"{label:<18}{tool:<9}{found['seconds']:>10.2f}{found['peak_mb']:>10.0f}"
                    f"  {found['detail']}"
                )
            ratios.append((label, times["mel"] / times["pyxform"]))
        for label, ratio in ratios:
            verdict = "met" if ratio <= GOAL else "NOT met"
            print(f"{label}: mel/pyxform = {ratio:.2f}× (goal ≤ {GOAL:g}×: {verdict})")


if __name__ == "__main__":
    main()
