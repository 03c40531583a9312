"""Disclosure control: which figures may be shown, for tables of every shape."""
