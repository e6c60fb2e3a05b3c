"""Outside-in checks. One pure sub-package per check family (web, tls, mail, dns); each has

- `retrieve(target, context) -> <Family>Evidence`: the only part that touches the network (through
  `marketplace.cyber.checks.net`), bounded by `context.timeout`; it never raises for network trouble, it records
  the failure in the evidence;
- `evaluate(evidence) -> list[CheckResult]`: pure, table-driven, no I/O, no Django.

`base.py` holds the shared result types. Texts shown to users (title, why it matters, how to fix, in Bokmål and
English) live in the Django app keyed by `check_id`, never in these packages.
"""
