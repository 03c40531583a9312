"""A built wheel, installed in a fresh virtualenv, runs the demo, serves pages and prints a PDF.

Nothing of the source checkout may be used: the wheel is installed without dependencies
into a new virtualenv that borrows only the third-party packages of the running one, and
every command runs from a folder outside the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    """Run a command; fail the test with its output when it fails."""
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh virtualenv with mel installed from a wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEL_")}
    env["MPLBACKEND"] = "Agg"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work), str(ROOT)],
        cwd=work,
        env=env,
    )
    wheel = next(work.glob("mel-*.whl"))
    target = work / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    purelib = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    # Third-party packages only: the running environment's site-packages as a plain path (its
    # .pth files, among them the editable install of this checkout, are not processed).
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        cwd=work,
        env=env,
    )
    return target, env


def test_the_wheel_carries_what_mel_needs(installed: tuple[Path, dict[str, str]]) -> None:
    target, env = installed
    where = run(
        [
            str(target / "bin" / "python"),
            "-c",
            textwrap.dedent("""
        import mel, mel.settings as s
        print(mel.__file__)
        for name in ("templates", "migrations", "surveys"):
            print(s.project_path(name))
        print(s.load_settings().database)
        from mel.i18n import catalogue_path, translate
        print(catalogue_path("en"))  # the message catalogue ships as .po, read without compiling
        assert translate("status_not_met", "en") == "not met", "catalogue"
    """),
        ],
        cwd=target,
        env=env,
    ).split()
    assert all(str(target) in line for line in where), where
    assert str(ROOT) not in " ".join(where)


def test_the_installed_demo_serves_pages_and_prints_a_pdf(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    target, env = installed
    mel = str(target / "bin" / "mel")
    output = run([mel, "demo", "--no-serve", "--scale", "0.02"], cwd=tmp_path, env=env)
    assert f"sqlite:///{target / 'var' / 'mel-instance' / 'mel.sqlite'}" in output
    link = next(
        word
        for line in output.splitlines()
        for word in line.split()
        if word.startswith("http") and "/s/dw-impactmonitor/" in word
    )
    pages = run(
        [
            str(target / "bin" / "python"),
            "-c",
            textwrap.dedent(f"""
        from mel.app import create_app
        client = create_app({{"DEMO": True}}).test_client()
        for path in ("/", {link.split("5000", 1)[1]!r}, "/staff/login", "/healthz"):
            response = client.get(path)
            print(path, response.status_code, len(response.data))
    """),
        ],
        cwd=tmp_path,
        env=env,
    )
    assert [line.split()[1] for line in pages.splitlines()] == ["200"] * 4, pages
    out = tmp_path / "report"
    run(
        [
            mel,
            "report",
            "--programme",
            "digitale-werkplaatsen",
            "--wave",
            "latest",
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        env=env,
    )
    pdfs = list(out.glob("*.pdf"))
    assert pdfs and pdfs[0].read_bytes().startswith(b"%PDF")
