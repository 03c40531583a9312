"""Staff roles (light: the command line's options need them without loading the database)."""

ROLES = ("admin", "researcher", "staff", "coordinator")
# A unit's coordinator (e.g. of a pps) sees their own unit's progress profile only.
UNIT_ROLES = ("coordinator",)
