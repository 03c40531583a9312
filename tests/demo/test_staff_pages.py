"""After `mel demo`, every staff page an admin can reach answers, and every wave's design
is the wave file `mel waves create` would have stored (issue #11: nothing may 500)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from click.testing import CliRunner
from sqlmodel import Session, select

from mel.app import create_app
from mel.cli import main
from mel.db import make_engine
from mel.models import Wave
from mel.services.sampling.wavefile import WaveFile
from tests.staff.conftest import csrf_token

LINK = re.compile(r'href="(/staff/[^"#]*)"')


def test_every_staff_page_of_the_demo_answers(db_url: str) -> None:
    result = CliRunner().invoke(
        main, ["demo", "--no-serve", "--scale", "0.05", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    engine = make_engine(db_url)
    with Session(engine) as session:
        for wave in session.exec(select(Wave)).all():
            if wave.design:  # the wave file it was made from, as pages and commands read it
                assert WaveFile.model_validate(wave.design).wave == wave.code
    engine.dispose()
    password = re.search(r"admin@demo\.mel\.invalid\s+password: (\S+)", result.output)
    assert password, result.output
    client = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "test-secret"}).test_client()
    page = client.get("/staff/login")
    form = {"email": "admin@demo.mel.invalid", "password": password.group(1)}
    login = client.post("/staff/login", data={**form, "csrf_token": csrf_token(page.text)})
    assert login.status_code == 303
    seen: set[str] = set()
    todo, failed = deque(["/staff/"]), []
    while todo:
        path = todo.popleft()
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        if answer.status_code >= 500:
            failed.append(path)
        if answer.mimetype != "text/html":
            continue
        for href in LINK.findall(answer.text):
            target = urljoin(path, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if "lang=" not in parts.query and not parts.path.endswith("/logout"):
                todo.append(target)
    assert len(seen) > 100 and "/staff/p/katapult/samples" in seen
    assert failed == []
