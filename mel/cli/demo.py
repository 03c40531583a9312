"""`mel demo` and `mel serve`: run mel on this machine."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import cli_errors, settings, surveys_dir
from mel.cli.context import engine as default_engine
from mel.settings import ConfigError

DEMO_ACTION = "demo.create"


def _fresh_default_database() -> str:
    """Empty the default SQLite database for the demo; refuse one that holds other data.

    `mel demo` writes the same database every other command uses by default, so that
    `mel serve`, `mel users create` or `mel report` afterwards see the demo. A database that
    `mel demo` did not make (no demo entry in its audit log) is never thrown away.
    """
    path = settings().instance_path / "mel.sqlite"
    if path.exists() and not _made_by_demo(path):
        raise ConfigError(
            f"{path} holds data that `mel demo` did not make; it is left alone. Move it away, "
            f"or give the demo another database with --database-url sqlite:////tmp/demo.sqlite"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _made_by_demo(path: Path) -> bool:
    """True when the SQLite file at `path` has no tables, or the audit entry `mel demo` writes."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            if not connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
                return True
            row = connection.execute(
                "SELECT 1 FROM auditevent WHERE action = ? LIMIT 1", (DEMO_ACTION,)
            ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None


@click.command("demo")
@click.option(
    "--database-url",
    help="Database to fill (default: a fresh mel.sqlite in the instance folder, the "
    "database every other command uses).",
)
@click.option("--seed", default=2025, show_default=True, help="Seed of the simulated data.")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.001),
    help="Multiply the number of simulated responses.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Serve the app after filling the database.",
)
@cli_errors
def demo_command(
    database_url: str | None, seed: int, scale: float, host: str, port: int, serve: bool
) -> None:
    """Create a demo database with every instrument and simulated waves, then serve it."""
    from mel.db import make_engine, session_scope, upgrade
    from mel.demo import simulate
    from mel.surveys.loader import load_catalogue
    from mel.surveys.publish import publish_catalogue

    if database_url is None:
        if not settings().default_database:
            raise ConfigError(
                "MEL_DATABASE_URL is set: `mel demo` would overwrite that database. Give "
                "--database-url explicitly to fill it, or unset MEL_DATABASE_URL."
            )
        database_url = _fresh_default_database()
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        from mel.services.privacy import record

        record(session, "cli:demo", DEMO_ACTION, seed=seed, scale=scale)
    click.echo(f"database: {engine.url.render_as_string(hide_password=True)}")
    catalogue = load_catalogue([surveys_dir()])
    if not catalogue.ok:
        for problem in catalogue.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("the survey files have problems (see above)")
    with session_scope(engine) as session:
        for result in publish_catalogue(session, catalogue):
            click.echo(str(result))
    base = f"http://{host}:{port}"
    summary = simulate(
        engine,
        seed=seed,
        scale=scale,
        folder=settings().instance_path / "demo",
        instance_path=settings().instance_path,
        secret=instance_secret(),
        base_url=base,
    )
    click.echo(str(summary))
    from mel.demo.registers import import_examples

    for imported in import_examples(engine, surveys_dir()):
        click.echo(str(imported))
    wave_file = surveys_dir() / "katapult" / "waves" / "impactmeting-2027.yaml"
    if wave_file.is_file():
        from mel.demo.realwave import real_wave

        made = real_wave(
            engine,
            wave_file=wave_file,
            folder=settings().instance_path / "demo",
            instance_path=settings().instance_path,
            seed=seed,
            base_url=base,
            secret=instance_secret(),
            sender=settings().mail_from,
        )
        click.echo(str(made))
    from mel.app import create_app
    from mel.cli.links import print_links
    from mel.services.accounts import create_demo_users

    app = create_app({"DATABASE_URL": database_url, "DEMO": True, "SECRET_KEY": instance_secret()})
    print_links(app.extensions["mel.engine"], base)
    click.echo(f"staff login at {base}/staff/login (demo accounts, new passwords each run):")
    for email, password, role, programmes in create_demo_users(engine):
        click.echo(f"  {role:11} {email}  password: {password}  ({', '.join(programmes)})")
    from mel.demo.reviews import demo_reviews

    for made in demo_reviews(engine, surveys_dir(), seed=seed, coder="researcher@demo.mel.invalid"):
        click.echo(str(made))
    if serve:
        click.echo(f"serving on {base} (Ctrl+C stops)")
        app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@cli_errors
def serve_command(host: str, port: int) -> None:
    """Serve mel with Flask's server (for production use gunicorn 'mel.wsgi:app')."""
    from mel.app import create_app
    from mel.db import current_revision

    current = settings()
    engine = default_engine()
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    if revision is None:
        raise click.ClickException(
            f"the database {current.database} has no tables yet: run `mel demo --no-serve` "
            f"for a demo, or `mel db upgrade` and `mel surveys publish` for a real one"
        )
    config: dict[str, object] = {"MEL_LOCAL_SERVER": True}
    if not current.secret_key:
        config["SECRET_KEY"] = instance_secret()
    click.echo(f"serving {current.database} on http://{host}:{port} (Ctrl+C stops)")
    click.echo(
        "  Flask's development server over plain http, for this machine; in production run "
        "gunicorn behind TLS (see the README)"
    )
    create_app(config).run(host=host, port=port, use_reloader=False, threaded=True)


def instance_secret() -> str:
    """A secret key for Flask's development server, kept in the instance folder.

    `mel demo` and `mel serve` run on this machine only; production (gunicorn) must set
    MEL_SECRET_KEY. Keeping the key in a file (readable by its owner only) lets staff logins
    and resume links survive a restart of the development server.
    """
    import secrets

    path = settings().instance_path / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key, encoding="ascii")
    return key
