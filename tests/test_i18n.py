"""Translations: Bokmål is the source language; the English catalogue is complete and up to date.

- locale/en/LC_MESSAGES/django.po has no untranslated or fuzzy entry and passes `msgfmt --check`;
- re-extracting the strings from the code (makemessages in a temp copy of the source) finds nothing that the
  catalogue lacks — so a new `{% translate %}` without an English entry fails here (fix: `make messages-update`,
  then translate the new entries);
- pages come out in Bokmål by default and in English when the browser or the language switch asks for it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils.translation.reloader import translation_file_changed

REPO_ROOT = Path(__file__).resolve().parents[1]
EN_PO = REPO_ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")
# Same options as `make messages-update`.
MAKEMESSAGES_ARGS = [
    "-l",
    "en",
    "--no-wrap",
    "--add-location=file",
    "--no-obsolete",
    "--ignore=.venv/*",
    "--ignore=node_modules/*",
    "--ignore=frontend/*",
    "--ignore=tests/*",
    "--ignore=benchmarks/*",
    "--ignore=var/*",
    "--ignore=docs/*",
]


@dataclass
class PoEntry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(value != "" for value in self.msgstr.values())


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted .po string: {text!r}")
    return text[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def parse_po(path: Path) -> list[PoEntry]:
    """A small .po parser: enough for gettext's own output (multi-line strings, plurals, flags, obsolete)."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def finish() -> None:
        nonlocal entry, target
        if entry.msgid or entry.msgstr or entry.msgctxt:
            entries.append(entry)
        entry = PoEntry()
        target = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].lstrip()
            if not line:
                continue
        if not line.strip():
            finish()
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{number}: continuation line without a keyword")
            name, index = target
            value = _unquote(line)
            if name == "msgstr":
                entry.msgstr[index] = entry.msgstr.get(index, "") + value
            else:
                setattr(entry, name, (getattr(entry, name) or "") + value)
            continue
        if entry.line == 0:
            entry.line = number
        if keyword in {"msgid", "msgid_plural", "msgctxt"}:
            if keyword == "msgid" and (entry.msgid or entry.msgstr):
                finish()
                entry.line = number
            setattr(entry, keyword, _unquote(rest))
            target = (keyword, 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = _unquote(rest)
            target = ("msgstr", 0)
        elif (match := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            index = int(match.group(1))
            entry.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def incomplete_entries(entries: list[PoEntry]) -> list[str]:
    problems = []
    for entry in entries:
        if entry.obsolete or entry.msgid == "":
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"line {entry.line}: fuzzy: {entry.msgid!r}")
        elif not entry.is_translated:
            problems.append(f"line {entry.line}: untranslated: {entry.msgid!r}")
    return problems


def test_po_parser_reads_plurals_flags_and_continuations(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "%(counter)s tjeneste"\nmsgid_plural "%(counter)s tjenester"\n'
        'msgstr[0] "%(counter)s service"\nmsgstr[1] ""\n\n'
        '#, fuzzy\nmsgid "Logg inn"\nmsgstr "Log in"\n\n'
        'msgid ""\n"Lang "\n"tekst"\nmsgstr ""\n"Long "\n"text"\n\n'
        '#~ msgid "Gammel"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    entries = parse_po(po)
    assert [(e.msgid, e.msgid_plural, e.msgstr, e.flags, e.obsolete) for e in entries] == [
        ("", None, {0: "Language: en\n"}, set(), False),
        (
            "%(counter)s tjeneste",
            "%(counter)s tjenester",
            {0: "%(counter)s service", 1: ""},
            {"python-format"},
            False,
        ),
        ("Logg inn", None, {0: "Log in"}, {"fuzzy"}, False),
        ("Lang tekst", None, {0: "Long text"}, set(), False),
        ("Gammel", None, {0: ""}, set(), True),
    ]
    assert incomplete_entries(entries) == [
        "line 6: untranslated: '%(counter)s tjeneste'",
        "line 12: fuzzy: 'Logg inn'",
    ]


def test_english_catalogue_is_complete_and_valid() -> None:
    entries = parse_po(EN_PO)
    header = entries[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert len(entries) > 200
    assert incomplete_entries(entries) == []
    assert [e.msgid for e in entries if e.obsolete] == []
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(EN_PO)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr


def test_english_catalogue_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """makemessages over a copy of the source: every string it extracts must already be translated."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "*.mo")
    for name in ("config", "marketplace"):
        shutil.copytree(REPO_ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copytree(REPO_ROOT / "locale", tmp_path / "locale", ignore=ignore)
    shutil.copy2(REPO_ROOT / "manage.py", tmp_path / "manage.py")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DEBUG"] = "1"
    completed = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_ARGS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    extracted = parse_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    problems = incomplete_entries(extracted)
    assert problems == [], (
        "strings in the code without an English translation — run `make messages-update` and translate:\n"
        + "\n".join(problems)
    )
    # Nothing in the committed catalogue that the code no longer uses.
    current = {entry.key for entry in extracted if not entry.obsolete}
    stale = [entry.msgid for entry in parse_po(EN_PO) if entry.msgid and entry.key not in current]
    assert stale == [], "entries no longer used in the code — run `make messages-update`"


@pytest.fixture(scope="module")
def compiled_catalogue() -> None:
    """Compile the English catalogue (atomically: other workers may read it) and make Django reload it."""
    with tempfile.NamedTemporaryFile(dir=EN_MO.parent, suffix=".mo.tmp", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        subprocess.run(
            ["msgfmt", "--check", "-o", str(temporary), str(EN_PO)], check=True, capture_output=True
        )
        if not EN_MO.exists() or EN_MO.read_bytes() != temporary.read_bytes():
            os.replace(temporary, EN_MO)
    finally:
        temporary.unlink(missing_ok=True)
    translation_file_changed(sender=None, file_path=EN_MO)


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogue")
@pytest.mark.parametrize(
    ("headers", "cookies", "lang", "present", "absent"),
    [
        (
            {},
            {},
            "nb",
            ["Hopp til hovedinnhold", "Tilgjengelighetserklæring", ">English</button>"],
            ["Skip to"],
        ),
        # Bokmål first: an English-language browser still gets Bokmål until the user chooses English.
        (
            {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"},
            {},
            "nb",
            ["Hopp til hovedinnhold", "Tilgjengelighetserklæring", "Hovedmeny", ">English</button>"],
            ["Skip to main content", "Accessibility statement"],
        ),
        (
            {},
            {"mps_language": "en"},
            "en",
            ["Skip to main content", "Accessibility statement", "Main menu", ">Norsk</button>"],
            ["Hopp til hovedinnhold", "Tilgjengelighetserklæring"],
        ),
        # An unknown language in the cookie falls back to Bokmål.
        ({}, {"mps_language": "de"}, "nb", ["Hopp til hovedinnhold"], ["Skip to main content"]),
        (
            {"HTTP_ACCEPT_LANGUAGE": "nb-NO,nb;q=0.9,en;q=0.5"},
            {},
            "nb",
            ["Hopp til hovedinnhold", "Hovedmeny", "Logg inn"],
            ["Skip to main content"],
        ),
        # The language switch's cookie decides, whatever the browser prefers.
        (
            {"HTTP_ACCEPT_LANGUAGE": "en-GB"},
            {"mps_language": "nb"},
            "nb",
            ["Hopp til hovedinnhold", "Tilgjengelighetserklæring"],
            ["Skip to main content"],
        ),
        (
            {"HTTP_ACCEPT_LANGUAGE": "nb"},
            {"mps_language": "en"},
            "en",
            ["Skip to main content", "Log in"],
            ["Hopp til hovedinnhold"],
        ),
    ],
)
def test_pages_render_in_the_requested_language(
    headers: dict[str, str], cookies: dict[str, str], lang: str, present: list[str], absent: list[str]
) -> None:
    client = Client(**headers)
    for name, value in cookies.items():
        client.cookies[name] = value
    response = client.get("/tilgjengelighet/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert response["Content-Language"] == lang
    for text in present:
        assert text in html
    for text in absent:
        assert text not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogue")
def test_language_switch_sets_the_cookie_and_returns_to_the_page() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tilgjengelighet/"})
    assert response.status_code == 302
    assert response["Location"] == "/tilgjengelighet/"
    assert response.cookies["mps_language"].value == "en"
    page = client.get("/tilgjengelighet/").content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Accessibility statement</h1>' in page
    back = client.post("/i18n/setlang/", {"language": "nb", "next": "/tilgjengelighet/"})
    assert back.cookies["mps_language"].value == "nb"
    page = client.get("/tilgjengelighet/").content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Tilgjengelighetserklæring</h1>' in page


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogue")
def test_language_switch_refuses_a_foreign_next_url() -> None:
    response = Client().post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.usefixtures("compiled_catalogue")
def test_english_plural_forms() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert (
            translation.ngettext("%(counter)s tjeneste", "%(counter)s tjenester", 1) == "%(counter)s service"
        )
        assert (
            translation.ngettext("%(counter)s tjeneste", "%(counter)s tjenester", 3) == "%(counter)s services"
        )
    with translation.override("nb"):
        assert (
            translation.ngettext("%(counter)s tjeneste", "%(counter)s tjenester", 3)
            == "%(counter)s tjenester"
        )
