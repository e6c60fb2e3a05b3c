"""Pure rules of the knowledge area: article HTML, tags, attachment checks, Skyforum text."""

from __future__ import annotations

import pytest

from marketplace.insights import knowledge_rules as rules

PDF = b"%PDF-1.7\n..."
ZIP = b"PK\x03\x04\x14\x00"
LIMIT = 1000


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Hei <strong>du</strong></p>", "<p>Hei <strong>du</strong></p>"),
        ('<p onclick="x()">a</p><script>alert(1)</script>', "<p>a</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        ('<a href="https://dfo.no">DFØ</a>', '<a href="https://dfo.no" rel="noopener noreferrer">DFØ</a>'),
        ("<img src=x onerror=alert(1)><h2>T</h2>", "<h2>T</h2>"),
        ("<style>p{}</style><!-- c --><em>e</em>", "<em>e</em>"),
        ("", ""),
    ],
)
def test_article_html(html, expected):
    assert rules.article_html(html) == expected


def test_html_text():
    assert rules.html_text("<p>Sky &amp; drift</p><ul><li>a</li></ul>") == "Sky & drifta"


@pytest.mark.parametrize(
    ("value", "tags", "errors"),
    [
        ("FinOps, skystrategi ,FinOps", ["FinOps", "skystrategi"], []),
        (" ,  , ", [], []),
        ("finops, FINOPS", ["finops"], []),
        ("Sky   og  drift", ["Sky og drift"], []),
        ("x" * 61, [], ["too_long:" + "x" * 20]),
        (",".join(f"t{i}" for i in range(11)), [f"t{i}" for i in range(11)], ["too_many"]),
    ],
)
def test_tags_parse(value, tags, errors):
    assert rules.tags_parse(value) == (tags, errors)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Skyløsninger og FinOps", "skylosninger-og-finops"),
        ("Cloud R&A", "cloud-r-a"),
        ("Æøå", "aeoa"),
        ("!!", "emne"),
    ],
)
def test_tag_slug(name, slug):
    assert rules.tag_slug(name) == slug


@pytest.mark.parametrize(
    ("filename", "content_type", "size", "head", "codes"),
    [
        ("rapport.pdf", "application/pdf", 100, PDF, []),
        ("rapport.PDF", "application/octet-stream", 100, PDF, []),
        ("rapport.pdf", "", 100, PDF, []),
        (
            "notat.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            100,
            ZIP,
            [],
        ),
        ("tall.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 100, ZIP, []),
        (
            "lysark.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            9,
            ZIP,
            [],
        ),
        ("notat.odt", "application/vnd.oasis.opendocument.text", 9, ZIP, []),
        ("tall.ods", "application/vnd.oasis.opendocument.spreadsheet", 9, ZIP, []),
        ("lysark.odp", "application/vnd.oasis.opendocument.presentation", 9, ZIP, []),
        ("tall.csv", "text/csv", 10, "år;kostnad\n2025;10".encode(), []),
        ("tall.csv", "application/vnd.ms-excel", 10, b"a,b\n1,2", []),
        ("tall.csv", "text/csv", 10, b"a\x00b", ["content"]),
        ("tall.csv", "text/csv", 10, b"\xff\xfe\x00a", ["content"]),
        ("virus.exe", "application/pdf", 100, PDF, ["extension"]),
        ("side.html", "text/html", 100, b"<script>", ["extension"]),
        ("uten-endelse", "application/pdf", 100, PDF, ["extension"]),
        ("rapport.pdf", "text/html", 100, PDF, ["content_type"]),
        ("rapport.pdf", "application/pdf", 100, b"<html>", ["content"]),
        (
            "notat.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            9,
            PDF,
            ["content"],
        ),
        ("rapport.pdf", "application/pdf", LIMIT + 1, b"", ["size"]),
        ("rapport.exe", "application/pdf", LIMIT + 1, b"", ["extension"]),
        ("rapport.pdf", "application/pdf", LIMIT, PDF, []),
        ("rapport.pdf", "application/pdf", 0, b"", ["empty"]),
        ("../etc/passwd.pdf", "application/pdf", 100, PDF, ["name"]),
        (".skjult.pdf", "application/pdf", 100, PDF, ["name"]),
        ("", "application/pdf", 100, PDF, ["name"]),
    ],
)
def test_attachment_check(filename, content_type, size, head, codes):
    problems = rules.attachment_check(
        filename=filename, content_type=content_type, size=size, head=head, max_bytes=LIMIT
    )
    assert [p.code for p in problems] == codes


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("a.pdf", "application/pdf"),
        ("a.csv", "text/csv"),
        ("a.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.exe", "application/octet-stream"),
    ],
)
def test_attachment_content_type(filename, content_type):
    assert rules.attachment_content_type(filename) == content_type


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("Hei", "<p>Hei</p>"),
        ("Linje 1\nLinje 2\n\nAvsnitt 2", "<p>Linje 1<br>Linje 2</p><p>Avsnitt 2</p>"),
        (
            "**fet** og *kursiv* og `kode`",
            "<p><strong>fet</strong> og <em>kursiv</em> og <code>kode</code></p>",
        ),
        ("- en\n- to", "<ul><li>en</li><li>to</li></ul>"),
        (
            "[DFØ](https://dfo.no)",
            '<p><a href="https://dfo.no" rel="noopener noreferrer nofollow ugc">DFØ</a></p>',
        ),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src=x onerror="alert(1)">', '<p>&lt;img src=x onerror="alert(1)"&gt;</p>'),
        ("[klikk](javascript:alert(1))", "<p>[klikk](javascript:alert(1))</p>"),
        ('[x](https://a.no" onmouseover="alert(1))', '<p>[x](https://a.no" onmouseover="alert(1))</p>'),
        ("`<b>`", "<p><code>&lt;b&gt;</code></p>"),
        ("a < b && c > d", "<p>a &lt; b &amp;&amp; c &gt; d</p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
        ("", ""),
    ],
)
def test_forum_render(text, html):
    assert rules.forum_render(text) == html
