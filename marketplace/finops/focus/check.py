"""The conformance checker.

Contract (used by ingest and by `mps finops check`):

    check_relation(con, relation, version=None, execute=None) -> CheckResult

`relation` names a DuckDB view or table holding the source rows, as read (all VARCHAR from CSV, typed from
Parquet), FOCUS column names, plus an `x_SourceRow` BIGINT column (without it, rows are numbered in source order by
their place in the checked rows' table). The result carries the FOCUS version checked
against, the findings, `fatal` (the file cannot be used at all: say why in an ERROR finding), and `select_sql`: a
SELECT over the relation that yields every `schema.FOCUS_COLUMNS` column with its stored type (normalised), then
`x_SourceRow` and `x_RejectReason` (NULL for a usable row, else the rule id(s) that reject it, comma separated);
`table` is the (quoted) name of the table it reads, which also has `x_BillingPeriod` (the first day of BillingPeriodStart's
month, for the ingest's writes per billing period).

How: the rules are data (`focus/spec/columns.json`: types, feature levels, nullability, allowed values per column
and version; the rule ids are documented there). From them one stack of DuckDB views is generated over the relation
(normalise each column, then one boolean flag per rule, then the reject reason). The source is read and normalised
once: the stored columns, the reject reason and the flags (as bits of a few BIGINT columns) are materialised into one
temporary table (`execute`, when given, runs that statement, e.g. with progress reporting); the counts of every flag
(one GROUP BY over the distinct flag combinations), the commitment-discount identities and `select_sql` all read
that table. Files with date-times written with slashes in day/month order
(found while counting) are read a second time with that order. No per-row Python. The views, the table and the
macros live on `con` (temporary), so `select_sql` must be run on the same connection.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from marketplace.finops.focus import spec
from marketplace.finops.focus.findings import ERROR, INFO, WARNING, Finding
from marketplace.finops.focus.rules import (
    DATETIME_CANON,
    DOTTED,
    NUMERIC_CANON,
    SLASH,
    TOLERANCE,
    Rule,
    install_macros,
    lit,
    normalise,
    q,
    row_rules,
    stored_expr,
    typed_ok,
)
from marketplace.finops.schema import FOCUS_COLUMNS

VERSIONS = spec.versions()
LATEST = VERSIONS[-1]

_counter = itertools.count(1)


@dataclass
class CheckResult:
    focus_version: str
    findings: list[Finding] = field(default_factory=list)
    fatal: bool = False
    select_sql: str = ""
    table: str = ""
    rows: int = 0
    rows_rejected: int = 0


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


def check_relation(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    *,
    version: str | None = None,
    execute: Callable[[str], None] | None = None,
    stage: str | None = None,
    direct: bool = False,
) -> CheckResult:
    """Check the rows of `relation` (see the module docstring). `stage` names an attached DuckDB database to hold
    the checked rows' table instead of a temporary table: a file database stores them compressed (about a tenth of
    the size, for sources larger than memory) at some CPU cost. `direct`: `relation` is a view that the
    connection's cursors see (not temporary), so a clean typed source need not be copied: `table` is then a view
    over it (see `_raw_view`)."""
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

    install_macros(con)
    n = next(_counter)
    l0 = f"{relation}__focus{n}_l0"

    # 3. L0: raw values ('null' text as NULL) with their source types; slash-date order for the file.
    varchar_path = {
        name: not typed_ok(known[name].type, source_types[src])
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
    # A relation without x_SourceRow (a CSV read without numbering, see `reader.open_sources`) is numbered by the
    # order of the checked rows' table, which is written in source order (`_materialise`).
    numbered = "x_SourceRow" in source_types
    row_col = "x_SourceRow" if numbered else "CAST(NULL AS BIGINT) AS x_SourceRow"
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
    # A typed source whose every stored column reads as is (text columns as text, numbers and times typed) may be
    # stored straight from the source: its rows are counted over the views first (no copy), and when no rule
    # rejects or changes a value, `out` is a view of the source cast to the stored types (the same values the
    # normalisation gives, see `_raw_view`).
    direct_ok = (
        direct
        and numbered
        and not fatal_rules
        and not dt_text
        and not num_text
        and all(
            (not varchar_path[name])
            if known[name].type in ("Decimal", "DateTime")
            else source_types[source_of[name]].upper() == "VARCHAR"
            for name in source_of
            if known[name].stored
        )
    )
    run = execute or (lambda sql: _run(con, sql))
    # slash dates: month/day unless the counting pass finds day-first evidence (then a second pass)
    order = "mdy"
    while True:
        base = f"{relation}__focus{n}"
        rules, l3, columns, flags = _build_views(
            con, lb, base, present, source_of, source_types, varchar_path, fatal_rules, order, dt_text
        )
        out = ""
        if direct_ok:
            counted = _count(
                con,
                f"(SELECT {', '.join(flags)}, x_SourceRow FROM {q(l3)})",
                rules,
                dt_text,
                run,
            )
            if not any(counted.counts[i] for i, rule in enumerate(rules) if rule.rejects or rule.changes):
                out = _raw_view(con, relation, base, source_of, source_types, present)
        if not out:
            out = _materialise(con, l3, base, columns + flags, run, stage, numbered=numbered)
            counted = _count(con, out, rules, dt_text)
        n_slash, n_day_first, n_month_first = counted.slash
        wanted = "ambiguous" if n_day_first and n_month_first else "dmy" if n_day_first else "mdy"
        if wanted == order:
            break
        order = wanted
    rows, rejected = counted.rows, counted.rejected
    order_note = {
        "mdy": "; slash dates read as month/day/year (no first part above 12 in the file)",
        "dmy": "; slash dates read as day/month/year (a first part above 12 occurs in the file)",
        "ambiguous": "; slash dates occur in both day/month and month/day order and are not read",
    }[order]
    for i, rule in enumerate(rules):
        count, first = counted.counts[i], counted.first[i]
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
        findings += _invoice_findings(con, out, present)
    return CheckResult(
        focus_version=checked_version,
        findings=findings,
        fatal=bool(fatal_rules),
        select_sql=f"SELECT {', '.join(q(name) for name, _kind in FOCUS_COLUMNS)}, x_SourceRow, x_RejectReason "
        f"FROM {out}",
        table=out,
        rows=rows,
        rows_rejected=rejected,
    )


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    con.execute(sql)


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
    dt_text: list[str],
) -> tuple[list[Rule], str, list[str], list[str]]:
    """L1 (normalised values), L2 (one flag per rule), L3 (+ reject reason) over L0; returns the rules, L3 and two
    select lists over L3: the checked rows' columns (the stored columns, x_SourceRow, x_RejectReason,
    x_BillingPeriod) and the flags and slash-date evidence as bits of `x_Flags<k>` words."""
    known = spec.all_columns()
    l1, l2, l3 = (f"{base}_{part}" for part in ("l1", "l2", "l3"))
    l1_parts = []
    rules: list[Rule] = []
    for name, col in known.items():
        if name not in present or not col.stored:
            continue
        raw = f"r_{name}"
        l1_parts.append(f"{q(name)} AS {q(raw)}")
        source_type = "VARCHAR" if varchar_path[name] else source_types[source_of[name]]
        value, col_rules = normalise(name, col, q(name), q(raw), source_type, order)
        l1_parts.append(f"{value} AS {q(name)}")
        if source_type == "VARCHAR" and col.type in ("Decimal", "DateTime"):
            l1_parts.append(q("c_" + name))
        rules += col_rules
    l1_parts += ["x_SourceRow", "x_NullLiteral"]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {q(l1)} AS SELECT {', '.join(l1_parts)} FROM {q(lb)}")
    rules += row_rules(present, known)
    rules.append(
        Rule(
            "Dataset-nullliteral",
            "",
            INFO,
            "The text 'null' stands for an empty value; read as null",
            "x_NullLiteral",
            changes=True,
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
    columns = [stored_expr(name, kind, present) for name, kind in FOCUS_COLUMNS]
    columns += [
        "x_SourceRow",
        "x_RejectReason",
        "CAST(date_trunc('month', \"BillingPeriodStart\") AS DATE) AS x_BillingPeriod"
        if "BillingPeriodStart" in present
        else "CAST(NULL AS DATE) AS x_BillingPeriod",
    ]
    # The rule flags and the slash-date evidence as bits of a few BIGINT columns (not one BOOLEAN column each):
    # the counting pass is then one GROUP BY over the few distinct combinations.
    bits = [f"f{i}" for i in range(len(rules))]
    for c in dt_text:
        raw = q("r_" + c)
        bits += [
            f"coalesce(contains({raw}, '/'), false)",
            f"coalesce(regexp_matches({raw}, '^\\s*(1[3-9]|[23][0-9])/'), false)",
            f"coalesce(regexp_matches({raw}, '^\\s*[0-9]{{1,2}}/(1[3-9]|[23][0-9])/'), false)",
        ]
    flags = []
    for word in range(0, len(bits), _BITS):
        terms = [
            f"(CAST({bit} AS BIGINT) << {k})" if k else f"CAST({bit} AS BIGINT)"
            for k, bit in enumerate(bits[word : word + _BITS])
        ]
        flags.append(f"({' | '.join(terms)}) AS x_Flags{word // _BITS}")
    return rules, l3, columns, flags


def _materialise(
    con: duckdb.DuckDBPyConnection,
    l3: str,
    base: str,
    out_parts: list[str],
    execute: Callable[[str], None],
    stage: str | None,
    *,
    numbered: bool = True,
) -> str:
    """The one read of the source: the table `<base>_out` of the checked rows (in `stage` when given). Unless the
    rows are `numbered`, the table is written in source order (insertion order kept, on parallel threads) and the
    checked rows are the view `<base>_rows` that numbers them by their place in it (`rowid`)."""
    table = f"{q(stage)}.{q(base + '_out')}" if stage else q(base + "_out")
    create = "CREATE OR REPLACE TABLE" if stage else "CREATE OR REPLACE TEMP TABLE"
    if numbered:
        execute(f"{create} {table} AS SELECT {', '.join(out_parts)} FROM {q(l3)}")
        return table
    kept = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    con.execute("SET preserve_insertion_order = true")
    try:
        execute(f"{create} {table} AS SELECT {', '.join(out_parts)} FROM {q(l3)}")
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if kept and kept[0] else 'false'}")
    rows = f"{q(stage)}.{q(base + '_rows')}" if stage else q(base + "_rows")
    con.execute(
        f"CREATE OR REPLACE {'' if stage else 'TEMP '}VIEW {rows} AS "
        f"SELECT * REPLACE (CAST(rowid + 1 AS BIGINT) AS x_SourceRow) FROM {table}"
    )
    return rows


def _raw_view(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    base: str,
    source_of: dict[str, str],
    source_types: dict[str, str],
    present: set[str],
) -> str:
    """The checked rows of a clean typed source as a (not temporary) view over `relation`: each stored column is
    the source column cast to its stored type, which is what the normalisation gives when no rule rejected or
    changed a row: a text column is kept (no 'null' text, no case or currency fix, valid JSON: each would have
    flagged a changing rule), a typed number is cast to DECIMAL (a failing cast flags the type rule), a time is
    cast to TIMESTAMP (a zoned one to its UTC time, as `rules.normalise` does)."""
    known = spec.all_columns()
    inner = []
    for name, src in source_of.items():
        col = known[name]
        if not col.stored:
            continue
        stype = source_types[src].upper()
        if col.type == "DateTime" and ("TIME ZONE" in stype or stype == "TIMESTAMPTZ"):
            inner.append(f"make_timestamp(epoch_us({q(src)})) AS {q(name)}")
        else:
            inner.append(f"{q(src)} AS {q(name)}")
    inner.append("x_SourceRow")
    stored = [stored_expr(name, kind, present) for name, kind in FOCUS_COLUMNS]
    period = (
        "CAST(date_trunc('month', CAST(\"BillingPeriodStart\" AS TIMESTAMP)) AS DATE)"
        if "BillingPeriodStart" in present
        else "CAST(NULL AS DATE)"
    )
    view = q(base + "_raw")
    con.execute(
        f"CREATE OR REPLACE VIEW {view} AS SELECT {', '.join(stored)}, x_SourceRow, "
        f"CAST(NULL AS VARCHAR) AS x_RejectReason, {period} AS x_BillingPeriod "
        f"FROM (SELECT {', '.join(inner)} FROM {q(relation)})"
    )
    return view


_BITS = 62  # rule flags per BIGINT column (bits 0-61)


@dataclass
class _Counted:
    rows: int
    rejected: int
    counts: list[int]  # per rule: rows flagged
    first: list[int | None]  # per rule: first source row flagged
    slash: tuple[
        int, int, int
    ]  # rows with slash dates, with a first part above 12, with a second part above 12


def _count(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rules: list[Rule],
    dt_text: list[str],
    execute: Callable[[str], None] | None = None,
) -> _Counted:
    """Rows, rejected rows, per rule (count, first source row) and the slash-date evidence, from `table` (the
    checked rows' table, or a subquery with the flag words and x_SourceRow): one GROUP BY over the flag words (few
    distinct combinations), the bits summed up here. `execute`, when given, runs the GROUP BY (into a temporary
    table), e.g. with progress reporting."""
    n_rules = len(rules)
    n_bits = n_rules + 3 * len(dt_text)
    words = [f"x_Flags{w}" for w in range((n_bits + _BITS - 1) // _BITS)]
    select = ", ".join([*words, "count(*) AS n", "min(x_SourceRow) AS first_row"])
    group = f" GROUP BY {', '.join(words)}" if words else ""
    query = f"SELECT {select} FROM {table}{group}"
    if execute is not None:
        counts_table = f"focus_counts{next(_counter)}"
        execute(f"CREATE OR REPLACE TEMP TABLE {counts_table} AS {query}")
        query = f"SELECT * FROM {counts_table}"
    rejecting = [0] * len(words)
    for i, rule in enumerate(rules):
        if rule.rejects:
            rejecting[i // _BITS] |= 1 << (i % _BITS)
    counts = [0] * n_bits
    first: list[int | None] = [None] * n_bits
    rows = rejected = 0
    for *flags, n, first_row in con.execute(query).fetchall():
        n = int(n or 0)
        if not n:
            continue
        rows += n
        if any(int(word or 0) & mask for word, mask in zip(flags, rejecting, strict=True)):
            rejected += n
        for w, word in enumerate(flags):
            word = int(word or 0)
            while word:
                low = word & -word
                i = w * _BITS + low.bit_length() - 1
                counts[i] += n
                if first[i] is None or int(first_row) < int(first[i] or 0):
                    first[i] = int(first_row)
                word ^= low
    evidence = counts[n_rules:]
    slash = tuple(sum(evidence[k::3]) for k in range(3))
    return _Counted(rows, rejected, counts[:n_rules], first[:n_rules], (slash[0], slash[1], slash[2]))


def _commitment_findings(con: duckdb.DuckDBPyConnection, out: str, present: set[str]) -> list[Finding]:
    """The per-CommitmentDiscountId identities of FOCUS 1.2 effectivecost.md:

        "Charges for a given CommitmentDiscountId adhere to the following additional requirements:
         * The sum of EffectiveCost where ChargeCategory is "Usage" MUST equal the sum of BilledCost where
           ChargeCategory is "Purchase".
         * The sum of EffectiveCost where ChargeCategory is "Usage" MUST equal the sum of EffectiveCost where
           ChargeCategory is "Usage" and CommitmentDiscountStatus is "Used", plus the sum of EffectiveCost where
           ChargeCategory is "Usage" and CommitmentDiscountStatus is "Unused"."

    The second is a partition of the commitment's Usage rows: it holds in any slice of the data, so a file that
    breaks it is not conformant (EffectiveCost-commitment, WARNING).

    The first is a balance over the commitment's whole term, not over a file: the same file says "EffectiveCost
    MUST be 0 when ChargeCategory is "Purchase" and the purchase is intended to cover future eligible charges" and
    "The aggregated EffectiveCost for a billing period may not match the charge received on the invoice for the
    same billing period". An upfront fee is billed once and amortised into the Usage rows of every month of the
    term, so a month's (or a partial) export of a conformant provider does not balance: the AWS CUR converter's
    output for a partial-upfront reservation and a Savings Plan did not, on 8 rows. The checker, not the converter,
    read the rule wrongly; the imbalance is reported as INFO (CommitmentDiscountId-commitment), not a warning."""
    if not {"CommitmentDiscountId", "ChargeCategory", "EffectiveCost"} <= present:
        return []
    has_billed = "BilledCost" in present
    has_status = "CommitmentDiscountStatus" in present
    bought = (
        """sum("BilledCost") FILTER (WHERE "ChargeCategory" = 'Purchase')"""
        if has_billed
        else "CAST(NULL AS DOUBLE)"
    )
    split = (
        """sum("EffectiveCost") FILTER (WHERE "ChargeCategory" = 'Usage'
                                            AND "CommitmentDiscountStatus" IN ('Used', 'Unused'))"""
        if has_status
        else "CAST(0 AS DOUBLE)"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE focus_commitments AS
          SELECT "CommitmentDiscountId" AS id,
                 sum("EffectiveCost") FILTER (WHERE "ChargeCategory" = 'Usage') AS used,
                 {bought} AS bought,
                 coalesce({split}, 0) AS parts,
                 count(*) AS n,
                 count(*) FILTER (WHERE "ChargeCategory" = 'Usage') AS n_usage,
                 min(x_SourceRow) AS first,
                 min(x_SourceRow) FILTER (WHERE "ChargeCategory" = 'Usage') AS first_usage
          FROM {out}
          WHERE x_RejectReason IS NULL AND "CommitmentDiscountId" IS NOT NULL
          GROUP BY 1
        """
    )

    def differ(a: str, b: str) -> str:
        return (
            f"abs(CAST({a} AS DOUBLE) - CAST({b} AS DOUBLE)) > "
            f"{TOLERANCE} * greatest(abs(CAST({a} AS DOUBLE)), abs(CAST({b} AS DOUBLE)))"
        )

    findings: list[Finding] = []
    row = con.execute(
        f"""SELECT count(*), sum(n_usage), min(first_usage), list(id ORDER BY id)[1:3]
            FROM focus_commitments WHERE used IS NOT NULL AND {differ("used", "parts")}"""
    ).fetchone()
    assert row is not None
    if int(row[0]):
        ids, rows = int(row[0]), int(row[1])
        findings.append(
            Finding(
                "EffectiveCost-commitment",
                WARNING,
                "EffectiveCost",
                rows,
                f"For {ids} commitment discount(s) ({', '.join(row[3])}{', ...' if ids > 3 else ''}) the EffectiveCost "
                f"of Usage rows is not the sum of the Used and Unused rows' EffectiveCost (a Usage row without "
                f"CommitmentDiscountStatus Used or Unused) ({rows} rows, first at row {row[2]})",
            )
        )
    row = con.execute(
        f"""SELECT count(*), sum(n), min(first), list(id ORDER BY id)[1:3]
            FROM focus_commitments
            WHERE used IS NOT NULL AND bought IS NOT NULL AND {differ("used", "bought")}"""
    ).fetchone()
    assert row is not None
    if int(row[0]):
        ids, rows = int(row[0]), int(row[1])
        findings.append(
            Finding(
                "CommitmentDiscountId-commitment",
                INFO,
                "CommitmentDiscountId",
                rows,
                f"For {ids} commitment discount(s) ({', '.join(row[3])}{', ...' if ids > 3 else ''}) the EffectiveCost "
                f"of Usage rows in this file does not add up to the BilledCost of Purchase rows ({rows} rows, first "
                f"at row {row[2]}). FOCUS requires it over the commitment's whole term, so a file that covers part "
                f"of the term (an upfront fee billed in another period) need not add up",
            )
        )
    return findings


