"""Web modules, one blueprint each."""
