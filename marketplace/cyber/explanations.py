"""What each check means for people: check_id -> title, why it matters, how to fix it (Bokmål source strings).

Every deduction on the CyberX pages links here, so each check the families produce must have an entry; an unknown
id gets a neutral fallback (`explain`) instead of an error. Sources are the internet.nl subtests, the HTTP
Observatory tests and the SSL Labs rating guide (reference cyber-privacy.md §A1-A3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Explanation:
    check_id: str
    title: str | Promise
    why: str | Promise
    fix: str | Promise
    is_known: bool = True


_TEXTS: dict[str, tuple[Promise, Promise, Promise]] = {
    # --- web: HTTPS, redirect, HSTS ---------------------------------------------------------------------------
    "web.https_exists": (
        _("HTTPS er tilgjengelig"),
        _(
            "Uten HTTPS kan alle som sitter mellom brukeren og nettstedet lese og endre innholdet, også skjemaer og "
            "innlogging."
        ),
        _(
            "Skaff et sertifikat (for eksempel gratis fra Let's Encrypt med automatisk fornyelse) og sett opp "
            "nettstedet på port 443."
        ),
    ),
    "web.https_forced": (
        _("HTTP sendes videre til HTTPS"),
        _(
            "Brukere som skriver adressen uten https:// havner ellers på en ukryptert side som kan manipuleres "
            "før de kommer til den sikre."
        ),
        _(
            "La port 80 svare med en permanent omdirigering (301 eller 308) til https:// på samme vertsnavn, eller "
            "slå av HTTP helt."
        ),
    ),
    "web.hsts": (
        _("HSTS (Strict-Transport-Security)"),
        _(
            "HSTS får nettleseren til å bruke HTTPS hver gang, også når en lenke eller et bokmerke peker til "
            "http://. Uten HSTS kan en angriper nedgradere forbindelsen."
        ),
        _(
            "Send headeren Strict-Transport-Security med max-age på minst 31536000 (ett år) på alle HTTPS-svar, "
            "helst med includeSubDomains. Vurder preload når alle underdomener har HTTPS."
        ),
    ),
    # --- web: security headers (HTTP Observatory) ---------------------------------------------------------------
    "web.headers": (
        _("Sikkerhetsheadere samlet (HTTP Observatory)"),
        _(
            "Samlet poengsum for sikkerhetsheaderne slik Mozillas HTTP Observatory regner den. Lav poengsum betyr at "
            "nettleserens innebygde beskyttelse mot angrep som XSS og clickjacking ikke er slått på."
        ),
        _("Se de enkelte header-kontrollene under og rett dem med høyest fradrag først."),
    ),
    "web.csp": (
        _("Content-Security-Policy"),
        _(
            "CSP bestemmer hvor nettleseren kan hente skript, stiler og annet innhold fra. Den stopper de fleste "
            "XSS-angrep, men bare hvis den ikke tillater 'unsafe-inline' eller 'unsafe-eval'."
        ),
        _(
            "Start med default-src 'self' og legg til bare de kildene siden trenger. Flytt inline-skript til egne "
            "filer, og unngå 'unsafe-inline' og 'unsafe-eval'. Test gjerne først med "
            "Content-Security-Policy-Report-Only."
        ),
    ),
    "web.x_content_type_options": (
        _("X-Content-Type-Options"),
        _(
            "Uten nosniff kan nettleseren gjette innholdstypen og kjøre en opplastet fil som skript eller stilark."
        ),
        _("Send headeren X-Content-Type-Options: nosniff på alle svar."),
    ),
    "web.x_frame_options": (
        _("Beskyttelse mot innramming (X-Frame-Options / frame-ancestors)"),
        _(
            "Hvis andre nettsteder kan vise siden i en iframe, kan de lure brukeren til å klikke på noe annet enn "
            "det hen tror (clickjacking)."
        ),
        _(
            "Sett frame-ancestors 'self' (eller 'none') i Content-Security-Policy, og gjerne X-Frame-Options: DENY "
            "eller SAMEORIGIN for eldre nettlesere."
        ),
    ),
    "web.referrer_policy": (
        _("Referrer-Policy"),
        _(
            "Uten en streng Referrer-Policy sender nettleseren hele adressen til siden brukeren kom fra videre til "
            "andre nettsteder, og den kan inneholde personopplysninger eller søkeord."
        ),
        _(
            "Send Referrer-Policy: strict-origin-when-cross-origin (eller no-referrer / same-origin) på alle svar."
        ),
    ),
    "web.cookies": (
        _("Informasjonskapsler (Secure, HttpOnly, SameSite)"),
        _(
            "En sesjonskapsel uten Secure kan sendes ukryptert, uten HttpOnly kan den leses av skript, og uten "
            "SameSite kan den misbrukes i forfalskede forespørsler (CSRF)."
        ),
        _(
            "Sett Secure og SameSite=Lax (eller Strict) på alle informasjonskapsler, og HttpOnly på "
            "sesjonskapsler og CSRF-kapsler."
        ),
    ),
    "web.cors": (
        _("Deling mellom opphav (CORS)"),
        _(
            "Access-Control-Allow-Origin: * sammen med legitimasjon lar hvilket som helst nettsted lese svar på "
            "vegne av innloggede brukere."
        ),
        _(
            "Tillat bare de opphavene som faktisk trenger tilgang, og aldri * sammen med "
            "Access-Control-Allow-Credentials."
        ),
    ),
    "web.sri": (
        _("Integritetskontroll av eksterne skript (SRI)"),
        _(
            "Skript som hentes fra andre domener kan endres av den som drifter dem. Med SRI nekter nettleseren å "
            "kjøre et skript som ikke er det du forventet."
        ),
        _(
            "Legg til integrity- og crossorigin-attributter på script-elementer som henter fra andre domener, og "
            "hent dem alltid over HTTPS. Enda bedre: server filene selv."
        ),
    ),
    "web.cross_origin": (
        _("Isolering mellom opphav (COOP, COEP, CORP)"),
        _(
            "Cross-Origin-Opener-Policy, -Embedder-Policy og -Resource-Policy hindrer andre nettsteder i å få "
            "tilgang til vinduet eller ressursene dine, og demper angrep av typen Spectre."
        ),
        _(
            "Send Cross-Origin-Opener-Policy: same-origin og Cross-Origin-Resource-Policy: same-origin (eller "
            "same-site); vurder Cross-Origin-Embedder-Policy: require-corp."
        ),
    ),
    "web.security_txt": (
        _("security.txt (RFC 9116)"),
        _(
            "En security.txt-fil forteller folk som finner en sårbarhet hvordan de melder den til dere. Uten den "
            "kan viktige varsler gå tapt."
        ),
        _(
            "Publiser /.well-known/security.txt over HTTPS med minst Contact og en Expires-dato mindre enn ett år "
            "fram i tid, og forny den før den går ut."
        ),
    ),
    # --- TLS ----------------------------------------------------------------------------------------------------
    "tls.protocols": (
        _("TLS-versjoner"),
        _(
            "TLS 1.0 og 1.1 (og SSL) har kjente svakheter og regnes som utilstrekkelige av NCSC-NL. TLS 1.3 er "
            "best, TLS 1.2 er tilstrekkelig."
        ),
        _("Slå av SSL 2/3, TLS 1.0 og TLS 1.1 på serveren eller lastbalansereren, og slå på TLS 1.3."),
    ),
    "tls.ciphers": (
        _("Chifferserier"),
        _(
            "Svake chifferserier (for eksempel RC4, 3DES, CBC uten AEAD eller uten forward secrecy) kan gjøre "
            "trafikken mulig å dekryptere."
        ),
        _(
            "Tillat bare AEAD-serier (AES-GCM, ChaCha20-Poly1305) med ECDHE, og la serveren velge rekkefølgen. "
            "Mozillas «intermediate»-oppsett er et godt utgangspunkt."
        ),
    ),
    "tls.cipher_order": (
        _("Serverens rekkefølge for chifferserier"),
        _(
            "Når serveren også godtar svakere chifferserier, må den selv velge en god serie, ellers kan en klient "
            "(eller en angriper i mellom) få den til å bruke en svak."
        ),
        _(
            "Slå på at serveren bestemmer rekkefølgen (for eksempel ssl_prefer_server_ciphers on i nginx, "
            "SSLHonorCipherOrder on i Apache) og sett de sterkeste seriene først – eller fjern de svake."
        ),
    ),
    "tls.key_exchange": (
        _("Nøkkelutveksling"),
        _(
            "Nøkkelutvekslingen avgjør om opptak av trafikken kan dekrypteres senere. Svake eller egendefinerte "
            "Diffie-Hellman-grupper gir for lite beskyttelse."
        ),
        _(
            "Bruk ECDHE; hvis DHE trengs, bruk bare grupper fra RFC 7919 på minst 3072 bit (ffdhe3072 eller større)."
        ),
    ),
    "tls.curves": (
        _("Elliptiske kurver"),
        _("Noen kurver gir for svak sikkerhet eller er ikke anbefalt av NCSC-NL."),
        _("Tillat X25519, secp256r1 og secp384r1 (eventuelt X448 og secp521r1); fjern andre kurver."),
    ),
    "tls.compression": (
        _("TLS-komprimering"),
        _("Komprimering på TLS-nivå åpner for CRIME-angrep som kan avsløre informasjonskapsler."),
        _(
            "Slå av TLS-komprimering (det er av som standard i moderne programvare; oppgrader eldre systemer)."
        ),
    ),
    "tls.renegotiation": (
        _("Reforhandling"),
        _(
            "Usikker reforhandling lar en angriper skyte inn data i en kryptert forbindelse, og ubegrenset "
            "klientstyrt reforhandling kan brukes til tjenestenekt."
        ),
        _("Støtt bare sikker reforhandling (RFC 5746) og slå av klientinitiert reforhandling."),
    ),
    "tls.extended_master_secret": (
        _("Extended Master Secret"),
        _(
            "Uten Extended Master Secret (RFC 7627) kan en angriper i noen tilfeller koble sammen to TLS-forbindelser "
            "og utgi seg for å være brukeren (triple handshake). NCSC-NL krever det for TLS 1.2."
        ),
        _(
            "Oppgrader TLS-biblioteket eller slå på Extended Master Secret i serveroppsettet (standard i nyere OpenSSL)."
        ),
    ),
    "tls.zero_rtt": (
        _("0-RTT (early data) i TLS 1.3"),
        _(
            "Data sendt med 0-RTT kan spilles av på nytt av en angriper, og ikke-idempotente forespørsler kan utføres to ganger."
        ),
        _("Slå av 0-RTT / early data, eller godta det bare for trygge forespørsler (GET uten sideeffekter)."),
    ),
    "tls.certificate_trust": (
        _("Sertifikatet er klarert"),
        _(
            "Nettlesere advarer mot sertifikater som ikke kjedes til en klarert rotutsteder. Brukere lærer da å "
            "klikke seg forbi advarsler."
        ),
        _(
            "Bruk et sertifikat fra en offentlig klarert utsteder og send med hele kjeden av mellomliggende "
            "sertifikater."
        ),
    ),
    "tls.certificate_name": (
        _("Sertifikatet passer vertsnavnet"),
        _("Hvis navnet i sertifikatet ikke stemmer med adressen, avviser nettleseren forbindelsen."),
        _("Utsted sertifikatet med alle vertsnavn tjenesten svarer på i Subject Alternative Name."),
    ),
    "tls.certificate_key": (
        _("Sertifikatnøkkel"),
        _(
            "For korte nøkler (RSA under 2048 bit) kan knekkes; NCSC-NL anbefaler RSA på minst 3072 bit eller EC."
        ),
        _("Lag en ny nøkkel, helst EC P-256 eller P-384 (eller RSA 3072 bit), og et nytt sertifikat."),
    ),
    "tls.certificate_signature": (
        _("Sertifikatsignatur"),
        _("Signaturer med SHA-1 eller MD5 kan forfalskes."),
        _("Be utstederen om et nytt sertifikat signert med SHA-256 eller sterkere."),
    ),
    "tls.certificate_expiry": (
        _("Sertifikatets utløpsdato"),
        _(
            "Når sertifikatet går ut, slutter tjenesten å virke for brukerne og de møter en sikkerhetsadvarsel."
        ),
        _("Forny sertifikatet nå, og sett opp automatisk fornyelse (ACME) og varsling i god tid før utløp."),
    ),
    "tls.ocsp_stapling": (
        _("OCSP-stifting"),
        _(
            "Med OCSP-stifting sender serveren med beviset på at sertifikatet ikke er trukket tilbake. Det gir "
            "raskere og mer private oppslag for brukerne."
        ),
        _("Slå på OCSP stapling i webserveren eller lastbalansereren."),
    ),
    "tls.vulnerabilities": (
        _("Kjente TLS-sårbarheter"),
        _(
            "Sårbarheter som Heartbleed, ROBOT og OpenSSL CCS lar angripere lese minne eller dekryptere trafikk. "
            "SSL Labs setter karakter F."
        ),
        _(
            "Oppgrader TLS-biblioteket (for eksempel OpenSSL) og programvaren foran, og kjør skanningen på nytt."
        ),
    ),
    "tls.grade": (
        _("TLS-karakter (SSL Labs-metoden)"),
        _(
            "Samlet karakter for protokoller, nøkkelutveksling og chifferstyrke (30/30/40), med tak for kjente "
            "svakheter som TLS 1.0/1.1, manglende klarering eller navnefeil."
        ),
        _("Rett de enkelte TLS-kontrollene; karakteren stiger når den svakeste delen er rettet."),
    ),
    # --- DNS ----------------------------------------------------------------------------------------------------
    "dns.dnssec": (
        _("DNSSEC"),
        _(
            "DNSSEC signerer DNS-svarene, slik at ingen kan sende brukerne til en falsk adresse ved å forfalske "
            "DNS. En ugyldig signatur (bogus) gjør domenet utilgjengelig for validerende resolvere."
        ),
        _(
            "Slå på DNSSEC-signering hos DNS-leverandøren og legg DS-posten inn hos registraren (Norid for .no). "
            "Overvåk at signaturene fornyes."
        ),
    ),
    "dns.caa": (
        _("CAA-post"),
        _("CAA bestemmer hvilke sertifikatutstedere som får utstede sertifikater for domenet."),
        _('Legg inn CAA-poster for utstederne dere bruker, for eksempel 0 issue "letsencrypt.org".'),
    ),
    "dns.ns_count": (
        _("Minst to navnetjenere"),
        _("Med bare én navnetjener blir domenet utilgjengelig hvis den går ned."),
        _("Bruk minst to navnetjenere, helst i ulike nett og hos ulike driftsmiljøer."),
    ),
    "dns.ns_ipv6": (
        _("Navnetjenere med IPv6"),
        _("Brukere og resolvere som bare har IPv6 må kunne slå opp domenet."),
        _("Gi minst to av navnetjenerne IPv6-adresser (AAAA-poster) og sjekk at de svarer over IPv6."),
    ),
    "dns.ns_reach": (
        _("Navnetjenerne svarer over IPv6"),
        _(
            "En AAAA-post hjelper ikke hvis navnetjeneren ikke svarer på den adressen. Da kan resolvere som bare "
            "har IPv6, ikke slå opp domenet."
        ),
        _(
            "Sørg for at navnetjenerne svarer på DNS-spørsmål (UDP port 53) på IPv6-adressene sine, og at minst "
            "to av dem gjør det. Sjekk brannmur og ruting for IPv6 hos DNS-leverandøren."
        ),
    ),
    "dns.web_ipv6": (
        _("Nettstedet kan nås over IPv6"),
        _("En økende andel brukere har IPv6; internet.nl krever at nettsteder kan nås over IPv6."),
        _("Legg inn AAAA-post for nettstedet og sjekk at det svarer likt over IPv4 og IPv6."),
    ),
    # --- mail ---------------------------------------------------------------------------------------------------
    "mail.mx": (
        _("MX-poster"),
        _(
            "MX-postene forteller hvor e-post til domenet skal leveres. Domener som ikke tar imot e-post bør si det."
        ),
        _(
            "Legg inn MX-poster for e-posttjenesten, eller en Null MX (MX 0 .) hvis domenet ikke skal ta imot "
            "e-post."
        ),
    ),
    "mail.spf": (
        _("SPF"),
        _(
            "SPF sier hvilke servere som får sende e-post fra domenet. Uten SPF, eller med ~all/?all og over ti "
            "DNS-oppslag, er det lettere å forfalske avsender."
        ),
        _(
            "Publiser én TXT-post som starter med v=spf1, list opp tjenestene som sender for dere og avslutt med "
            "-all. Hold deg under ti DNS-oppslag, og fjern a-, mx- og exists-mekanismer som peker på navn uten "
            "svar: mer enn to slike tomme oppslag gjør SPF-posten ugyldig."
        ),
    ),
    "mail.dmarc": (
        _("DMARC"),
        _(
            "DMARC sier hva mottakere skal gjøre med e-post som ikke består SPF eller DKIM, og gir dere rapporter. "
            "Med p=none stoppes ingen forfalskninger."
        ),
        _(
            "Publiser _dmarc.<domene> med v=DMARC1; p=reject (eller quarantine) og rua= for rapporter. Start med "
            "p=none og stram inn når rapportene er rene."
        ),
    ),
    "mail.dkim": (
        _("DKIM"),
        _(
            "DKIM signerer utgående e-post slik at mottakeren kan se at den ikke er endret og kommer fra domenet."
        ),
        _("Slå på DKIM-signering i e-posttjenesten og publiser nøklene under _domainkey.<domene>."),
    ),
    "mail.mta_sts": (
        _("MTA-STS"),
        _(
            "MTA-STS krever kryptert levering til e-postserverne deres, slik at e-post ikke kan nedgraderes til klartekst."
        ),
        _(
            "Publiser _mta-sts.<domene> (TXT) og policyen på https://mta-sts.<domene>/.well-known/mta-sts.txt med "
            "mode: enforce."
        ),
    ),
    "mail.tls_rpt": (
        _("TLS-RPT"),
        _("Med TLS-RPT får dere rapporter når andre ikke klarer å levere e-post kryptert til dere."),
        _("Publiser _smtp._tls.<domene> med v=TLSRPTv1; rua=mailto:<adresse>."),
    ),
    "mail.starttls": (
        _("STARTTLS på e-postserverne"),
        _("Uten STARTTLS, eller med svak TLS, kan e-post mellom servere leses og endres på veien."),
        _(
            "Slå på STARTTLS på alle MX-servere med et gyldig sertifikat og samme TLS-oppsett som for web "
            "(TLS 1.2 eller 1.3, sterke chifferserier)."
        ),
    ),
    "web.software": (
        _("Programvare som nettstedet oppgir"),
        _(
            "Server-, X-Powered-By- og generator-merkingen forteller hvilken programvare og versjon som kjører. "
            "Vi sammenligner den med kjente utnyttede sårbarheter; den gir ikke trekk i seg selv."
        ),
        _(
            "Hold programvaren oppdatert. Vurder å fjerne versjonsnummer fra Server- og X-Powered-By-headerne og "
            "generator-taggen, så angripere ikke får dem gratis."
        ),
    ),
    # --- not outside-in: training records and threat-intelligence alerts ------------------------------------
    "human.awareness": (
        _("Opplæring i sikkerhet"),
        _(
            "De fleste angrep begynner med en e-post til en ansatt. Andelen fullførte leksjoner de siste tolv "
            "månedene viser hvor godt opplæringen når ut."
        ),
        _(
            "Følg opp enhetene med lav gjennomføring, og sett av tid i arbeidstiden til leksjonene (mål: 80 %)."
        ),
    ),
    "intel.kev": (
        _("Kjente utnyttede sårbarheter (KEV)"),
        _(
            "Programvare dere har oppgitt eller som er sett på tjenestene deres, har sårbarheter som angripere "
            "utnytter nå (CISAs KEV-katalog). Noen brukes i løsepengevirus."
        ),
        _(
            "Åpne varslene, oppdater eller fjern den berørte programvaren innen fristen, og merk varselet som løst "
            "når det er gjort."
        ),
    ),
    "intel.indicators": (
        _("Trusselindikatorer"),
        _(
            "Et domene eller en adresse som tilhører dere, står i en trusselindikator (STIX). Det kan bety at "
            "noe er kompromittert eller misbrukt."
        ),
        _("Undersøk varselet med driftsleverandøren, og meld fra til NSM/NorCERT om det er en hendelse."),
    ),
}

CHECK_IDS: tuple[str, ...] = tuple(_TEXTS)

# The categories of checks.base.Category, in the order the pages show them.
CATEGORY_LABELS: dict[str, Promise] = {
    "web_transport": _("Transportsikkerhet for web (HTTPS, TLS, sertifikater)"),
    "web_headers": _("Sikkerhetsheadere for web"),
    "email": _("E-postsikkerhet"),
    "dns": _("DNS"),
    "network": _("Nettverk (IPv6)"),
    "vulnerabilities": _("Sårbarheter i programvare"),
    "disclosure": _("Åpenhet og vedlikehold (security.txt, sertifikatutløp)"),
    "human": _("Sikkerhetskultur (opplæring)"),
    "threat_intel": _("Trusseletterretning"),
}

STATUS_LABELS: dict[str, Promise] = {
    "pass": _("Bestått"),
    "fail": _("Ikke bestått"),
    "warning": _("Anbefaling ikke fulgt"),
    "info": _("Til informasjon"),
    "not_tested": _("Ikke testet"),
    "error": _("Kunne ikke testes"),
}

LEVEL_LABELS: dict[str, Promise] = {
    "required": _("Påkrevd"),
    "recommended": _("Anbefalt"),
    "informational": _("Informasjon"),
}


def category_label(category: str) -> str:
    label = CATEGORY_LABELS.get(category)
    return str(label) if label is not None else category


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def level_label(level: str) -> str:
    label = LEVEL_LABELS.get(level)
    return str(label) if label is not None else level


_FALLBACK_WHY = _("Denne kontrollen har ingen forklaring ennå. Se observasjonen for hva som ble funnet.")
_FALLBACK_FIX = _("Kontakt MPS hvis du trenger hjelp til å tolke resultatet.")


# TLS checks on another service use the TLS family with their own prefix: `mail.starttls_tls.protocols` is
# `tls.protocols` on the mail servers (STARTTLS).
PREFIXES: dict[str, tuple[str, Promise]] = {
    "mail.starttls_tls.": ("tls.", _("E-postservere (STARTTLS): %(title)s")),
}


def explain(check_id: str) -> Explanation:
    """The explanation of a check; a neutral fallback (with the id as title) for an id that has no text."""
    texts = _TEXTS.get(check_id)
    if texts is None:
        for prefix, (base, label) in PREFIXES.items():
            if check_id.startswith(prefix) and (base + check_id[len(prefix) :]) in _TEXTS:
                title, why, fix = _TEXTS[base + check_id[len(prefix) :]]
                return Explanation(check_id, str(label) % {"title": title}, why, fix)
        return Explanation(check_id, check_id, _FALLBACK_WHY, _FALLBACK_FIX, is_known=False)
    title, why, fix = texts
    return Explanation(check_id, title, why, fix)


def title(check_id: str) -> str:
    return str(explain(check_id).title)


# --- results that could not be tested ------------------------------------------------------------------------
# An ERROR result says nothing about the check itself (the name did not resolve, the host timed out), so its page
# text says why it could not run and what to look at, instead of the check's own advice.

_NOT_FOUND = _("%(name)s finnes ikke i DNS (NXDOMAIN).")
_DNS_TIMEOUT = _("DNS-oppslaget for %(name)s fikk ikke svar i tide.")
_DNS_FAILED = _("DNS-oppslaget for %(name)s feilet (%(rcode)s).")
_UNRESOLVABLE = _("Navnet kunne ikke slås opp i DNS.")
_TIMED_OUT = _("Tjenesten svarte ikke i tide.")
_REFUSED = _("Navnet peker til en privat eller intern adresse, som skanneren ikke kobler til.")
_TOO_LARGE = _("Svaret hadde større headere enn skanneren tar imot (64 KB).")
_NOT_HTTP = _("Svaret var ikke gyldig HTTP.")
_GENERIC = _("Nettverksfeil, tidsavbrudd eller et svar som ikke kunne leses.")
_ERROR_WHY = _("Kontrollen kunne ikke kjøres: %(reason)s")
ERROR_FIX = _(
    "Sjekk at navnet er stavet riktig, finnes i offentlig DNS og svarer fra internett. Kontrollen kjøres igjen "
    "ved neste skanning. Deaktiver ressursen hvis den ikke lenger er i bruk."
)
_UNRESOLVABLE_KINDS = frozenset({"unresolvable", "resolve"})
_TIMEOUT_KINDS = frozenset({"timeout"})
_REFUSED_KINDS = frozenset({"refused_target", "target_refused"})


def error_reason(evidence: dict[str, Any], target: str = "") -> str:
    """Why a result could not be tested, for people, from the evidence the families record on ERROR: a DNS
    `lookup` (rcode), a web/TLS `error` kind, or the scanner's `reason`."""
    lookup = evidence.get("lookup")
    if isinstance(lookup, dict):
        name = str(lookup.get("name") or target)
        rcode = str(lookup.get("rcode", ""))
        if rcode == "NXDOMAIN":
            return str(_NOT_FOUND) % {"name": name}
        if rcode == "TIMEOUT":
            return str(_DNS_TIMEOUT) % {"name": name}
        return str(_DNS_FAILED) % {"name": name, "rcode": rcode or "ERROR"}
    kind = str(evidence.get("error") or evidence.get("reason") or "")
    if kind in _UNRESOLVABLE_KINDS:
        return str(_UNRESOLVABLE)
    if kind in _TIMEOUT_KINDS:
        return str(_TIMED_OUT)
    if kind in _REFUSED_KINDS:
        return str(_REFUSED)
    if kind == "headers_too_large":
        return str(_TOO_LARGE)
    if kind == "garbage":
        return str(_NOT_HTTP)
    return str(_GENERIC)


def explain_result(
    check_id: str, status: str, evidence: dict[str, Any] | None, target: str = ""
) -> Explanation:
    """`explain(check_id)`, except that a result that could not be tested (ERROR) explains why and what to check
    instead of giving the check's own advice."""
    explanation = explain(check_id)
    if status != "error":
        return explanation
    return Explanation(
        check_id,
        explanation.title,
        str(_ERROR_WHY) % {"reason": error_reason(evidence or {}, target)},
        ERROR_FIX,
        explanation.is_known,
    )
