"""Catalogue writes, one module per area: listings (the listing workflow), shortlists (shortlists and exports)."""
