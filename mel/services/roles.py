"""Staff roles (light: the command line's options need them without loading the database)."""

STAFF_ROLES = ("admin", "researcher", "staff")
# A unit's coordinator (e.g. of a pps) sees their own unit's progress profile, nothing else.
UNIT_ROLES = ("coordinator",)
ROLES = STAFF_ROLES + UNIT_ROLES
