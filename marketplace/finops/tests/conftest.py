"""FinOps tests write Parquet under the temporary MPS_DATA_DIR the root conftest sets for every test."""

from __future__ import annotations

import pytest


@pytest.fixture
def finops_data_dir(data_dir):
    return data_dir
