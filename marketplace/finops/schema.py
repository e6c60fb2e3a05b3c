"""The stored shape of cost rows: FOCUS 1.2 columns plus the 1.3 provider columns and our own `x_` columns.

Every import, whatever its source format or FOCUS version, is normalised to exactly these columns and types before it
is written to Parquet, so every analysis reads one schema on DuckDB and on Spark alike. Money and quantities are
DECIMAL(28, 10) (never float); times are UTC TIMESTAMP; JSON columns (Tags, SkuPriceDetails) are JSON text.

A stored file holds a decimal column as DECIMAL(18, 10) (`NARROW_DECIMAL`) when every value of that column in the file
fits it (below 10^8 in magnitude, as nearly all cost lines are): Parquet keeps it as a 64-bit integer, which DuckDB
decodes faster than the 12-byte fixed-length DECIMAL(28, 10) (four sums over 10 M rows: 0.29 s against 0.79 s; the
report's totals and providers: 0.56 s against 0.85 s, measured). The value is the same; readers widen it back to
DECIMAL(28, 10) (`analytics.backend.costs`), so analyses see one type.
"""

from __future__ import annotations

DECIMAL = "DECIMAL(28,10)"
NARROW_DECIMAL = "DECIMAL(18,10)"  # a stored file's decimal column when every value fits (see above)
TIMESTAMP = "TIMESTAMP"
STRING = "VARCHAR"
DATE = "DATE"
BIGINT = "BIGINT"

# (column, DuckDB type). Order is the stored column order.
FOCUS_COLUMNS: list[tuple[str, str]] = [
    ("AvailabilityZone", STRING),
    ("BilledCost", DECIMAL),
    ("BillingAccountId", STRING),
    ("BillingAccountName", STRING),
    ("BillingAccountType", STRING),
    ("BillingCurrency", STRING),
    ("BillingPeriodEnd", TIMESTAMP),
    ("BillingPeriodStart", TIMESTAMP),
    ("CapacityReservationId", STRING),
    ("CapacityReservationStatus", STRING),
    ("ChargeCategory", STRING),
    ("ChargeClass", STRING),
    ("ChargeDescription", STRING),
    ("ChargeFrequency", STRING),
    ("ChargePeriodEnd", TIMESTAMP),
    ("ChargePeriodStart", TIMESTAMP),
    ("CommitmentDiscountCategory", STRING),
    ("CommitmentDiscountId", STRING),
    ("CommitmentDiscountName", STRING),
    ("CommitmentDiscountQuantity", DECIMAL),
    ("CommitmentDiscountStatus", STRING),
    ("CommitmentDiscountType", STRING),
    ("CommitmentDiscountUnit", STRING),
    ("ConsumedQuantity", DECIMAL),
    ("ConsumedUnit", STRING),
    ("ContractedCost", DECIMAL),
    ("ContractedUnitPrice", DECIMAL),
    ("EffectiveCost", DECIMAL),
    ("InvoiceId", STRING),
    ("InvoiceIssuerName", STRING),
    ("ListCost", DECIMAL),
    ("ListUnitPrice", DECIMAL),
    ("PricingCategory", STRING),
    ("PricingCurrency", STRING),
    ("PricingCurrencyContractedUnitPrice", DECIMAL),
    ("PricingCurrencyEffectiveCost", DECIMAL),
    ("PricingCurrencyListUnitPrice", DECIMAL),
    ("PricingQuantity", DECIMAL),
    ("PricingUnit", STRING),
    ("ProviderName", STRING),
    ("PublisherName", STRING),
    ("RegionId", STRING),
    ("RegionName", STRING),
    ("ResourceId", STRING),
    ("ResourceName", STRING),
    ("ResourceType", STRING),
    ("ServiceCategory", STRING),
    ("ServiceName", STRING),
    ("ServiceSubcategory", STRING),
    ("SkuId", STRING),
    ("SkuMeter", STRING),
    ("SkuPriceDetails", STRING),
    ("SkuPriceId", STRING),
    ("SubAccountId", STRING),
    ("SubAccountName", STRING),
    ("SubAccountType", STRING),
    ("Tags", STRING),
    # FOCUS 1.3: the replacements of ProviderName / PublisherName (filled from them for older versions)
    ("ServiceProviderName", STRING),
    ("HostProviderName", STRING),
]

# Our own columns, `x_`-prefixed as FOCUS requires for custom columns.
EXTRA_COLUMNS: list[tuple[str, str]] = [
    ("x_Organisation", STRING),  # orgnr of the organisation the data belongs to
    ("x_BillingPeriod", DATE),  # first day of the billing month (from BillingPeriodStart)
    ("x_ImportId", BIGINT),  # FocusImport.pk
    ("x_SourceRow", BIGINT),  # 1-based data row number in the source file (for findings)
]

STORAGE_COLUMNS: list[tuple[str, str]] = FOCUS_COLUMNS + EXTRA_COLUMNS
STORAGE_COLUMN_NAMES: list[str] = [name for name, _type in STORAGE_COLUMNS]
COST_COLUMNS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
