"""Services: what the web and the command line do with the database, without Flask."""
