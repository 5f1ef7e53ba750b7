"""The data side: documents and their provenance, reading, normalising, language identification,
sentence segmentation, TMX, tables and the side-by-side page. Never imports `aligner`."""

from corpus.errors import CorpusError

__all__ = ["CorpusError"]
