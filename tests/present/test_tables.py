"""The one tabular writer: formulas defused in text, numbers left numbers, stable bytes."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from mel.present.tables import (
    FORMULA_START,
    csv_bytes,
    defuse,
    file_name,
    rows_csv_bytes,
    sheet_names,
    xlsx_bytes,
)

# What an attacker types into a text answer, a unit code or a KPI label.
PAYLOADS = ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(1)", "\tx", "\rx", "\uff1d1+1", "\uff20SUM(1)"]


def table() -> pd.DataFrame:
    """Text payloads beside numbers, including negative ones, in typed and mixed columns."""
    return pd.DataFrame(
        {
            "text": PAYLOADS,
            "number": [-1.5, -1, 0, 1, 2, 3, -7, 8],
            "mixed": [-1, "=1+1", None, 2.5, "ok", -3, "-4", "+5"],
            "=label": ["a"] * len(PAYLOADS),
        }
    )


@pytest.mark.parametrize("value", PAYLOADS + ["\uff0b1", "\uff0d1"])
def test_defuse_prefixes_an_apostrophe(value: str) -> None:
    assert defuse(value) == "'" + value


def test_defuse_leaves_numbers_and_plain_text() -> None:
    assert defuse(-1) == -1 and defuse(-1.5) == -1.5 and defuse(None) is None
    assert defuse("plain - text") == "plain - text" and defuse("a=b") == "a=b"
    assert defuse("bad\x00\x07char") == "badchar"  # XML cannot hold these


def test_csv_defuses_text_and_keeps_numbers() -> None:
    content = csv_bytes(table(), heading=[("=title", "@filters")])
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert text.startswith("# '=title: '@filters\r\n")
    back = pd.read_csv(io.StringIO(text), comment="#")
    assert back["text"].tolist() == ["'" + v for v in PAYLOADS]
    assert back["number"].tolist() == [-1.5, -1, 0, 1, 2, 3, -7, 8]
    assert list(back.columns)[-1] == "'=label"
    mixed = back["mixed"].tolist()
    assert mixed[0] == "-1" and mixed[1] == "'=1+1" and mixed[6] == "'-4" and mixed[7] == "'+5"
    cells = [v for v in back.to_numpy().ravel() if isinstance(v, str)]
    assert not any(v.startswith(FORMULA_START) and not number(v) for v in cells)


def number(text: str) -> bool:
    """A number written by CSV (it has no types): no formula, whatever its sign."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_rows_csv_defuses_too() -> None:
    text = rows_csv_bytes(["unit", "n"], [('=HYPERLINK("x")', -1)]).decode("utf-8-sig")
    assert text == 'unit,n\r\n"\'=HYPERLINK(""x"")",-1\r\n'


def test_xlsx_has_no_formula_and_numbers_stay_numbers() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes({"data": table()})))
    sheet = book["data"]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    header = [c.value for c in sheet[1]]
    assert header == ["text", "number", "mixed", "'=label"]
    texts = [c.value for c in sheet["A"][1:]]
    assert all(t.startswith("'") for t in texts)
    numbers = sheet["B"][1:]
    assert [c.value for c in numbers] == [-1.5, -1, 0, 1, 2, 3, -7, 8]
    assert all(c.data_type == "n" for c in numbers)
    mixed = [c.value for c in sheet["C"][1:]]
    assert mixed == [-1, "'=1+1", None, 2.5, "ok", -3, "'-4", "'+5"]


def test_xlsx_bytes_are_stable() -> None:
    import time

    first = xlsx_bytes({"a": table(), "b": table()})
    time.sleep(1.1)  # a later second would show in any timestamp
    assert xlsx_bytes({"a": table(), "b": table()}) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        core = archive.read("docProps/core.xml")
        assert b"dcterms:created" not in core and b"dcterms:modified" not in core
        assert b">mel</dc:creator>" in core
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_sheet_names_are_valid_and_unique() -> None:
    names = sheet_names(["kpis", "KPIS", "a/b:c", "x" * 40, "x" * 40, "'quoted'", ""])
    assert names == ["kpis", "KPIS~2", "a_b_c", "x" * 31, "x" * 29 + "~2", "quoted", "sheet"]
    assert xlsx_bytes({"a/b": pd.DataFrame({"x": [1]})})  # openpyxl accepts the name


def test_an_empty_workbook_still_opens() -> None:
    assert load_workbook(io.BytesIO(xlsx_bytes({}))).sheetnames == ["empty"]


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("mel", "alpha", "w2025", "alpha-meting"), "mel-alpha-w2025-alpha-meting.csv"),
        (("mel", 'w"x;\r\nSet-Cookie: a=b'), "mel-w_x_Set-Cookie_a_b.csv"),
        (("../../etc", "passwd"), "_.._etc-passwd.csv"),
        (("..",), "mel.csv"),
        (("caf\u00e9 \u00fcber",), "caf_ber.csv"),
    ],
)
def test_file_names_are_safe(parts: tuple[str, ...], expected: str) -> None:
    assert file_name(*parts, suffix="csv") == expected
