"""FinOps models. One module per area; this file only re-exports them (append a line per new module)."""

from marketplace.finops.models.allocation import *  # noqa: F403
from marketplace.finops.models.budgets import *  # noqa: F403
from marketplace.finops.models.ingest import *  # noqa: F403
from marketplace.finops.models.ingest_accounts import *  # noqa: F403
from marketplace.finops.models.optimise import *  # noqa: F403
