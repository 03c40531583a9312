"""The `mel` command line: one module per concern, each loaded only when its command runs.

COMMANDS maps each subcommand's name to "module:attribute"; a new command is one line here
(its module imports click and mel.cli.context at the top, everything heavy in its body).
"""

from __future__ import annotations

import click

from mel.cli.context import cli_errors
from mel.cli.lazy import LazyGroup

COMMANDS = {
    "analyse": "mel.cli.analyse:analyse_command",
    "audit": "mel.cli.users:audit_group",
    "contacts": "mel.cli.fieldwork:contacts_group",
    "data": "mel.cli.data:data_group",
    "db": "mel.cli.db:db_group",
    "demo": "mel.cli.demo:demo_command",
    "fieldwork": "mel.cli.fieldwork:fieldwork_group",
    "invitations": "mel.cli.invitations:invitations_group",
    "report": "mel.cli.report:report_command",
    "respondents": "mel.cli.respondents:respondents_group",
    "retention": "mel.cli.retention:retention_group",
    "sample": "mel.cli.sample:sample_group",
    "serve": "mel.cli.demo:serve_command",
    "simulate": "mel.cli.simulate:simulate_command",
    "surveys": "mel.cli.surveys:surveys_group",
    "units": "mel.cli.units:units_group",
    "users": "mel.cli.users:users_group",
    "waves": "mel.cli.waves:waves_group",
}


@click.group(
    cls=LazyGroup,
    lazy_subcommands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="mel")
def main() -> None:
    """mel: impact surveys, design-based estimates and reports.

    Settings come from MEL_* environment variables (see README), e.g. MEL_DATABASE_URL.
    """


__all__ = ["COMMANDS", "main", "cli_errors"]
