"""Every CSV/XLSX the staff side hands out is defused, numbers stay numbers, and no code
can break the Content-Disposition header of a download."""

from __future__ import annotations

import io
from urllib.parse import quote

import pandas as pd
import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from mel.db import session_scope
from mel.models import Programme, Response, Unit, Wave
from mel.present.tables import FORMULA_START

from .conftest import Auth, csrf_token

PAYLOADS = ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(1)"]
ODD = 'w"x;\r\nSet-Cookie: a=b'
SAFE_HEADER = r'attachment; filename="[A-Za-z0-9._-]+"'


def inert(value: object) -> bool:
    """A cell value no spreadsheet runs: not text, text not starting a formula, or a number."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return True
    try:
        float(value)
    except ValueError:
        return False
    return True


def csv_cells(content: bytes) -> list[object]:
    text = content.decode("utf-8-sig")
    frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    heading = [line for line in text.splitlines() if line.startswith("# ")]
    return [*frame.columns, *frame.to_numpy().ravel(), *heading]


def xlsx_cells(content: bytes) -> list[object]:
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)  # never a live formula
    return [c.value for c in cells]


@pytest.fixture
def poisoned(seeded: Engine) -> Engine:
    """Alpha with payloads as sectors, unit codes and text answers, and negative numbers."""
    with session_scope(seeded) as session:
        units = session.exec(
            select(Unit).join(Programme).where(Programme.code == "alpha").order_by(col(Unit.id))
        ).all()
        for i, unit in enumerate(units):
            unit.sector = PAYLOADS[i % 2]  # two groups of 16: shown
            if i < len(PAYLOADS):
                unit.code = f"{PAYLOADS[i]}{i}"
            session.add(unit)
        responses = session.exec(select(Response).order_by(col(Response.id))).all()
        for i, response in enumerate(responses):
            response.answers = {
                **response.answers,
                "toelichting": PAYLOADS[i % len(PAYLOADS)],
                "aantal": -1 - i % 3,
            }
            session.add(response)
    return seeded


@pytest.mark.parametrize(
    "path",
    [
        "exports/w2025/alpha-meting/data.csv",
        "exports/w2025/alpha-meting/data.xlsx",
        "exports/w2025/alpha-meting/codebook.csv",
        "exports/w2025/alpha-meting/codebook.xlsx",
        "fieldwork.csv?by=sector",
        "fieldwork.xlsx?by=sector",
        "kpis/aantal.csv?by=sector",
        "kpis/aantal.xlsx?by=sector",
    ],
)
def test_downloads_are_defused(
    poisoned: Engine, client: FlaskClient, auth: Auth, path: str
) -> None:
    auth.as_role("admin")
    response = client.get(f"/staff/p/alpha/{path}")
    assert response.status_code == 200, response.text[:300]
    xlsx = ".xlsx" in path
    cells = xlsx_cells(response.data) if xlsx else csv_cells(response.data)
    assert all(inert(v) for v in cells), [v for v in cells if not inert(v)]
    texts = {v for v in cells if isinstance(v, str)}
    if "data." in path or "sector" in path:  # the payloads are there, defused
        assert {"'" + p for p in PAYLOADS[:2]} <= {t.strip() for t in texts}
    if "data.xlsx" in path:  # a negative number stays a number
        sheet = load_workbook(io.BytesIO(response.data))["data"]
        header = [c.value for c in sheet[1]]
        numbers = [row[header.index("aantal")] for row in sheet.iter_rows(min_row=2)]
        assert {c.value for c in numbers} == {-1, -2, -3}
        assert all(c.data_type == "n" for c in numbers)
    if "data.csv" in path:
        back = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
        assert set(back["aantal"]) == {-1, -2, -3}
        assert set(back["toelichting"]) == {"'" + p for p in PAYLOADS}


def test_admin_links_are_defused(poisoned: Engine, client: FlaskClient, auth: Auth) -> None:
    auth.as_role("admin")
    token = csrf_token(client.get("/staff/admin/users").text)
    response = client.post(
        "/staff/p/alpha/waves/w2025/invitations",
        data={"instrument": "alpha-meting", "csrf_token": token},
    )
    assert response.status_code == 200
    links = pd.read_csv(io.BytesIO(response.data), encoding="utf-8-sig")
    assert {"'" + f"{p}{i}" for i, p in enumerate(PAYLOADS)} <= set(links["unit"])
    assert all(inert(v) for v in csv_cells(response.data))


def test_odd_codes_give_a_safe_content_disposition(
    seeded: Engine, client: FlaskClient, auth: Auth
) -> None:
    import re

    with session_scope(seeded) as session:
        wave = session.exec(select(Wave).where(Wave.code == "w2025")).first()
        assert wave is not None
        wave.code = ODD
        session.add(wave)
        programme = session.exec(select(Programme).where(Programme.code == "alpha")).one()
        programme.code = 'al"pha\nX'
        session.add(programme)
    with Session(seeded) as session:
        assert session.exec(select(Wave).where(Wave.code == ODD)).first() is not None
    auth.as_role("researcher", "alpha")
    base = f"/staff/p/{quote(chr(97) + 'l' + chr(34) + 'pha' + chr(10) + 'X', safe='')}"
    urls = [
        f"{base}/exports/{quote(ODD, safe='')}/alpha-meting/data.{fmt}"
        for fmt in ("csv", "xlsx", "sav", "dta")
    ] + [
        f"{base}/exports/{quote(ODD, safe='')}/alpha-meting/codebook.csv",
        f"{base}/fieldwork.csv?wave={quote(ODD, safe='')}",
        f"{base}/kpis/cijfer.png?wave={quote(ODD, safe='')}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        header = response.headers["Content-Disposition"]
        assert re.fullmatch(SAFE_HEADER, header), header
        assert "Set-Cookie" not in response.headers
    data = client.get(urls[0])
    assert data.headers["Content-Disposition"] == (
        'attachment; filename="mel-al_pha_X-w_x_Set-Cookie_a_b-alpha-meting.csv"'
    )
