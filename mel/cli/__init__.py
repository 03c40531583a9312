"""The `mel` command line: one module per concern, each registering its commands."""

from __future__ import annotations

import click

from mel.cli.analyse import analyse_command
from mel.cli.context import cli_errors
from mel.cli.data import data_group
from mel.cli.db import db_group
from mel.cli.demo import demo_command, serve_command
from mel.cli.fieldwork import (
    bounced_command,
    contacts_group,
    fieldwork_group,
    remind_command,
    send_command,
)
from mel.cli.invitations import invitations_group
from mel.cli.report import report_command
from mel.cli.respondents import respondents_group
from mel.cli.retention import retention_group
from mel.cli.sample import sample_group
from mel.cli.simulate import simulate_command
from mel.cli.surveys import surveys_group
from mel.cli.units import units_group
from mel.cli.users import audit_group, users_group
from mel.cli.waves import waves_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mel")
def main() -> None:
    """mel: impact surveys, design-based estimates and reports.

    Settings come from MEL_* environment variables (see README), e.g. MEL_DATABASE_URL.
    """


main.add_command(db_group)
main.add_command(surveys_group)
main.add_command(demo_command)
main.add_command(serve_command)
main.add_command(invitations_group)
invitations_group.add_command(send_command)
invitations_group.add_command(remind_command)
invitations_group.add_command(bounced_command)
main.add_command(contacts_group)
main.add_command(fieldwork_group)
main.add_command(waves_group)
main.add_command(units_group)
main.add_command(sample_group)
main.add_command(report_command)
main.add_command(simulate_command)
main.add_command(analyse_command)
main.add_command(users_group)
main.add_command(audit_group)
main.add_command(respondents_group)
main.add_command(retention_group)
main.add_command(data_group)

__all__ = ["main", "cli_errors"]
