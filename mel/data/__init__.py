"""From the database to an analysis frame: responses joined to the wave's sampling frame."""
