"""The algorithm side, built on `corpus`: similarity features, the alignment search, document alignment,
multi-language merging, fidelity scoring, evaluation, and the `corpus` command line."""


def __getattr__(name: str):
    # `from aligner import Aligner` without importing numpy/polars for every `corpus` command
    if name in ("Aligner", "Alignment"):
        from aligner.align import aligner as align
        return getattr(align, name)
    raise AttributeError(f"module 'aligner' has no attribute {name!r}")


__all__ = ["Aligner", "Alignment"]
