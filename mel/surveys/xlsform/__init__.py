"""XLSForm import: ODK/KoboToolbox workbooks converted to mel survey definitions."""
