"""`mel demo` and `mel serve`: run mel on this machine."""

from __future__ import annotations

from pathlib import Path

import click

from mel.cli.context import INSTANCE_PATH, cli_errors, surveys_dir
from mel.db import make_engine, session_scope, upgrade
from mel.surveys.loader import load_catalogue
from mel.surveys.publish import publish_catalogue

DEMO_DATABASE = INSTANCE_PATH / "demo.sqlite"


@click.command("demo")
@click.option("--database-url", help="Database to fill (default: a fresh instance/demo.sqlite).")
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
    from mel.demo import simulate

    if database_url is None:
        DEMO_DATABASE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO_DATABASE}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{DEMO_DATABASE}"
    engine = make_engine(database_url)
    upgrade(engine)
    catalogue = load_catalogue([surveys_dir()])
    if not catalogue.ok:
        for problem in catalogue.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("the survey files have problems (see above)")
    with session_scope(engine) as session:
        for result in publish_catalogue(session, catalogue):
            click.echo(str(result))
    summary = simulate(engine, seed=seed, scale=scale)
    click.echo(str(summary))
    base = f"http://{host}:{port}"
    from mel.app import create_app
    from mel.cli.links import print_links
    from mel.services.accounts import create_demo_users

    app = create_app({"DATABASE_URL": database_url, "DEMO": True})
    print_links(app, base)
    click.echo(f"staff login at {base}/staff/login (demo accounts, new passwords each run):")
    for email, password, role, programmes in create_demo_users(engine):
        click.echo(f"  {role:10} {email}  password: {password}  ({', '.join(programmes)})")
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

    create_app().run(host=host, port=port, use_reloader=False, threaded=True)
