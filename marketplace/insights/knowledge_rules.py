"""Pure rules of the knowledge area (no Django): article HTML, tags, attachment checks and Skyforum text.

- `article_html`: MPS staff write articles as HTML; a fixed set of tags survives, script/style/event handlers go.
- `tags_parse`: "FinOps, skystrategi ,FinOps" → ["FinOps", "skystrategi"] (first spelling kept, max 10, max 60).
- `attachment_check`: extension and content-type allow-list (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, CSV), size limit
  and the file's first bytes (PDF starts with %PDF-, the office formats are ZIP files, CSV is UTF-8 text).
- `forum_render`: Skyforum posts are plain text with a little markdown (**fet**, *kursiv*, `kode`, lenker
  [tekst](https://…), lists with "- "); everything the user typed is escaped first, so no HTML from the user
  survives, and nh3 cleans the result as the last gate.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

import nh3

ARTICLE_TAGS = frozenset(
    {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "table", "thead", "tbody",
     "tr", "th", "td", "code"}
)  # fmt: skip
ARTICLE_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def article_html(value: str) -> str:
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=set(ARTICLE_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ARTICLE_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def html_text(value: str) -> str:
    """The text of HTML (for the search index)."""
    return html.unescape(nh3.clean(value or "", tags=set(), attributes={})).strip()


MAX_TAGS = 10
MAX_TAG_LENGTH = 60


def tags_parse(value: str) -> tuple[list[str], list[str]]:
    """(tags, errors). Comma-separated; blanks dropped; duplicates (case-insensitive) dropped."""
    tags: list[str] = []
    seen: set[str] = set()
    errors: list[str] = []
    for raw in (value or "").split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            errors.append(f"too_long:{name[:20]}")
            continue
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        tags.append(name)
    if len(tags) > MAX_TAGS:
        errors.append("too_many")
    return tags, errors


def tag_slug(name: str) -> str:
    """ "Skyløsninger og FinOps" → "skylosninger-og-finops"."""
    text = name.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "emne"


# --- attachments ------------------------------------------------------------------------------------------------

ALLOWED_ATTACHMENTS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    "docx": frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    "xlsx": frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    "pptx": frozenset({"application/vnd.openxmlformats-officedocument.presentationml.presentation"}),
    "odt": frozenset({"application/vnd.oasis.opendocument.text"}),
    "ods": frozenset({"application/vnd.oasis.opendocument.spreadsheet"}),
    "odp": frozenset({"application/vnd.oasis.opendocument.presentation"}),
    "csv": frozenset({"text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"}),
}
ZIP_FORMATS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
# Browsers send this when they do not know; the extension and the file's first bytes decide then.
UNKNOWN_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class AttachmentProblem:
    code: str  # "extension", "content_type", "content", "size", "empty", "name"


def attachment_extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""


def attachment_content_type(filename: str) -> str:
    """The content type the file is served with (from the allow-list, never from the upload)."""
    extension = attachment_extension(filename)
    if extension == "csv":
        return "text/csv"
    types = ALLOWED_ATTACHMENTS.get(extension)
    return sorted(types)[0] if types else UNKNOWN_CONTENT_TYPE


def attachment_check(
    *, filename: str, content_type: str, size: int, head: bytes, max_bytes: int
) -> list[AttachmentProblem]:
    """Every problem with an upload; empty list = acceptable."""
    name = filename.strip()
    if not name or "/" in name or "\\" in name or name.startswith(".") or len(name) > 255:
        return [AttachmentProblem("name")]
    extension = attachment_extension(name)
    allowed = ALLOWED_ATTACHMENTS.get(extension)
    if allowed is None:
        return [AttachmentProblem("extension")]
    problems: list[AttachmentProblem] = []
    declared = (content_type or "").split(";")[0].strip().casefold()
    if declared and declared != UNKNOWN_CONTENT_TYPE and declared not in allowed:
        problems.append(AttachmentProblem("content_type"))
    if size <= 0:
        return [*problems, AttachmentProblem("empty")]
    if size > max_bytes:
        return [*problems, AttachmentProblem("size")]
    if (extension == "pdf" and not head.startswith(b"%PDF-")) or (
        extension in ZIP_FORMATS and not head.startswith(b"PK\x03\x04")
    ):
        problems.append(AttachmentProblem("content"))
    elif extension == "csv":
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the head is fine.
            text = head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 else "\x00"
        if "\x00" in text:
            problems.append(AttachmentProblem("content"))
    return problems


# --- Skyforum text ----------------------------------------------------------------------------------------------

FORUM_TAGS = frozenset({"p", "br", "strong", "em", "code", "a", "ul", "li"})
_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((https?://[^\s)]{1,500})\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_CODE = re.compile(r"`([^`\n]{1,500})`")
MAX_FORUM_LENGTH = 10_000


def _inline(escaped: str) -> str:
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{match.group(1)}</code>")
        return f"\x00{len(codes) - 1}\x00"

    text = _CODE.sub(keep_code, escaped)
    text = _LINK.sub(lambda m: f'<a href="{m.group(2)}">{m.group(1)}</a>', text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _EM.sub(r"<em>\1</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], text)


def forum_render(text: str) -> str:
    """Plain text with a little markdown → safe HTML."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    parts: list[str] = []
    for block in blocks:
        if not block.strip():
            continue
        lines = [line.rstrip() for line in block.split("\n")]
        escaped = [html.escape(line, quote=True) for line in lines]
        if all(line.lstrip().startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line.lstrip()[2:])}</li>" for line in escaped)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>" + "<br>".join(_inline(line) for line in escaped) + "</p>")
    return nh3.clean(
        "".join(parts),
        tags=set(FORUM_TAGS),
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow ugc",
    )
