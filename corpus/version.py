"""The package version, as installed: pyproject.toml is the one place it is written."""

from __future__ import annotations

from importlib import metadata


def package_version() -> str:
    try:
        return metadata.version("corpus-aligner")
    except metadata.PackageNotFoundError:
        return "0+unknown"
