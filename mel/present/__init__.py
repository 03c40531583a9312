"""Presentation of numbers and charts, shared by reports, dashboards and exports."""
