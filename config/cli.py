"""The `mps` command: a thin wrapper over Django's management commands.

`mps demo`, `mps seed-demo`, `mps runserver`, `mps worker`, `mps token create --user NAME`,
`mps audit verify`, `mps import-enhetsregisteret FILE`, `mps ocds export`, `mps calloffs tick` ...
Anything else is passed to manage.py.
"""

from __future__ import annotations

import os
import sys

# mps sub-command -> Django management command
ALIASES = {
    "seed-demo": "seed_demo",
    "worker": "worker",
    "token": "token",
    "audit": "audit",
    "import-enhetsregisteret": "import_enhetsregisteret",
    "demo": "demo",
    "reindex": "reindex",
    "calloffs": "calloffs_tick",  # mps calloffs tick
    "finops": "finops",  # mps finops import|check|report ...
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["mps", *args])


if __name__ == "__main__":
    main()
