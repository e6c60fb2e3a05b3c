"""The `mps finops` actions, one module each (see management/commands/finops.py)."""
