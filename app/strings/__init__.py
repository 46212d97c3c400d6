"""Translation tables, one module per page (see app/i18n.py)."""

from collections.abc import Mapping


def keyed(prefix: str, words: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """App strings ``prefix.code`` built from a table of domain words keyed by code (zh and en),
    so the words stay written once, beside the rule that defines them."""
    return {f"{prefix}.{code}": dict(texts) for code, texts in words.items()}
