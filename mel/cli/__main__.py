"""`python -m mel.cli`: the same as the `mel` command."""

from mel.cli import main

main()
