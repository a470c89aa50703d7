"""unspin's benchmarks, simulators and calibration (see bench/README.md). Not part of the
installed package; run from the repository root (``python -m bench.quality.restore``)."""
