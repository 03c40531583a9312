"""Packaging: mel's packages, plus the top-level folders a built wheel must carry.

`templates/`, `migrations/` and `surveys/` sit at the top of the project (the layout the
design fixes) and are shipped inside the package as `mel._templates`, `mel._migrations` and
`mel._surveys`, where `mel.settings.project_path` finds them in an installed wheel. Folders
of data (static files, templates, survey files) are namespace packages, so that setuptools
ships their files as package data. Everything else is in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

DATA_FILES = [
    "*.html",
    "*.css",
    "*.js",
    "*.svg",
    "*.ico",
    "*.png",
    "*.yaml",
    "*.csv",
    "*.xlsx",
    "*.md",
    "*.txt",
    "*.ini",
    "*.mako",
    "*.po",
    "*.mo",
    "README",
]
FOLDERS = {
    "mel._templates": "templates",
    "mel._migrations": "migrations",
    "mel._surveys": "surveys",
}


def data_packages(package: str, folder: str) -> list[str]:
    """`package` and one package per sub-folder of `folder` (caches left out)."""
    found = [package]
    for path in sorted(Path(folder).rglob("*")):
        if path.is_dir() and "__pycache__" not in path.parts:
            found.append(".".join([package, *path.relative_to(folder).parts]))
    return found


setup(
    packages=[
        *find_namespace_packages(include=["mel", "mel.*"], exclude=["*.__pycache__"]),
        *(name for package, folder in FOLDERS.items() for name in data_packages(package, folder)),
    ],
    package_dir=FOLDERS,
    package_data={"": DATA_FILES},
)
