"""Name keys: the one normalisation shared by the gazetteer build, the tables and the text matcher.

A key is lower-case ASCII-folded text with hyphens, dots and spaces collapsed to one space and
apostrophes dropped, so "Deir ez-Zor", "deir ez zor" and "Deir Ez-Zor" meet on one key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = re.compile(r"[’'`ʻʼ‘]")
_SEPARATORS = re.compile(r"[\s\-‐‑–—./_,()]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case `text` and strip diacritics (é -> e, ş -> s)."""
    low = text.lower()
    if low.isascii():
        return low
    return plain(low).replace("ı", "i").replace("ø", "o").replace("ß", "ss").replace("đ", "d")


def plain(text: str) -> str:
    """`text` with diacritics stripped but case kept ("Ālbū Kamāl" -> "Albu Kamal")."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(text: str) -> str:
    """The lookup key of a place or actor name."""
    folded = _APOSTROPHES.sub("", fold(text.strip()))
    return _SEPARATORS.sub(" ", folded).strip()


def is_latin(text: str) -> bool:
    """True when every letter of `text` is Latin script (what English newswire prints)."""
    for ch in text:
        if ch.isalpha() and not (ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")):
            return False
    return True