def _invoice_findings(con: duckdb.DuckDBPyConnection, out: str, present: set[str]) -> list[Finding]:
    """FOCUS 1.2 invoiceid.md: "InvoiceId MUST be associated with one and only one BillingAccountId within a
    customer." (InvoiceId-relationship, WARNING, on the rows of every InvoiceId with more than one
    BillingAccountId). The other InvoiceId rules are its type (String), null when the charge is on no issued or
    provisional invoice (which the data cannot show) and the BilledCost total of an invoice (which needs the
    invoice)."""
    if not {"InvoiceId", "BillingAccountId"} <= present:
        return []
    row = con.execute(
        f"""
        WITH per_invoice AS (
          SELECT "InvoiceId" AS id, count(DISTINCT "BillingAccountId") AS accounts, count(*) AS n,
                 min(x_SourceRow) AS first
          FROM {out}
          WHERE x_RejectReason IS NULL AND "InvoiceId" IS NOT NULL
          GROUP BY 1
        )
        SELECT count(*), sum(n), min(first), list(id ORDER BY id)[1:3] FROM per_invoice WHERE accounts > 1
        """
    ).fetchone()
    assert row is not None
    ids = int(row[0])
    if not ids:
        return []
    rows = int(row[1])
    return [
        Finding(
            "InvoiceId-relationship",
            WARNING,
            "InvoiceId",
            rows,
            f"{ids} InvoiceId value(s) ({', '.join(row[3])}{', ...' if ids > 3 else ''}) belong to more than one "
            f"BillingAccountId ({rows} rows, first at row {row[2]})",
        )
    ]
