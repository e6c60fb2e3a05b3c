"""The FOCUS rules as SQL: per-column normalisation and one boolean expression per rule, generated from the spec
data (focus/spec/columns.json). Pure string building; `check.py` runs them."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from marketplace.finops.focus import spec
from marketplace.finops.focus.findings import ERROR, WARNING
from marketplace.finops.schema import DECIMAL

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


@dataclass
class Rule:
    """One per-row rule compiled to a boolean SQL expression over the normalised (L1) view. `changes`: a row it
    flags holds a value the normalisation changed (so the stored value differs from the source's); `rejects`: the
    row is not stored."""

    rule_id: str
    column: str
    severity: str
    message: str
    expr: str
    rejects: bool = False
    changes: bool = False


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def one_of(expr: str, values: tuple[str, ...]) -> str:
    """`expr` equals one of `values`, NULL when `expr` is NULL: `map_contains` over a constant MAP. Not `IN` or
    `list_contains` over a constant list: DuckDB plans those as hash (mark) joins, which lose the rows' order (the
    checker numbers CSV rows by their order) and are twice as slow (0.11 s against 0.06 s for 82 values on 1 M rows,
    measured); not an OR chain (slower still)."""
    if len(values) == 1:
        return f"({expr} = {lit(values[0])})"
    return f"map_contains(MAP {{{', '.join(f'{lit(v)}: true' for v in values)}}}, {expr})"


def lookup(expr: str, pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
    """The value `pairs` maps `expr` to (NULL when none or when `expr` is NULL): a MAP lookup, cheaper than a CASE
    with one branch per pair."""
    return f"map_extract_value(MAP {{{', '.join(f'{lit(k)}: {lit(v)}' for k, v in pairs)}}}, {expr})"


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
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


def typed_ok(focus_type: str, source_type: str) -> bool:
    """Whether a typed (Parquet) source column can be taken as is (cast) rather than parsed as text."""
    base = source_type.split("(")[0].upper()
    if focus_type == "Decimal":
        return base in NUMERIC_TYPES
    if focus_type == "DateTime":
        return base.startswith("TIMESTAMP") or base == "DATE"
    return False


def normalise(
    name: str, col: spec.Column, v: str, raw_name: str, source_type: str, order: str
) -> tuple[str, list[Rule]]:
    """(SQL for the normalised value from L0 column `v`, rules over L1 where the raw value is `raw_name`)."""
    raw = raw_name
    val = q(name)
    text = source_type == "VARCHAR"
    canon = q("c_" + name)  # L0: the raw text is already in the canonical FOCUS form
    t = q("t_" + name)  # LA: the text with decimal quirks cleaned, or trimmed date-time text
    rules: list[Rule] = []
    reject_on_type = col.needed
    type_rule = Rule(
        f"{name}-type",
        name,
        WARNING,
        f"{name} does not hold a valid {col.type.lower()}; "
        + ("the row is rejected" if reject_on_type else "set to null"),
        f"{raw} IS NOT NULL AND {val} IS NULL",
        rejects=reject_on_type,
        changes=True,
    )
    if col.type == "Decimal":
        if text:
            value = (
                f"CASE WHEN {v} IS NULL THEN NULL WHEN {canon} THEN TRY_CAST({v} AS {DECIMAL}) "
                f"ELSE TRY_CAST((CASE WHEN {q('n_' + name)} THEN '-' ELSE '' END) || focus_num_body({q('b_' + name)}) "
                f"AS {DECIMAL}) END"
            )
            rules.append(
                Rule(
                    f"{name}-format",
                    name,
                    WARNING,
                    f"{name} written with thousands separators, a currency symbol, a + sign, a decimal comma or "
                    "spaces; normalised to a plain decimal",
                    f"{val} IS NOT NULL AND NOT {canon}",
                    changes=True,
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
                Rule(
                    f"{name}-format",
                    name,
                    WARNING,
                    f"{name} not in the form YYYY-MM-DDTHH:mm:ssZ (missing Z, space for T, date only, an offset or "
                    "another date order); normalised to UTC",
                    f"{val} IS NOT NULL AND NOT {canon}",
                    changes=True,
                )
            )
        else:
            with_zone = "TIME ZONE" in source_type.upper() or source_type.upper() == "TIMESTAMPTZ"
            value = f"make_timestamp(epoch_us({v}))" if with_zone else f"CAST({v} AS TIMESTAMP)"
        rules.append(type_rule)
    elif col.type == "JSON":
        value = f"CASE WHEN json_valid({v}) AND starts_with(ltrim({v}), '{{') THEN {v} END"
        rules.append(
            Rule(
                f"{name}-type",
                name,
                WARNING,
                f"{name} is not a JSON object; set to null",
                f"{raw} IS NOT NULL AND {val} IS NULL",
                changes=True,
            )
        )
    elif name == "BillingCurrency":
        value = (
            f"CASE WHEN regexp_full_match(upper(trim({v})), '{CURRENCY}') THEN upper(trim({v})) ELSE {v} END"
        )
        rules.append(
            Rule(
                f"{name}-format",
                name,
                WARNING,
                f"{name} in lower case or with spaces; normalised to the ISO 4217 code",
                f"{raw} <> {val}",
                changes=True,
            )
        )
        rules.append(
            Rule(
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
        unique = [(k, vs[0]) for k, vs in folded.items() if len(vs) == 1]
        folded_value = f"coalesce({lookup(f'lower(trim({v}))', unique)}, {v})" if unique else v
        value = f"CASE WHEN {one_of(v, col.allowed)} THEN {v} ELSE {folded_value} END"
        rules.append(
            Rule(
                f"{name}-allowed",
                name,
                WARNING,
                f"{name} value differs from an allowed value only in case or spaces; normalised",
                f"NOT {one_of(raw, col.allowed)} AND {one_of(val, col.allowed)}",
                changes=True,
            )
        )
        rejects = name == "ChargeCategory"
        rules.append(
            Rule(
                f"{name}-allowed",
                name,
                WARNING,
                f"{name} is not one of {', '.join(col.allowed[:6])}{', ...' if len(col.allowed) > 6 else ''}; "
                + ("the row is rejected" if rejects else "kept as is"),
                f"NOT {one_of(val, col.allowed)}",
                rejects=rejects,
            )
        )
    else:
        value = v
    if not col.nullable:
        rules.append(
            Rule(
                f"{name}-nullability",
                name,
                WARNING,
                f"{name} is null" + ("; the row is rejected" if col.needed else ""),
                f"{raw} IS NULL",
                rejects=col.needed,
            )
        )
    return value, rules


def row_rules(present: set[str], known: dict[str, spec.Column]) -> list[Rule]:
    """The cross-column rules, each only when the columns it reads are in the file."""

    def has(*names: str) -> bool:
        return all(n in present for n in names)

    rules: list[Rule] = []
    not_correction = "coalesce(\"ChargeClass\", '') <> 'Correction'" if has("ChargeClass") else "true"
    if has("ChargeCategory", "PricingCategory"):
        rules.append(
            Rule(
                "PricingCategory-nullability-1",
                "PricingCategory",
                WARNING,
                "PricingCategory is not null on a Tax row",
                '"ChargeCategory" = \'Tax\' AND "PricingCategory" IS NOT NULL',
            )
        )
        rules.append(
            Rule(
                "PricingCategory-nullability-2",
                "PricingCategory",
                WARNING,
                "PricingCategory is null on a Usage or Purchase row that is not a Correction",
                f"\"ChargeCategory\" IN ('Usage', 'Purchase') AND \"PricingCategory\" IS NULL AND {not_correction}",
            )
        )
    if has("ChargeCategory", "PricingQuantity"):
        rules.append(
            Rule(
                "PricingQuantity-nullability",
                "PricingQuantity",
                WARNING,
                "PricingQuantity is set on a Tax row, or null on a Usage or Purchase row that is not a Correction",
                f'("ChargeCategory" = \'Tax\' AND "PricingQuantity" IS NOT NULL) OR '
                f"(\"ChargeCategory\" IN ('Usage', 'Purchase') AND \"PricingQuantity\" IS NULL AND {not_correction})",
            )
        )
    if has("ChargeCategory", "ConsumedQuantity"):
        unused = " OR \"CommitmentDiscountStatus\" = 'Unused'" if has("CommitmentDiscountStatus") else ""
        rules.append(
            Rule(
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
                Rule(
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
                Rule(
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
            Rule(
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
                Rule(
                    f"{end}-relationship",
                    end,
                    WARNING,
                    f"{start} is not before {end}",
                    f"{q(start)} >= {q(end)}",
                )
            )
    if has("ServiceCategory", "ServiceSubcategory"):
        pairs = known["ServiceSubcategory"].category_of
        rules.append(
            Rule(
                "ServiceSubcategory-relationship",
                "ServiceSubcategory",
                WARNING,
                "ServiceSubcategory belongs to another (allowed) ServiceCategory",
                f'{lookup(q("ServiceSubcategory"), pairs)} <> "ServiceCategory" '
                f"AND {one_of(q('ServiceCategory'), known['ServiceCategory'].allowed)}",
            )
        )
    if has("CommitmentDiscountId", "CommitmentDiscountStatus", "ChargeCategory"):
        rules.append(
            Rule(
                "CommitmentDiscountStatus-nullability",
                "CommitmentDiscountStatus",
                WARNING,
                "CommitmentDiscountStatus is null on a Usage row with a CommitmentDiscountId (Used or Unused needed "
                "for utilisation)",
                '"ChargeCategory" = \'Usage\' AND "CommitmentDiscountId" IS NOT NULL '
                'AND "CommitmentDiscountStatus" IS NULL',
            )
        )
    if has("CommitmentDiscountStatus"):
        cid = '"CommitmentDiscountId"' if has("CommitmentDiscountId") else "NULL"
        rules.append(
            Rule(
                "CommitmentDiscountStatus-commitment",
                "CommitmentDiscountStatus",
                WARNING,
                "CommitmentDiscountStatus is set while CommitmentDiscountId is null",
                f'"CommitmentDiscountStatus" IS NOT NULL AND {cid} IS NULL',
            )
        )
    return rules


def stored_expr(name: str, kind: str, present: set[str]) -> str:
    pairs = {"ServiceProviderName": "ProviderName", "HostProviderName": "PublisherName"}
    pairs.update({old: new for new, old in pairs.items()})
    sources = [n for n in (name, pairs.get(name)) if n and n in present]
    if not sources:
        return f"CAST(NULL AS {kind}) AS {q(name)}"
    expr = sources[0] if len(sources) == 1 else None
    if expr is not None:
        return f"CAST({q(expr)} AS {kind}) AS {q(name)}"
    return f"CAST(coalesce({q(sources[0])}, {q(sources[1])}) AS {kind}) AS {q(name)}"
