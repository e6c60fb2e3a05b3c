"""FinOps tests write Parquet under a temporary MPS_DATA_DIR, never the checkout's var/."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def finops_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR
