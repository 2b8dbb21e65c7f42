from pathlib import Path

import pytest

from nest_eval.ingest.datasets import ingest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def demo_ingest():
    """The embedded demo data, ingested once per test session."""
    return ingest(RAW)


@pytest.fixture(scope="session")
def demo_data(demo_ingest):
    """Accepted demo tables by dataset name."""
    return {name: d.accepted for name, d in demo_ingest.datasets.items()}
