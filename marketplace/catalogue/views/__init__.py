"""Catalogue views, one module per area: frameworks (home, framework pages), search (service list, detail,
compare), listings (supplier editing, approval queue, versions), shortlists."""
