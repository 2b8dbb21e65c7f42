from pathlib import Path

import pandas as pd
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


@pytest.fixture(scope="session")
def outcomes_with_unassessable_measure(demo_data):
    """The demo outcomes with Cardiff and Vale's GBO assessments copied as CORS scores (valid:
    0–10 within 0–40). The catalogue has no reliability, SD or reliable-change threshold for
    CORS, so those pairs are not assessable for reliable change, as every demo measure now is."""
    outcomes = demo_data["outcomes"]
    copied = outcomes[(outcomes["rpb"] == "Cardiff and Vale") & (outcomes["measure"] == "GBO")]
    return pd.concat([outcomes, copied.assign(measure="CORS")], ignore_index=True)
