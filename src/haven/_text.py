"""`N_` (and `Nn_` for a text with a count) marks English text for translation, untranslated.

Domain packages (`haven.standard`, `haven.referral`, ...) write reasons and messages in
English and must not depend on the web. They wrap each literal in `N_(...)`, which returns it
unchanged; `make messages` extracts every `N_` argument into the web's catalog, and the web
translates the text when it shows it (docs/i18n.md).
"""

from __future__ import annotations

__all__ = ["N_", "Nn_"]


def N_(text: str) -> str:
    """Return `text` unchanged; extraction picks it up as a msgid."""
    return text


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Return the two English forms unchanged; extraction makes one plural msgid of them."""
    return singular, plural
