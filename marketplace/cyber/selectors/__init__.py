"""CyberX selectors: every read with organisation scoping. One module per area."""
