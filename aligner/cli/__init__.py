"""The `corpus` command line (`aligner.cli.commands`): `main` is the console script."""

from aligner.cli.commands import app, main

__all__ = ["app", "main"]
