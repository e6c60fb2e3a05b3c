"""Background work for budgets (django-tasks; `mps worker` runs the database backend, tests the immediate one).

- `budgets_check_task()`: check every budget and send the alerts due (what `mps finops tick` runs). Idempotent: an
  alert is never sent twice, so run it as often as you like. `mps worker` runs the same check hourly on its own
  (registered as the periodic job `finops.budgets` in apps.py).
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from marketplace.finops.services.budgets import budgets_check


@task()
def budgets_check_task() -> dict[str, int]:
    return budgets_check(now=timezone.now())
