"""Staff roles (light: the command line's options need them without loading the database)."""

ROLES = ("admin", "researcher", "staff")
