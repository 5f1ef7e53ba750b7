"""The one exception type that reaches users as a one-line message (exit code 2) instead of a traceback."""


class CorpusError(Exception):
    """A problem with the user's input or environment, described in one line that names the file."""

    def __init__(self, message: str, path: object | None = None):
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {message}" if self.path else message)
