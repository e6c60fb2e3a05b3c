from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from marketplace.accounts.models import Membership, Organisation, User
from marketplace.accounts.rules import InvalidOrgnr, orgnr_clean
from marketplace.accounts.services import api_token_create


class Command(BaseCommand):
    help = "API tokens. `mps token create --user USERNAME [--orgnr ORGNR] [--name NAME]` prints a new token once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True)
        parser.add_argument("--orgnr", help="Organisation the token acts for (default: the user's only one)")
        parser.add_argument("--name", default="")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['user']!r}.")
        organisations = Organisation.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organisation")
        ).order_by("name")
        if options["orgnr"]:
            try:
                orgnr = orgnr_clean(options["orgnr"])
            except InvalidOrgnr as exc:
                raise CommandError(str(exc)) from exc
            organisation = organisations.filter(orgnr=orgnr).first()
            if organisation is None:
                raise CommandError(f"{user.username} has no role in organisation {orgnr}.")
        elif organisations.count() == 1:
            organisation = organisations.get()
        elif not organisations.exists():
            raise CommandError(f"{user.username} has no role in any organisation.")
        else:
            listed = ", ".join(f"{o.orgnr} ({o.name})" for o in organisations)
            raise CommandError(
                f"{user.username} acts for several organisations; choose one with --orgnr: {listed}"
            )
        token, secret = api_token_create(
            actor=None, user=user, organisation=organisation, name=options["name"]
        )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "token": secret,
                        "prefix": token.prefix,
                        "user": user.username,
                        "orgnr": organisation.orgnr,
                    }
                )
            )
        else:
            self.stdout.write(secret)
