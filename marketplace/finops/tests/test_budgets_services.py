"""Budget services: create/update/delete with audit and validation (nothing stored on bad input), and
`budgets_check`: alerts by actual and forecast, once only, counting only the budget's rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from marketplace.accounts.models import Role
from marketplace.accounts.tests.factories import OrganisationFactory
from marketplace.catalogue.tests.helpers import acting
from marketplace.core.exceptions import PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from marketplace.finops.models import Budget, BudgetAlert, ExchangeRate, FinopsNotice
from marketplace.finops.selectors.budgets import budget_status
from marketplace.finops.services.budgets import (
    BudgetInput,
    budget_create,
    budget_delete,
    budget_update,
    budgets_check,
)
from marketplace.finops.tests.helpers import cost_row, store_costs

pytestmark = pytest.mark.django_db
D = Decimal
# Jan–Sep 5 % each, October 40 %, November 5 %, December 10 %.
PHASING = [D(5)] * 9 + [D(40), D(5), D(10)]
NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)  # yesterday in Oslo: Friday 20 November


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def data(**overrides) -> BudgetInput:
    values = {"name": "Skydrift", "year": 2026, "amount": D("100000"), "phasing": list(PHASING)}
    values.update(overrides)
    return BudgetInput(**values)


@pytest.fixture
def check(django_capture_on_commit_callbacks):
    """budgets_check with the after-commit e-mails run."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return budgets_check(now=now)

    return run


@pytest.fixture
def org():
    return OrganisationFactory()


@pytest.fixture
def analyst(org):
    user = acting(org, Role.FINOPS_ANALYST)
    user.email = "analytiker@example.no"
    user.save()
    return user


def test_create_stores_the_budget_and_an_audit_event(org, analyst):
    budget = budget_create(actor=analyst, organisation=org, data=data(owner_emails=["Eier@Example.no"]))
    assert (budget.name, budget.year, budget.amount, budget.owner_emails) == (
        "Skydrift",
        2026,
        D("100000"),
        ["eier@example.no"],
    )
    assert budget.phasing == ["5"] * 9 + ["40", "5", "10"]
    assert budget.month_amount(10) == D("40000.00")
    event = AuditEvent.objects.get(verb="budget.created")
    assert (event.target_id, event.organisation_id, event.data["amount"]) == (
        str(budget.pk),
        org.pk,
        "100000",
    )


def test_default_phasing_is_even_and_sums_to_100(org, analyst):
    budget = budget_create(actor=analyst, organisation=org, data=data(phasing=None, amount=D("120000")))
    assert sum(D(s) for s in budget.phasing) == D(100)
    assert [budget.month_amount(m) for m in (1, 12)] == [D("9996.00"), D("10008.00")]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phasing": [D(8)] * 12}, "phasing", "Månedsfordelingen må summere til 100 % (nå 96 %)."),
        ({"phasing": [D(10)] * 11}, "phasing", "Månedsfordelingen må ha tolv andeler."),
        (
            {"phasing": [D(-10), D(30)] + [D(8)] * 10},
            "phasing",
            "Andelene i månedsfordelingen kan ikke være negative.",
        ),
        ({"amount": D("-1")}, "amount", "Beløpet kan ikke være negativt."),
        ({"year": 1999}, "year", "Året må være mellom 2000 og 2100."),
        ({"year": 2101}, "year", "Året må være mellom 2000 og 2100."),
        ({"scope_kind": "cost_centre"}, "cost_centre", "Oppgi kostnadssted."),
        ({"scope_kind": "tag", "tag_key": "env"}, "tag_value", "Oppgi taggverdi."),
        ({"owner_emails": ["ikke-epost"]}, "owner_emails", "Ugyldig e-postadresse: ikke-epost"),
    ],
)
def test_bad_input_is_refused_with_a_norwegian_message_and_nothing_stored(
    org, analyst, overrides, field, message
):
    with pytest.raises(ValidationFailed) as info:
        budget_create(actor=analyst, organisation=org, data=data(**overrides))
    assert info.value.errors == [{"field": field, "message": message}]
    assert Budget.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="budget.created").exists()


