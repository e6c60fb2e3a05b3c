"""Progress against MPS's six business goals, each with the measures the platform can compute from its own
records. Each measure says how it is computed; a measure whose source is not installed says so."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from marketplace.catalogue.models import Contract, Service, ServiceStatus
from marketplace.insights import statistics as stats
from marketplace.insights.selectors.statistics import (
    cached,
    calloff_groups,
    calloff_totals,
    savings_award_vs_estimate,
)
from marketplace.privacy import statistics as privacy_statistics

GRADES = ("A", "B", "C", "D", "E", "F")


@dataclass(frozen=True)
class Measure:
    label: str
    value: str
    how: str


@dataclass
class Goal:
    key: str
    title: str
    measures: list[Measure] = field(default_factory=list)


def _number(value: Any) -> str:
    if value is None:
        return "–"
    text = f"{value:,}".replace(",", "\u00a0")
    return text.replace(".", ",")


def _percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{_number(value)} %"


def efficient_calloffs() -> Goal:
    # the per-framework figures the statistics pages cache: no second scan of the call-offs
    groups = cached("groups:framework", lambda: calloff_groups("framework", public=False))
    totals = calloff_totals(groups)
    routes = {
        "frameworks_routes": sum(group.direct + group.desk for group in groups),
        "n": sum(group.calloffs for group in groups),
    }
    return Goal(
        "efficient",
        _("Effektive avrop"),
        [
            Measure(
                _("Median tid fra behov til kontrakt"),
                _("%(days)s dager") % {"days": _number(totals.median_days)},
                _(
                    "Hele dager fra avropet ble registrert til kontrakten ble signert, for alle signerte avrop."
                ),
            ),
            Measure(
                _("Andel avrop uten minikonkurranse"),
                _percent(stats.percent(routes["frameworks_routes"], routes["n"])),
                _(
                    "Direkte avrop og skrivebordskonkurranser i prosent av alle avrop som ikke er utkast eller avlyst."
                ),
            ),
            Measure(
                _("Avrop med klage i karensperioden"),
                _("%(calloffs)s av %(total)s")
                % {"calloffs": _number(totals.complained_calloffs), "total": _number(totals.awarded)},
                _("Tildelte avrop der minst én klage er registrert i avropsmodulen."),
            ),
        ],
    )


def right_prices() -> Goal:
    savings = savings_award_vs_estimate()
    reference = sum((row.reference_amount for row in savings), Decimal(0))
    actual = sum((row.actual_amount for row in savings), Decimal(0))
    from marketplace.finops.models import SkuMapping

    monitored = SkuMapping.objects.values("contract_id").distinct().count()
    contracts = Contract.objects.count()
    return Goal(
        "prices",
        _("Riktige priser og kostnadsnivå"),
        [
            Measure(
                _("Tildelt verdi under anslått verdi"),
                _percent(stats.saving_percent(reference, actual)),
                _(
                    "Skrivebords- og minikonkurranser med tildeling: summen av tildelt verdi mot summen av "
                    "oppdragsgivernes anslag på rammeavtalens listepriser."
                ),
            ),
            Measure(
                _("Kontrakter med prisovervåking i FinOps"),
                _("%(monitored)s av %(contracts)s (%(share)s)")
                % {
                    "monitored": _number(monitored),
                    "contracts": _number(contracts),
                    "share": _percent(stats.percent(monitored, contracts)),
                },
                _(
                    "Rammeavtalekontrakter der fakturerte enhetspriser (FOCUS) sammenlignes med prislisten "
                    "(SKU-koblinger). Selve prisavvikene beregnes per virksomhet i FinOps og vises der."
                ),
            ),
        ],
    )


def information_security() -> Goal:
    from marketplace.cyber.selectors import latest_scans

    scans = latest_scans()
    grades = Counter(scan.grade for scan in scans)
    scores = Counter(int(scan.score) for scan in scans if scan.score is not None)
    distribution = ", ".join(f"{grade}: {grades.get(grade, 0)}" for grade in GRADES)
    return Goal(
        "security",
        _("Informasjonssikkerhet"),
        [
            Measure(
                _("Cyber Risk Score, median"),
                _number(stats.median_from_histogram(scores)),
                _("Median av siste ferdige CyberX-skanning for hver virksomhet som har en (0–100)."),
            ),
            Measure(
                _("Karakterfordeling"),
                distribution if scans else "–",
                _("Antall virksomheter per karakter A–F i siste ferdige skanning."),
            ),
        ],
    )


def privacy() -> Goal:
    label = _("Tjenester i bruk med fullført personvernvurdering")
    how = _(
        "Tjenester virksomhetene har registrert som i bruk, og hvor mange av dem som har en fullført vurdering."
    )
    coverage = privacy_statistics.privacy_coverage()
    done, total = coverage["with_completed_assessment"], coverage["services_in_use"]
    value = _("%(done)s av %(total)s (%(share)s)") % {
        "done": _number(done),
        "total": _number(total),
        "share": _percent(stats.percent(done, total)),
    }
    return Goal("privacy", _("Personvern"), [Measure(label, value, how)])


def balanced_terms() -> Goal:
    label = _("Kontraktsvilkår som møter MPS' grunnlinje")
    how = _(
        "Vilkårstemaer som er kontrollert i personvernmodulen, og hvor mange av dem som møter grunnlinjen."
    )
    balance = privacy_statistics.terms_balance()
    meeting, checked = balance["topics_meeting"], balance["topics_checked"]
    value = _("%(meeting)s av %(checked)s (%(share)s)") % {
        "meeting": _number(meeting),
        "checked": _number(checked),
        "share": _percent(stats.percent(meeting, checked)),
    }
    return Goal("terms", _("Balanserte vilkår"), [Measure(label, value, how)])


def flexibility() -> Goal:
    figures = Service.objects.filter(status=ServiceStatus.PUBLISHED).aggregate(
        n=Count("id"),
        formats=Count("id", filter=~Q(export_formats="")),
        exit=Count("id", filter=~Q(exit_terms="")),
        both=Count("id", filter=~Q(export_formats="") & ~Q(exit_terms="")),
    )
    total = figures["n"]
    return Goal(
        "flexibility",
        _("Fleksibilitet"),
        [
            Measure(
                _("Tjenester med dokumenterte eksportformater"),
                _percent(stats.percent(figures["formats"], total)),
                _("Publiserte tjenester i tjenesteregisteret der leverandøren har oppgitt eksportformater."),
            ),
            Measure(
                _("Tjenester med exit-vilkår"),
                _percent(stats.percent(figures["exit"], total)),
                _("Publiserte tjenester med beskrevne exit-vilkår."),
            ),
            Measure(
                _("Tjenester med begge"),
                _percent(stats.percent(figures["both"], total)),
                _("Publiserte tjenester med både eksportformater og exit-vilkår."),
            ),
        ],
    )


def goals_progress() -> list[Goal]:
    """The six goals in MPS's order."""
    return [
        efficient_calloffs(),
        right_prices(),
        information_security(),
        privacy(),
        balanced_terms(),
        flexibility(),
    ]
