"""DMARC (RFC 7489, with RFC 9989's `t` testing tag), pure: pick the record, parse its tags, find the effective
policy (internet.nl `dmarc_policy`, cyber-privacy.md §A1.4).

- record at the domain itself: the policy is `p`; on an organisational domain an explicit `sp` weaker than `p`
  also counts (subdomains are then left open), so the weaker of the two is the effective one;
- no record at a subdomain: the organisational domain's record applies with `sp` (default `p`);
- `t=y` (testing) lowers the policy one step: reject → quarantine, quarantine → none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POLICIES = ("none", "quarantine", "reject")

MISSING = "missing"
MULTIPLE = "multiple"
SYNTAX = "syntax"


@dataclass
class DmarcAnalysis:
    record: str = ""
    found_at: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    policy: str = ""  # effective: none / quarantine / reject
    error: str = ""
    detail: str = ""

    def as_evidence(self) -> dict[str, object]:
        return {
            "record": self.record,
            "found_at": self.found_at,
            "tags": self.tags,
            "policy": self.policy,
            "error": self.error,
            "detail": self.detail,
        }


def dmarc_records(texts: tuple[str, ...] | list[str]) -> list[str]:
    return [t for t in texts if t.replace(" ", "").lower().startswith("v=dmarc1")]


def parse_tags(record: str) -> dict[str, str]:
    """Tags in order; raises ValueError for a record that does not start with v=DMARC1 or has a bad tag."""
    tags: dict[str, str] = {}
    for index, part in enumerate(p.strip() for p in record.split(";")):
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"not a tag=value pair: {part!r}")
        key, value = (x.strip() for x in part.split("=", 1))
        key = key.lower()
        if index == 0 and (key != "v" or value != "DMARC1"):
            raise ValueError("the record must start with v=DMARC1")
        if key in tags:
            raise ValueError(f"duplicate tag {key}")
        tags[key] = value
    return tags


def _weaker(a: str, b: str) -> str:
    return a if POLICIES.index(a) <= POLICIES.index(b) else b


def analyse(
    domain: str,
    texts: tuple[str, ...],
    *,
    org_domain: str = "",
    org_texts: tuple[str, ...] | None = None,
) -> DmarcAnalysis:
    """`texts`: TXT at _dmarc.<domain>; `org_texts`: TXT at _dmarc.<org_domain> (None when not looked up)."""
    out = DmarcAnalysis()
    records = dmarc_records(texts)
    at_org = False
    if not records and org_texts is not None and org_domain and org_domain != domain:
        records = dmarc_records(org_texts)
        at_org = bool(records)
    if not records:
        out.error, out.detail = MISSING, f"no DMARC record at _dmarc.{domain}"
        return out
    out.found_at = f"_dmarc.{org_domain if at_org else domain}"
    if len(records) > 1:
        out.error, out.detail = MULTIPLE, f"{len(records)} DMARC records: " + " | ".join(records)
        return out
    out.record = records[0]
    try:
        out.tags = parse_tags(out.record)
    except ValueError as exc:
        out.error, out.detail = SYNTAX, str(exc)
        return out
    p = out.tags.get("p", "").lower()
    if p not in POLICIES:
        out.error, out.detail = SYNTAX, f"p={p!r} is not none, quarantine or reject" if p else "no p= tag"
        return out
    sp = out.tags.get("sp", "").lower()
    if sp and sp not in POLICIES:
        out.error, out.detail = SYNTAX, f"sp={sp!r} is not none, quarantine or reject"
        return out
    if at_org:
        policy = sp or p
    elif sp and (not org_domain or org_domain == domain):
        policy = _weaker(p, sp)
    else:
        policy = p
    if out.tags.get("t", "n").lower() == "y" and policy != "none":
        policy = POLICIES[POLICIES.index(policy) - 1]
    out.policy = policy
    return out