def test_update_and_delete_are_audited_and_need_the_role(org, analyst):
    budget = budget_create(actor=analyst, organisation=org, data=data())
    buyer = acting(org, Role.BUYER)
    with pytest.raises(PermissionDenied):
        budget_update(actor=buyer, budget=budget, data=data(amount=D(1)))
    with pytest.raises(PermissionDenied):
        budget_delete(actor=buyer, budget=budget)
    budget.refresh_from_db()
    assert budget.amount == D("100000.00")

    budget_update(
        actor=analyst, budget=budget, data=data(amount=D("5"), scope_kind="tag", tag_key="env", tag_value="p")
    )
    budget.refresh_from_db()
    assert (budget.amount, budget.tag_key, budget.tag_value) == (D("5.00"), "env", "p")
    budget_delete(actor=analyst, budget=budget)
    assert not Budget.objects.exists()
    assert list(
        AuditEvent.objects.filter(verb__startswith="budget.").values_list("verb", flat=True).order_by("id")
    ) == [
        "budget.created",
        "budget.updated",
        "budget.deleted",
    ]


def test_other_organisation_cannot_create(org):
    outsider = acting(OrganisationFactory(), Role.FINOPS_ANALYST)
    with pytest.raises(PermissionDenied):
        budget_create(actor=outsider, organisation=org, data=data())
    assert Budget.objects.count() == 0


