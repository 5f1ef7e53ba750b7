"""The algorithm side, built on `corpus`: similarity features, the alignment search, document alignment,
multi-language merging, fidelity scoring, evaluation, and the `corpus` command line."""
