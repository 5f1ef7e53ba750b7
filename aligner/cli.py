"""The `corpus` command line: a thin typer layer over the library. Each command is a small typed function
whose docstring is its help text. User errors print one line on stderr and exit with code 2; `--debug`
shows the traceback instead."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from corpus.errors import CorpusError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Offline parallel-corpus tool: align translations sentence by sentence, write TMX, score fidelity.",
)


@app.callback()
def _global(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors.")) -> None:
    if debug:
        os.environ["CORPUS_DEBUG"] = "1"


# ---- commands: each one a small function over the library API (sections owned by their modules) ----


def main() -> None:
    """Entry point of the `corpus` console script."""
    debug = "--debug" in sys.argv or os.environ.get("CORPUS_DEBUG")
    try:
        app(standalone_mode=False)
    except CorpusError as exc:
        if debug:
            raise
        print(f"corpus: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("corpus: interrupted", file=sys.stderr)
        sys.exit(130)
    except (typer.Exit, SystemExit) as exc:
        code = getattr(exc, "exit_code", getattr(exc, "code", 0))
        sys.exit(code or 0)
    except Exception as exc:  # click usage errors and anything unexpected: one line, no traceback
        import click

        if isinstance(exc, click.exceptions.UsageError):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            print("corpus: aborted", file=sys.stderr)
            sys.exit(130)
        if debug:
            raise
        print(f"corpus: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