def test_actual_crossing_80_percent_alerts_once_by_email_and_in_app(org, analyst, check):
    budget = budget_create(actor=analyst, organisation=org, data=data())
    # A recurring 4100 NOK charge on 1 November: 82 % of November's 5000; nothing more is expected this month.
    store_costs(org, [cost_row(dt.date(2026, 11, 1), "4100", ChargeFrequency="Recurring")])
    assert check(NOW) == {"checked": 1, "sent": 1}
    alert = BudgetAlert.objects.get()
    assert (alert.budget, alert.month, alert.threshold, alert.basis, alert.value_amount, alert.sent_at) == (
        budget,
        dt.date(2026, 11, 1),
        80,
        "actual",
        D("4100.00"),
        NOW,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["analytiker@example.no"]
    assert message.subject == "Budsjettvarsel: Skydrift har nådd 80 % i november 2026"
    assert message.body.startswith(
        "De faktiske kostnadene i november 2026 er 4\u00a0100,00 NOK, som er 82,0 % av månedsbudsjettet på "
        "5\u00a0000,00 NOK for «Skydrift»."
    )
    assert f"/finops/budsjett/{budget.pk}/" in message.body
    notice = FinopsNotice.objects.get()
    assert (notice.organisation, notice.budget, notice.subject) == (org, budget, message.subject)
    assert AuditEvent.objects.filter(verb="budget.alert_sent").count() == 1

    assert check(NOW + dt.timedelta(hours=1)) == {"checked": 1, "sent": 0}
    assert len(mail.outbox) == 1
    assert FinopsNotice.objects.count() == 1


def test_forecast_crossing_sends_forecast_alerts_to_the_owners(org, analyst, check):
    budget = budget_create(
        actor=analyst, organisation=org, data=data(owner_emails=["eier@example.no", "leder@example.no"])
    )
    # 190 NOK every day since 1 September: November so far 3800 (76 %), forecast 30 × 190 = 5700 (114 %).
    store_costs(org, [cost_row(d, "190") for d in days(dt.date(2026, 9, 1), dt.date(2026, 11, 20))])
    status = budget_status(budget, today=dt.date(2026, 11, 21))
    november = status.months[10]
    assert (november.budget, november.actual, november.forecast) == (D("5000.00"), D("3800.00"), D("5700.00"))
    assert check(NOW) == {"checked": 1, "sent": 2}
    assert sorted(BudgetAlert.objects.values_list("month", "threshold", "basis", "value_amount")) == [
        (dt.date(2026, 11, 1), 80, "forecast", D("5700.00")),
        (dt.date(2026, 11, 1), 100, "forecast", D("5700.00")),
    ]
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == [
        ("Budsjettvarsel: Skydrift ventes å nå 100 % i november 2026", "eier@example.no"),
        ("Budsjettvarsel: Skydrift ventes å nå 100 % i november 2026", "leder@example.no"),
        ("Budsjettvarsel: Skydrift ventes å nå 80 % i november 2026", "eier@example.no"),
        ("Budsjettvarsel: Skydrift ventes å nå 80 % i november 2026", "leder@example.no"),
    ]
    assert FinopsNotice.objects.count() == 2

    # Later the actual cost passes 80 %: that is a new alert (actual), the forecast ones are not repeated.
    store_costs(org, [cost_row(d, "190") for d in days(dt.date(2026, 11, 1), dt.date(2026, 11, 22))])
    assert check(NOW + dt.timedelta(days=2)) == {"checked": 1, "sent": 1}
    assert BudgetAlert.objects.filter(basis="actual").get().threshold == 80


def test_cost_centre_and_tag_budgets_count_only_matching_rows(org, analyst, check):
    centre = budget_create(
        actor=analyst,
        organisation=org,
        data=data(name="Avd 4410", scope_kind="cost_centre", cost_centre="4410"),
    )
    tag = budget_create(
        actor=analyst,
        organisation=org,
        data=data(name="Prod", scope_kind="tag", tag_key="env", tag_value="prod"),
    )
    whole = budget_create(actor=analyst, organisation=org, data=data(name="Alt"))
    store_costs(
        org,
        [
            cost_row(
                dt.date(2026, 11, 2), "4000", ChargeFrequency="Recurring", Tags='{"CostCenter": "4410"}'
            ),
            cost_row(dt.date(2026, 11, 2), "300", ChargeFrequency="Recurring", Tags='{"env": "prod"}'),
            cost_row(dt.date(2026, 11, 2), "700", ChargeFrequency="Recurring", Tags='{"env": "test"}'),
        ],
    )
    today = dt.date(2026, 11, 21)
    assert [budget_status(b, today=today).months[10].actual for b in (centre, tag, whole)] == [
        D("4000.00"),
        D("300.00"),
        D("5000.00"),
    ]
    check(NOW)
    assert sorted(BudgetAlert.objects.values_list("budget__name", "threshold", "basis")) == [
        ("Alt", 80, "actual"),
        ("Alt", 100, "actual"),
        ("Avd 4410", 80, "actual"),
    ]


def test_other_currencies_are_converted_and_a_missing_rate_is_reported(org, analyst):
    budget = budget_create(actor=analyst, organisation=org, data=data())
    ExchangeRate.objects.create(
        currency="EUR", month=dt.date(2026, 11, 1), nok_per_unit=D("11.5"), source="test"
    )
    store_costs(
        org,
        [
            cost_row(dt.date(2026, 11, 2), "100", BillingCurrency="EUR", ChargeFrequency="Recurring"),
            cost_row(dt.date(2026, 11, 2), "100", BillingCurrency="USD", ChargeFrequency="Recurring"),
        ],
    )
    status = budget_status(budget, today=dt.date(2026, 11, 21))
    assert status.months[10].actual == D("1150.00")
    assert status.missing_rates == (("USD", dt.date(2026, 11, 1)),)


def test_budgets_of_other_years_are_not_checked(org, analyst, check):
    budget_create(actor=analyst, organisation=org, data=data(year=2025))
    store_costs(org, [cost_row(dt.date(2026, 11, 1), "999999", ChargeFrequency="Recurring")])
    assert check(NOW) == {"checked": 0, "sent": 0}


def test_tick_command_runs_the_check(org, analyst, capsys, django_capture_on_commit_callbacks):
    budget_create(actor=analyst, organisation=org, data=data())
    store_costs(org, [cost_row(dt.date(2026, 11, 1), "4100", ChargeFrequency="Recurring")])
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("finops", "tick", "--format", "json")
    assert (
        capsys.readouterr().out.strip()
        == '{"budgets": {"checked": 1, "sent": 1}, "imports": {"recovered": 0}}'
    )
    assert len(mail.outbox) == 1


def test_task_runs_the_check_and_text_output(org, analyst, django_capture_on_commit_callbacks):
    from io import StringIO

    from marketplace.finops.budget_tasks import budgets_check_task

    budget_create(actor=analyst, organisation=org, data=data())
    store_costs(org, [cost_row(dt.date(2026, 11, 1), "4100", ChargeFrequency="Recurring")])
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert budgets_check_task.enqueue().return_value == {"checked": 1, "sent": 1}
        out = StringIO()
        call_command("finops", "tick", stdout=out)
    assert out.getvalue().strip() == "Budgets: 1 checked, 0 alerts sent. Stopped imports marked failed: 0."
    assert len(mail.outbox) == 1
