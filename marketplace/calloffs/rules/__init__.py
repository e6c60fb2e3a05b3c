"""Pure call-off rules (stdlib + dataclasses only): state, route, thresholds, scoring, desk pricing."""
