"""CyberX forms. One module per area."""
