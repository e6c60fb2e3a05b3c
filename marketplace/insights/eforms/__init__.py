"""Pure parsing of eForms UBL notices (stdlib ElementTree via defusedxml, python-stdnum; no Django): `parse_notice(data) -> ParsedNotice` or
`NoticeInvalid` with a reason a person can act on. See parser.py for what is read and which rules refuse a notice."""

from marketplace.insights.eforms.parser import (
    NoticeInvalid,
    NoticeUnsupported,
    ParsedAward,
    ParsedLot,
    ParsedNotice,
    ParsedOrganisation,
    parse_notice,
)

__all__ = [
    "NoticeInvalid",
    "NoticeUnsupported",
    "ParsedAward",
    "ParsedLot",
    "ParsedNotice",
    "ParsedOrganisation",
    "parse_notice",
]
