"""Where the time of one `corpus align --presegmented` goes: start-up, reading, embedding, features, search,
writing. Runs in-process with the embedder's disk cache off (a cold run), timing the library's own steps.

    python benchmarks/phases.py SRC TGT SRC_LANG TGT_LANG [--json]

Run it with PYTHONPATH pointing at another checkout to time that version of the library the same way
(`python -m benchmarks.bench --baseline-rev REV` does so for a git revision).
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager

PHASES = ("start-up", "reading", "embedding", "features", "search", "writing")


class Clock:
    """Wall seconds per phase; time spent embedding inside a feature or a search step counts as embedding."""

    def __init__(self):
        self.seconds = dict.fromkeys(PHASES, 0.0)
        self._stack: list[str] = []

    @contextmanager
    def phase(self, name: str):
        outer = self._stack[-1] if self._stack else None
        self._stack.append(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - start
            self._stack.pop()
            self.seconds[name] += spent
            if outer is not None:
                self.seconds[outer] -= spent  # the outer phase keeps only its own time

    def wrap(self, owner, attribute: str, name: str) -> None:
        original = getattr(owner, attribute)

        def timed(*args, **kwargs):
            with self.phase(name):
                return original(*args, **kwargs)

        setattr(owner, attribute, timed)


def measure(src_path: str, tgt_path: str, src_lang: str, tgt_lang: str) -> dict:
    clock = Clock()
    with clock.phase("start-up"):
        from aligner.align import aligner as aligner_module
        from aligner.align import features, search
        from aligner.align.links import write_links
        from aligner.models import embed

        embedder = embed.Embedder(cache=False)
        embedder.model.encode(["."])  # the model's weights
    for method in ("encode", "encode_document", "encode_documents", "encode_runs"):
        if hasattr(embed.Embedder, method):
            clock.wrap(embed.Embedder, method, "embedding")
    for feature in features.FEATURES.values():
        clock.wrap(feature, "scores", "features")
    for cls in (features.DictionaryOverlap, features.RunEmbedding):
        clock.wrap(cls, "scores", "features")
    for step in ("coarse_to_fine", "best_path"):
        clock.wrap(search, step, "search")
    for step in ("detach_strays", "detach_foreign_edges"):
        if hasattr(aligner_module, step):
            clock.wrap(aligner_module, step, "search")
    with clock.phase("reading"):
        try:
            from corpus.reading.presegmented import read_sentence_lines
        except ImportError:  # before the layout of issue 18
            from aligner.align import read_presegmented as read_sentence_lines
        src_lines, src_numbers = read_sentence_lines(src_path)
        tgt_lines, tgt_numbers = read_sentence_lines(tgt_path)
    started = time.perf_counter()
    alignment = aligner_module.Aligner([src_lines[k] for k in src_numbers], [tgt_lines[k] for k in tgt_numbers],
                                       src_lang, tgt_lang, embedder=embedder).align()
    total_align = time.perf_counter() - started
    # what the aligner spent outside the timed steps (combining scores, building links) counts as search
    clock.seconds["search"] += total_align - sum(clock.seconds[p] for p in ("embedding", "features", "search"))
    with clock.phase("writing"):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            write_links(alignment.links, f"{tmp}/out.links")
    return {"seconds": clock.seconds, "signature": alignment.signature,
            "sentences": [len(src_numbers), len(tgt_numbers)]}


def main(argv: list[str]) -> int:
    src, tgt, src_lang, tgt_lang = argv[:4]
    result = measure(src, tgt, src_lang, tgt_lang)
    if "--json" in argv:
        print(json.dumps(result))
    else:
        for name in PHASES:
            print(f"{name:10s} {result['seconds'][name]:7.2f} s")
        print(result["signature"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
