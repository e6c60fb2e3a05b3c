"""The MPS baseline in the reader's language.

`data/terms_baseline.json` (read by the pure `terms_rules`) holds each topic's title and baseline text and each CMA
flag's title and explanation in Bokmål. The pages show them through the translation catalogue: TEXTS lists every one
of them for makemessages (a test keeps it in step with the file), and the functions below translate on the way out.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from marketplace.privacy import terms_rules

TEXT_FIELDS = ("title", "baseline", "explanation")

TEXTS = (
    gettext_noop("Databehandleravtale"),
    gettext_noop(
        "Databehandleravtale etter GDPR art. 28 med liste over underdatabehandlere, varsel før endringer, regulering av overføring til tredjeland (SCC/overføringsvurdering) og oppgitt datalokasjon."
    ),
    gettext_noop("Informasjonssikkerhet"),
    gettext_noop(
        "Styringssystem for informasjonssikkerhet (ISO/IEC 27001 eller SOC 2), frister for varsling av sikkerhetshendelser og krav utledet av kundens egen risikovurdering."
    ),
    gettext_noop("Ansvar for tredjepartsleveranser"),
    gettext_noop(
        "Leverandøren svarer overfor kunden for underleverandører og hyperskalerere («back-to-back»); ansvarsbegrensninger og unntak (indirekte tap, tap av data) er uttrykkelig regulert."
    ),
    gettext_noop("Eierskap til data"),
    gettext_noop(
        "Kunden eier sine data. Leverandøren kan bare bruke dem for å levere tjenesten. Metadata og avledede data er regulert."
    ),
    gettext_noop("Løpende endring av tjenesten"),
    gettext_noop(
        "Leverandøren varsler endringer i standardtjenesten med avtalt frist, og kunden kan si opp når endringen er vesentlig. Kundens rett til å kreve endringer er avgrenset som i SSA-sky."
    ),
    gettext_noop("API-er og integrasjon"),
    gettext_noop(
        "Dokumenterte og stabile API-er med en policy for utfasing (varslingstid før et API endres eller fjernes)."
    ),
    gettext_noop("Tjenestenivå (SLA) og eksklusiv sanksjon"),
    gettext_noop(
        "Tilgjengelighet i prosent med målepunkt. Tjenestekreditt er ikke eneste sanksjon (ikke «eksklusiv sanksjon») uten at det er avtalt som avvik; tak på kreditt er oppgitt."
    ),
    gettext_noop("Åpen kildekode-lisenser"),
    gettext_noop(
        "Lisensforpliktelser for åpen kildekode i levert kode (copyleft) er oppgitt, og det er avtalt hvem som har rettighetene."
    ),
    gettext_noop("Bistand ved opphør (exit)"),
    gettext_noop(
        "Bistand ved opphør med overgangsperiode, eksport av data i åpne formater og sletting med sletteattest."
    ),
    gettext_noop("Utgangsgebyr og dataportabilitet"),
    gettext_noop(
        "Utgangsgebyr (egress) ved bytte av leverandør er oppgitt og helst null; data kan flyttes i åpne formater. EUs dataforordning (EU) 2023/2854 art. 23–35 fjerner byttegebyr fra 12. januar 2027, men innlemmelse i EØS er ikke bekreftet – behandles som forhandlingspunkt."
    ),
    gettext_noop("Vilkår for prisendring"),
    gettext_noop(
        "Prisendringer bare etter avtalt indeks eller med varsel og rett til å si opp; rabatter knyttet til forpliktet forbruk binder ikke kunden ut over avtaleperioden."
    ),
    gettext_noop("Revisjonsrett"),
    gettext_noop(
        "Kunden (eller en uavhengig revisor) har rett til å revidere leverandøren og underdatabehandlere, også gjennom tredjepartsrapporter (ISAE 3402/SOC 2)."
    ),
    gettext_noop("Utgangsgebyr (egress)"),
    gettext_noop(
        "Leverandøren tar betalt for å flytte data ut. CMA fant at slike gebyrer hindrer bytte av skyleverandør."
    ),
    gettext_noop("Tekniske hindringer for interoperabilitet og portabilitet"),
    gettext_noop(
        "Data eller oppsett kan ikke tas ut i åpne, dokumenterte formater, eller tjenesten bygger på proprietære grensesnitt."
    ),
    gettext_noop("Rabatt mot forpliktet forbruk"),
    gettext_noop("Rabatt mot et forpliktet forbruk over tid binder kunden til leverandøren."),
    gettext_noop("Lisensbegrensninger"),
    gettext_noop("Programvarelisenser koster mer eller kan ikke brukes (BYOL) hos en annen skyleverandør."),
)


def localised(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, **{name: gettext(entry[name]) for name in TEXT_FIELDS if entry.get(name)}}


def topics() -> list[dict[str, Any]]:
    return [localised(entry) for entry in terms_rules.baseline()["topics"]]


def topic(key: str) -> dict[str, Any]:
    return localised(terms_rules.topic(key))


def cma_flags() -> list[dict[str, Any]]:
    return [localised(flag) for flag in terms_rules.baseline()["cma_flags"]]
