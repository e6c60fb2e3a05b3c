"""The conformance checker.

Contract (used by ingest and by `mps finops check`):

    check_relation(con, relation, version=None) -> CheckResult

`relation` names a DuckDB view or table holding the source rows, as read (all VARCHAR from CSV, typed from
Parquet), FOCUS column names, plus an `x_SourceRow` BIGINT column. The result carries the FOCUS version checked
against, the findings, `fatal` (the file cannot be used at all: say why in an ERROR finding), and `select_sql`: a
SELECT over the relation that yields every `schema.FOCUS_COLUMNS` column with its stored type (normalised), then
`x_SourceRow` and `x_RejectReason` (NULL for a usable row, else the rule id(s) that reject it, comma separated).

How: the rules are data (`focus/spec/columns.json`: types, feature levels, nullability, allowed values per column
and version; the rule ids are documented there). From them one stack of DuckDB views is generated over the relation
(normalise each column, then one boolean flag per rule, then the reject reason) and one aggregate query counts every
flag in a single pass; the commitment-discount identities take one more grouped pass when those columns are present.
Date-times written with slashes need a small first pass to decide day/month order for the file. No per-row Python.
The views and macros live on `con` (temporary), so `select_sql` must be run on the same connection.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import duckdb

from marketplace.finops.focus import spec
from marketplace.finops.focus.findings import ERROR, INFO, WARNING, Finding
from marketplace.finops.schema import DECIMAL, FOCUS_COLUMNS

VERSIONS = spec.versions()
LATEST = VERSIONS[-1]

_counter = itertools.count(1)

# A decimal as FOCUS writes it (NumericFormat): optional minus, digits, optional fraction, optional E-notation.
NUMERIC_CANON = r"^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
# YYYY-MM-DDTHH:mm:ssZ (DateTimeFormat).
DATETIME_CANON = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
ISO_LIKE = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?$"
ISO_TZ = r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)? ?(Z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)$"
_TIME = r"(?P<t>( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?)"
SLASH = r"^(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})" + _TIME + "$"
DOTTED = r"^(?P<a>[0-9]{1,2})\.(?P<b>[0-9]{1,2})\.(?P<y>[0-9]{4})" + _TIME + "$"
CURRENCY = r"^[A-Z]{3}$"
TOLERANCE = "1e-6"

NUMERIC_TYPES = (
    "DECIMAL",
    "DOUBLE",
    "FLOAT",
    "REAL",
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "UHUGEINT",
)
STORED = dict(FOCUS_COLUMNS)


@dataclass
class CheckResult:
    focus_version: str
    findings: list[Finding] = field(default_factory=list)
    fatal: bool = False
    select_sql: str = ""
    rows: int = 0
    rows_rejected: int = 0


@dataclass
class _Rule:
    """One per-row rule compiled to a boolean SQL expression over the normalised (L1) view."""

    rule_id: str
    column: str
    severity: str
    message: str
    expr: str
    rejects: bool = False


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _one_of(expr: str, values: tuple[str, ...]) -> str:
    """`expr` equals one of `values` (an OR chain: DuckDB plans a long IN list as a join, many times slower)."""
    return "(" + " OR ".join(f"{expr} = {lit(v)}" for v in values) + ")"


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"DESCRIBE {q(relation)}").fetchall()]


def _types_of(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE {q(relation)}").fetchall()}


def detect_version(columns: list[str]) -> str:
    """The newest version that defines a column of the file (1.0 when none is newer)."""
    by_lower = {name.lower(): col for name, col in spec.all_columns().items()}
    found = [by_lower[c.lower()].since for c in columns if c.lower() in by_lower]
    newest = max(found, key=lambda v: tuple(int(p) for p in v.split(".")), default=VERSIONS[0])
    return newest if newest in VERSIONS else VERSIONS[0]


def _install_macros(con: duckdb.DuckDBPyConnection) -> None:
    # Decimal quirks in two steps (each a view column, so the planner never sees a macro inside a macro):
    # focus_num_clean(s) drops spaces, currency symbols and accounting parentheses; after the sign is split off,
    # focus_num_body(b) gives a plain decimal text, or NULL when the intent is not unambiguous (e.g. '1,234').
    con.execute(
        r"""
        CREATE OR REPLACE TEMP MACRO focus_num_clean(s) AS
          regexp_replace(
            regexp_replace(
              trim(replace(replace(s, chr(160), ' '), chr(8239), ' ')),
              '^\((.*)\)$', '-\1'),
            '\s*([$€£¥]|\b(kr|NOK|USD|EUR|SEK|DKK|GBP)\b\.?)\s*', '', 'g');
        CREATE OR REPLACE TEMP MACRO focus_num_body(b) AS
          CASE
            WHEN regexp_full_match(b, '[0-9]+\.?[0-9]*|\.[0-9]+') THEN b
            WHEN regexp_full_match(b, '[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?') THEN replace(replace(b, ' ', ''), ',', '.')
            WHEN regexp_full_match(b, '[0-9]{1,3}(,[0-9]{3})+\.[0-9]+|[0-9]{1,3}(,[0-9]{3}){2,}') THEN replace(b, ',', '')
            WHEN regexp_full_match(b, '[0-9]{1,3}(\.[0-9]{3})+,[0-9]+|[0-9]{1,3}(\.[0-9]{3}){2,}')
              THEN replace(replace(b, '.', ''), ',', '.')
            WHEN regexp_full_match(b, '[0-9]+,[0-9]+') AND NOT regexp_full_match(b, '[0-9]{1,3},[0-9]{3}')
              THEN replace(b, ',', '.')
          END;
        """
    )
    # Date-time quirks: an ISO form with an offset (focus_ts_tz), or day/month/year parts (focus_ts_parts, order
    # 'mdy' or 'dmy' decided per file).
    con.execute(
        """
        CREATE OR REPLACE TEMP MACRO focus_ts_tz(s) AS
          make_timestamp(epoch_us(TRY_CAST(regexp_replace(s, ' ?UTC$', 'Z') AS TIMESTAMPTZ)));
        CREATE OR REPLACE TEMP MACRO focus_ts_parts(p, ord) AS
          TRY_CAST(
            printf('%04d-%02d-%02d',
              CASE WHEN length(p.y) = 2 THEN 2000 + CAST(p.y AS INT) ELSE CAST(p.y AS INT) END,
              CAST(CASE WHEN ord = 'mdy' THEN p.a ELSE p.b END AS INT),
              CAST(CASE WHEN ord = 'mdy' THEN p.b ELSE p.a END AS INT)) || p.t
            AS TIMESTAMP);
        """
    )


def check_relation(
    con: duckdb.DuckDBPyConnection, relation: str, *, version: str | None = None
) -> CheckResult:
    if version is not None and version not in VERSIONS:
        raise ValueError(f"Unknown FOCUS version {version!r}; known: {', '.join(VERSIONS)}")
    source_types = _types_of(con, relation)
    findings: list[Finding] = []
    known = spec.all_columns()
    by_lower = {name.lower(): name for name in known}

    # 1. Map the source columns to FOCUS names.
    source_of: dict[str, str] = {}  # FOCUS name -> source column
    for src in source_types:
        if src == "x_SourceRow":
            continue
        if src in known:
            source_of[src] = src
    for src in source_types:
        if src == "x_SourceRow" or src in known:
            continue
        target = by_lower.get(src.lower())
        if target and target not in source_of:
            source_of[target] = src
            findings.append(
                Finding(
                    "ColumnName-naming",
                    WARNING,
                    target,
                    0,
                    f"Column {src} read as the FOCUS column {target}.",
                )
            )
        elif not src.startswith("x_"):
            findings.append(
                Finding(
                    "CustomColumn-naming",
                    WARNING,
                    src,
                    0,
                    f"Column {src} is not a FOCUS column and has no x_ prefix (custom columns must start with x_); "
                    "it is ignored.",
                )
            )
    checked_version = version or detect_version(list(source_of))
    defined = spec.columns_for(checked_version)

    # 2. Presence by feature level.
    fatal_rules: list[str] = []
    present = set(source_of)
    features_present = {known[c].feature for c in present if known[c].feature}
    for name, col in defined.items():
        if name in present:
            continue
        partner = col.replaced_by or col.replaces
        if partner and partner in present:
            if spec.is_at_least(checked_version, known[partner].since):
                findings.append(
                    Finding(f"{name}-presence", INFO, name, 0, f"{name} is missing; filled from {partner}.")
                )
            continue
        if col.level == "Mandatory":
            findings.append(
                Finding(
                    f"{name}-presence",
                    ERROR,
                    name,
                    0,
                    f"Mandatory column {name} is missing (FOCUS {checked_version}).",
                )
            )
            fatal_rules.append(f"{name}-presence")
        elif col.level == "Recommended":
            findings.append(
                Finding(f"{name}-presence", INFO, name, 0, f"Recommended column {name} is missing.")
            )
        elif col.feature in features_present:
            findings.append(
                Finding(
                    f"{name}-presence",
                    INFO,
                    name,
                    0,
                    f"Conditional column {name} is missing although the data has other columns on {col.feature}.",
                )
            )
    for name in sorted(present):
        if name not in defined:
            findings.append(
                Finding(
                    f"{name}-version",
                    INFO,
                    name,
                    0,
                    f"{name} is not defined in FOCUS {checked_version} (introduced in {known[name].since}); read anyway.",
                )
            )

    _install_macros(con)
    n = next(_counter)
    l0 = f"{relation}__focus{n}_l0"

    # 3. L0: raw values ('null' text as NULL) with their source types; slash-date order for the file.
    varchar_path = {
        name: not _typed_ok(known[name].type, source_types[src])
        for name, src in source_of.items()
        if known[name].stored
    }
    l0_parts = []
    null_literal = []
    for name, src in source_of.items():
        if not known[name].stored:
            continue
        if varchar_path[name]:
            stype = source_types[src].upper()
            if stype == "VARCHAR":
                text = q(src)
            elif stype.startswith(("STRUCT", "MAP", "LIST")) or stype.endswith("]"):
                text = f"CAST(to_json({q(src)}) AS VARCHAR)"
            else:
                text = f"CAST({q(src)} AS VARCHAR)"
            l0_parts.append(f"CASE WHEN {q(src)} IN ('null', 'NULL') THEN NULL ELSE {text} END AS {q(name)}")
            canon = {"Decimal": NUMERIC_CANON, "DateTime": DATETIME_CANON}.get(known[name].type)
            if canon:
                l0_parts.append(f"coalesce(regexp_full_match({text}, '{canon}'), false) AS {q('c_' + name)}")
            if source_types[src] == "VARCHAR":
                null_literal.append(f"{q(src)} IN ('null', 'NULL')")
        else:
            l0_parts.append(f"{q(src)} AS {q(name)}")
    row_col = "x_SourceRow" if "x_SourceRow" in source_types else "row_number() OVER () AS x_SourceRow"
    null_flag = " OR ".join(null_literal) or "false"
    l0_parts += [row_col, f"coalesce({null_flag}, false) AS x_NullLiteral"]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(l0)} AS SELECT {', '.join(l0_parts)} FROM {q(relation)}")

    dt_text = [n_ for n_ in source_of if known[n_].type == "DateTime" and varchar_path.get(n_)]
    num_text = [n_ for n_ in source_of if known[n_].type == "Decimal" and varchar_path.get(n_)]
    la, lb = f"{relation}__focus{n}_la", f"{relation}__focus{n}_lb"
    cleaned = [
        f"CASE WHEN NOT {q('c_' + c)} THEN focus_num_clean({q(c)}) END AS {q('t_' + c)}" for c in num_text
    ] + [f"CASE WHEN NOT {q('c_' + c)} THEN trim({q(c)}) END AS {q('t_' + c)}" for c in dt_text]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(la)} AS SELECT {', '.join(['*', *cleaned])} FROM {q(l0)}")
    parts = []
    for c in num_text:
        t = q("t_" + c)
        parts.append(
            f"CASE WHEN regexp_matches({t}, '^[-+]') THEN ltrim(substr({t}, 2)) ELSE {t} END AS {q('b_' + c)}"
        )
        parts.append(f"starts_with({t}, '-') AS {q('n_' + c)}")
    for c in dt_text:
        t = q("t_" + c)
        parts.append(
            f"CASE WHEN regexp_full_match({t}, '{SLASH}') THEN regexp_extract({t}, '{SLASH}', ['a', 'b', 'y', 't']) "
            f"WHEN regexp_full_match({t}, '{DOTTED}') THEN regexp_extract({t}, '{DOTTED}', ['a', 'b', 'y', 't']) "
            f"END AS {q('p_' + c)}"
        )
        parts.append(f"regexp_full_match({t}, '{DOTTED}') AS {q('d_' + c)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(lb)} AS SELECT {', '.join(['*', *parts])} FROM {q(la)}")
    # slash dates: month/day unless the counting pass finds day-first evidence (then a second pass)
    order = "mdy"
    while True:
        rules, l3, out = _build_views(
            con,
            lb,
            f"{relation}__focus{n}",
            present,
            source_of,
            source_types,
            varchar_path,
            fatal_rules,
            order,
        )
        counted, slash = _count(con, l3, rules, dt_text)
        n_slash, n_day_first, n_month_first = slash
        wanted = "ambiguous" if n_day_first and n_month_first else "dmy" if n_day_first else "mdy"
        if wanted == order:
            break
        order = wanted
    rows, rejected = int(counted[0] or 0), int(counted[1] or 0)
    order_note = {
        "mdy": "; slash dates read as month/day/year (no first part above 12 in the file)",
        "dmy": "; slash dates read as day/month/year (a first part above 12 occurs in the file)",
        "ambiguous": "; slash dates occur in both day/month and month/day order and are not read",
    }[order]
    for i, rule in enumerate(rules):
        count, first = int(counted[2 + 2 * i] or 0), counted[3 + 2 * i]
        if count:
            note = (
                order_note
                if n_slash and rule.rule_id.endswith(("-format", "-type")) and rule.column in dt_text
                else ""
            )
            findings.append(
                Finding(
                    rule.rule_id,
                    ERROR if rule.rejects else rule.severity,
                    rule.column,
                    count,
                    f"{rule.message}{note} ({count} row{'s' if count != 1 else ''}, first at row {first})",
                )
            )
    if fatal_rules:
        rejected = rows
    else:
        findings += _commitment_findings(con, out, present)
    return CheckResult(
        focus_version=checked_version,
        findings=findings,
        fatal=bool(fatal_rules),
        select_sql=f"SELECT * FROM {q(out)}",
        rows=rows,
        rows_rejected=rejected,
    )


def _build_views(
    con: duckdb.DuckDBPyConnection,
    lb: str,
    base: str,
    present: set[str],
    source_of: dict[str, str],
    source_types: dict[str, str],
    varchar_path: dict[str, bool],
    fatal_rules: list[str],
    order: str,
) -> tuple[list[_Rule], str, str]:
    """L1 (normalised values), L2 (one flag per rule), L3 (+ reject reason) and OUT (the stored columns) over L0."""
    known = spec.all_columns()
    l1, l2, l3, out = (f"{base}_{part}" for part in ("l1", "l2", "l3", "out"))
    l1_parts = []
    rules: list[_Rule] = []
    for name, col in known.items():
        if name not in present or not col.stored:
            continue
        raw = f"r_{name}"
        l1_parts.append(f"{q(name)} AS {q(raw)}")
        source_type = "VARCHAR" if varchar_path[name] else source_types[source_of[name]]
        value, col_rules = _normalise(name, col, q(name), q(raw), source_type, order)
        l1_parts.append(f"{value} AS {q(name)}")
        if source_type == "VARCHAR" and col.type in ("Decimal", "DateTime"):
            l1_parts.append(q("c_" + name))
        rules += col_rules
    l1_parts += ["x_SourceRow", "x_NullLiteral"]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(l1)} AS SELECT {', '.join(l1_parts)} FROM {q(lb)}")
    rules += _row_rules(present, known)
    rules.append(
        _Rule(
            "Dataset-nullliteral",
            "",
            INFO,
            "The text 'null' stands for an empty value; read as null",
            "x_NullLiteral",
        )
    )
    flag_parts = [f"coalesce({r.expr}, false) AS f{i}" for i, r in enumerate(rules)]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(l2)} AS SELECT *, {', '.join(flag_parts)} FROM {q(l1)}")
    if fatal_rules:
        reason = lit(",".join(fatal_rules))
    else:
        rejecting = [f"CASE WHEN f{i} THEN {lit(r.rule_id)} END" for i, r in enumerate(rules) if r.rejects]
        reason = f"nullif(concat_ws(',', {', '.join(rejecting)}), '')" if rejecting else "NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {q(l3)} AS SELECT *, CAST({reason} AS VARCHAR) AS x_RejectReason FROM {q(l2)}"
    )
    out_parts = [_stored_expr(name, kind, present) for name, kind in FOCUS_COLUMNS]
    out_parts += ["x_SourceRow", "x_RejectReason"]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(out)} AS SELECT {', '.join(out_parts)} FROM {q(l3)}")
    return rules, l3, out


def _count(
    con: duckdb.DuckDBPyConnection, l3: str, rules: list[_Rule], dt_text: list[str]
) -> tuple[tuple, tuple[int, int, int]]:
    """One pass: rows, rejected rows, per rule (count, first source row); and the slash-date evidence."""
    aggs = ["count(*)", "count_if(x_RejectReason IS NOT NULL)"]
    for i in range(len(rules)):
        aggs += [f"count_if(f{i})", f"min(x_SourceRow) FILTER (WHERE f{i})"]
    for c in dt_text:
        raw = q("r_" + c)
        aggs += [
            f"count_if(contains({raw}, '/'))",
            f"count_if(regexp_matches({raw}, '^\\s*(1[3-9]|[23][0-9])/'))",
            f"count_if(regexp_matches({raw}, '^\\s*[0-9]{{1,2}}/(1[3-9]|[23][0-9])/'))",
        ]
    counted = con.execute(f"SELECT {', '.join(aggs)} FROM {q(l3)}").fetchone()
    assert counted is not None
    evidence = counted[2 + 2 * len(rules) :]
    slash = tuple(sum(int(v or 0) for v in evidence[k::3]) for k in range(3))
    return counted, (slash[0], slash[1], slash[2])


def _typed_ok(focus_type: str, source_type: str) -> bool:
    """Whether a typed (Parquet) source column can be taken as is (cast) rather than parsed as text."""
    base = source_type.split("(")[0].upper()
    if focus_type == "Decimal":
        return base in NUMERIC_TYPES
    if focus_type == "DateTime":
        return base.startswith("TIMESTAMP") or base == "DATE"
    return False


def _normalise(
    name: str, col: spec.Column, v: str, raw_name: str, source_type: str, order: str
) -> tuple[str, list[_Rule]]:
    """(SQL for the normalised value from L0 column `v`, rules over L1 where the raw value is `raw_name`)."""
    raw = raw_name
    val = q(name)
    text = source_type == "VARCHAR"
    canon = q("c_" + name)  # L0: the raw text is already in the canonical FOCUS form
    t = q("t_" + name)  # LA: the text with decimal quirks cleaned, or trimmed date-time text
    rules: list[_Rule] = []
    reject_on_type = col.needed
    type_rule = _Rule(
        f"{name}-type",
        name,
        WARNING,
        f"{name} does not hold a valid {col.type.lower()}; "
        + ("the row is rejected" if reject_on_type else "set to null"),
        f"{raw} IS NOT NULL AND {val} IS NULL",
        rejects=reject_on_type,
    )
    if col.type == "Decimal":
        if text:
            value = (
                f"CASE WHEN {v} IS NULL THEN NULL WHEN {canon} THEN TRY_CAST({v} AS {DECIMAL}) "
                f"ELSE TRY_CAST((CASE WHEN {q('n_' + name)} THEN '-' ELSE '' END) || focus_num_body({q('b_' + name)}) "
                f"AS {DECIMAL}) END"
            )
            rules.append(
                _Rule(
                    f"{name}-format",
                    name,
                    WARNING,
                    f"{name} written with thousands separators, a currency symbol, a + sign, a decimal comma or "
                    "spaces; normalised to a plain decimal",
                    f"{val} IS NOT NULL AND NOT {canon}",
                )
            )
        else:
            value = f"TRY_CAST({v} AS {DECIMAL})"
        rules.append(type_rule)
    elif col.type == "DateTime":
        if text:
            value = (
                f"CASE WHEN {v} IS NULL THEN NULL WHEN {canon} THEN TRY_CAST({v} AS TIMESTAMP) "
                f"WHEN regexp_full_match({t}, '{ISO_LIKE}') THEN TRY_CAST({t} AS TIMESTAMP) "
                f"WHEN regexp_full_match({t}, '{ISO_TZ}') THEN focus_ts_tz({t}) "
                f"WHEN {q('d_' + name)} THEN focus_ts_parts({q('p_' + name)}, 'dmy') "
                f"WHEN {q('p_' + name)} IS NOT NULL AND {lit(order)} IN ('mdy', 'dmy') "
                f"THEN focus_ts_parts({q('p_' + name)}, {lit(order)}) END"
            )
            rules.append(
                _Rule(
                    f"{name}-format",
                    name,
                    WARNING,
                    f"{name} not in the form YYYY-MM-DDTHH:mm:ssZ (missing Z, space for T, date only, an offset or "
                    "another date order); normalised to UTC",
                    f"{val} IS NOT NULL AND NOT {canon}",
                )
            )
        else:
            with_zone = "TIME ZONE" in source_type.upper() or source_type.upper() == "TIMESTAMPTZ"
            value = f"make_timestamp(epoch_us({v}))" if with_zone else f"CAST({v} AS TIMESTAMP)"
        rules.append(type_rule)
    elif col.type == "JSON":
        value = f"CASE WHEN json_valid({v}) AND starts_with(ltrim({v}), '{{') THEN {v} END"
        rules.append(
            _Rule(
                f"{name}-type",
                name,
                WARNING,
                f"{name} is not a JSON object; set to null",
                f"{raw} IS NOT NULL AND {val} IS NULL",
            )
        )
    elif name == "BillingCurrency":
        value = (
            f"CASE WHEN regexp_full_match(upper(trim({v})), '{CURRENCY}') THEN upper(trim({v})) ELSE {v} END"
        )
        rules.append(
            _Rule(
                f"{name}-format",
                name,
                WARNING,
                f"{name} in lower case or with spaces; normalised to the ISO 4217 code",
                f"{raw} <> {val}",
            )
        )
        rules.append(
            _Rule(
                f"{name}-allowed",
                name,
                ERROR,
                f"{name} is not an ISO 4217 currency code; the row is rejected",
                f"NOT regexp_full_match({val}, '{CURRENCY}')",
                rejects=True,
            )
        )
    elif col.allowed:
        folded: dict[str, list[str]] = {}
        for allowed in col.allowed:
            folded.setdefault(allowed.lower(), []).append(allowed)
        branches = " ".join(f"WHEN {lit(k)} THEN {lit(vs[0])}" for k, vs in folded.items() if len(vs) == 1)
        value = f"CASE WHEN {_one_of(v, col.allowed)} THEN {v} ELSE CASE lower(trim({v})) {branches} ELSE {v} END END"
        rules.append(
            _Rule(
                f"{name}-allowed",
                name,
                WARNING,
                f"{name} value differs from an allowed value only in case or spaces; normalised",
                f"NOT {_one_of(raw, col.allowed)} AND {_one_of(val, col.allowed)}",
            )
        )
        rejects = name == "ChargeCategory"
        rules.append(
            _Rule(
                f"{name}-allowed",
                name,
                WARNING,
                f"{name} is not one of {', '.join(col.allowed[:6])}{', ...' if len(col.allowed) > 6 else ''}; "
                + ("the row is rejected" if rejects else "kept as is"),
                f"NOT {_one_of(val, col.allowed)}",
                rejects=rejects,
            )
        )
    else:
        value = v
    if not col.nullable:
        rules.append(
            _Rule(
                f"{name}-nullability",
                name,
                WARNING,
                f"{name} is null" + ("; the row is rejected" if col.needed else ""),
                f"{raw} IS NULL",
                rejects=col.needed,
            )
        )
    return value, rules


def _row_rules(present: set[str], known: dict[str, spec.Column]) -> list[_Rule]:
    """The cross-column rules, each only when the columns it reads are in the file."""

    def has(*names: str) -> bool:
        return all(n in present for n in names)

    rules: list[_Rule] = []
    not_correction = "coalesce(\"ChargeClass\", '') <> 'Correction'" if has("ChargeClass") else "true"
    if has("ChargeCategory", "PricingCategory"):
        rules.append(
            _Rule(
                "PricingCategory-nullability-1",
                "PricingCategory",
                WARNING,
                "PricingCategory is not null on a Tax row",
                '"ChargeCategory" = \'Tax\' AND "PricingCategory" IS NOT NULL',
            )
        )
        rules.append(
            _Rule(
                "PricingCategory-nullability-2",
                "PricingCategory",
                WARNING,
                "PricingCategory is null on a Usage or Purchase row that is not a Correction",
                f"\"ChargeCategory\" IN ('Usage', 'Purchase') AND \"PricingCategory\" IS NULL AND {not_correction}",
            )
        )
    if has("ChargeCategory", "ConsumedQuantity"):
        unused = " OR \"CommitmentDiscountStatus\" = 'Unused'" if has("CommitmentDiscountStatus") else ""
        rules.append(
            _Rule(
                "ConsumedQuantity-nullability",
                "ConsumedQuantity",
                WARNING,
                "ConsumedQuantity is not null on a row that is not Usage (or is unused commitment)",
                f'"ConsumedQuantity" IS NOT NULL AND ("ChargeCategory" <> \'Usage\'{unused})',
            )
        )
    for quantity, unit in (
        ("PricingQuantity", "PricingUnit"),
        ("ConsumedQuantity", "ConsumedUnit"),
        ("CommitmentDiscountQuantity", "CommitmentDiscountUnit"),
    ):
        if has(unit):
            rules.append(
                _Rule(
                    f"{unit}-nullability",
                    unit,
                    WARNING,
                    f"{unit} is not null while {quantity} is null",
                    f"{q(unit)} IS NOT NULL AND {q(quantity) if has(quantity) else 'NULL'} IS NULL",
                )
            )
    for cost, price in (("ListCost", "ListUnitPrice"), ("ContractedCost", "ContractedUnitPrice")):
        if has(cost, price, "PricingQuantity"):
            product = f'(CAST({q(price)} AS DOUBLE) * CAST("PricingQuantity" AS DOUBLE))'
            rules.append(
                _Rule(
                    f"{cost}-relationship",
                    cost,
                    WARNING,
                    f"{cost} differs from {price} x PricingQuantity (tolerance {TOLERANCE} relative)",
                    f"{not_correction} AND abs(CAST({q(cost)} AS DOUBLE) - {product}) > "
                    f"{TOLERANCE} * greatest(abs(CAST({q(cost)} AS DOUBLE)), abs({product}))",
                )
            )
    if has("ChargeCategory", "ChargeFrequency"):
        rules.append(
            _Rule(
                "ChargeFrequency-relationship",
                "ChargeFrequency",
                WARNING,
                "ChargeFrequency is Usage-Based on a Purchase row",
                "\"ChargeCategory\" = 'Purchase' AND \"ChargeFrequency\" = 'Usage-Based'",
            )
        )
    for start, end in (("BillingPeriodStart", "BillingPeriodEnd"), ("ChargePeriodStart", "ChargePeriodEnd")):
        if has(start, end):
            rules.append(
                _Rule(
                    f"{end}-relationship",
                    end,
                    WARNING,
                    f"{start} is not before {end}",
                    f"{q(start)} >= {q(end)}",
                )
            )
    if has("ServiceCategory", "ServiceSubcategory"):
        pairs = known["ServiceSubcategory"].category_of
        case = " ".join(f"WHEN {lit(sub)} THEN {lit(cat)}" for sub, cat in pairs)
        rules.append(
            _Rule(
                "ServiceSubcategory-relationship",
                "ServiceSubcategory",
                WARNING,
                "ServiceSubcategory belongs to another (allowed) ServiceCategory",
                f'(CASE "ServiceSubcategory" {case} END) <> "ServiceCategory" '
                f"AND {_one_of(q('ServiceCategory'), known['ServiceCategory'].allowed)}",
            )
        )
    if has("CommitmentDiscountStatus"):
        cid = '"CommitmentDiscountId"' if has("CommitmentDiscountId") else "NULL"
        rules.append(
            _Rule(
                "CommitmentDiscountStatus-commitment",
                "CommitmentDiscountStatus",
                WARNING,
                "CommitmentDiscountStatus is set while CommitmentDiscountId is null",
                f'"CommitmentDiscountStatus" IS NOT NULL AND {cid} IS NULL',
            )
        )
    return rules


def _stored_expr(name: str, kind: str, present: set[str]) -> str:
    pairs = {"ServiceProviderName": "ProviderName", "HostProviderName": "PublisherName"}
    pairs.update({old: new for new, old in pairs.items()})
    sources = [n for n in (name, pairs.get(name)) if n and n in present]
    if not sources:
        return f"CAST(NULL AS {kind}) AS {q(name)}"
    expr = sources[0] if len(sources) == 1 else None
    if expr is not None:
        return f"CAST({q(expr)} AS {kind}) AS {q(name)}"
    return f"CAST(coalesce({q(sources[0])}, {q(sources[1])}) AS {kind}) AS {q(name)}"


def _commitment_findings(con: duckdb.DuckDBPyConnection, out: str, present: set[str]) -> list[Finding]:
    if not {"CommitmentDiscountId", "ChargeCategory", "EffectiveCost", "BilledCost"} <= present:
        return []
    row = con.execute(
        f"""
        WITH per_id AS (
          SELECT "CommitmentDiscountId" AS id,
                 sum("EffectiveCost") FILTER (WHERE "ChargeCategory" = 'Usage') AS used,
                 sum("BilledCost") FILTER (WHERE "ChargeCategory" = 'Purchase') AS bought,
                 count(*) AS n, min(x_SourceRow) AS first
          FROM {q(out)}
          WHERE x_RejectReason IS NULL AND "CommitmentDiscountId" IS NOT NULL
          GROUP BY 1
        )
        SELECT count(*), sum(n), min(first), list(id ORDER BY id)[1:3]
        FROM per_id
        WHERE used IS NOT NULL AND bought IS NOT NULL
          AND abs(CAST(used AS DOUBLE) - CAST(bought AS DOUBLE))
              > {TOLERANCE} * greatest(abs(CAST(used AS DOUBLE)), abs(CAST(bought AS DOUBLE)))
        """
    ).fetchone()
    assert row is not None
    ids = int(row[0])
    if not ids:
        return []
    rows = int(row[1])
    return [
        Finding(
            "CommitmentDiscountId-commitment",
            WARNING,
            "CommitmentDiscountId",
            rows,
            f"For {ids} commitment discount(s) ({', '.join(row[3])}{', ...' if ids > 3 else ''}) the EffectiveCost "
            f"of Usage rows does not add up to the BilledCost of Purchase rows ({rows} rows, first at row {row[2]})",
        )
    ]
