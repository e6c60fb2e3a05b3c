"""Every insights test starts with an empty cache: figures are cached per data version, and primary keys and fixed
test clocks repeat between tests after rollbacks."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()
