"""A review server for tests: the real Flask app on werkzeug's server, on a free port, in a thread."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from werkzeug.serving import make_server

from corpus.review.server import create_app


@contextlib.contextmanager
def running(out: Path, token: str | None = None):
    """Serve OUT until the block ends; yields (base URL, token)."""
    app = create_app(out, token=token)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app.config["TOKEN"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
