"""Translation tables, one module per page (see app/i18n.py)."""
