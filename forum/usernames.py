"""What makes two usernames the same account, and what makes them look alike.

A name is kept in its NFKC form (full-width "ａｍｉｎａ" is "amina"); its key, which makes an
account unique and finds it at log-in, is that form case-folded; its skeleton (Unicode TR39,
section 4) maps every character to the one it is mistaken for, so the Cyrillic "аmina" and
"amina" share one, and a name whose skeleton is already held is refused.
"""

from __future__ import annotations

import unicodedata
from functools import cache

SKELETON_MAX = 255  # a character may look like several: 7 at most, 32 characters


def normalised(name: str) -> str:
    return unicodedata.normalize("NFKC", name.strip())


def key(name: str) -> str:
    """NFKC_Casefold, as TR39 advises for identifiers compared without case."""
    return unicodedata.normalize("NFKC", normalised(name).casefold())


def skeleton(name: str) -> str:
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", key(name))
    mapped = "".join(prototypes.get(character, character) for character in decomposed)
    # prototypes keep their case ("0" looks like "O"): fold again so "b0b" meets "bob"
    return unicodedata.normalize("NFD", mapped.casefold())


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character and the prototype it is mistaken for, from Unicode's
    confusables.txt as the confusable_homoglyphs package ships it.

    The package keeps the pairs in both directions: a character with several look-alikes, or
    one of several characters, is a prototype; a lone pair of characters meets at the smaller.
    """
    from confusable_homoglyphs.confusables import confusables_data

    def clean(text: str) -> str:  # right-to-left characters come wrapped in direction marks
        return text.replace("\u200e", "").replace("\u200f", "")

    prototypes = {}
    for character, homoglyphs in confusables_data.items():
        source = clean(character)
        if len(source) != 1 or len(homoglyphs) != 1:
            continue
        target = clean(homoglyphs[0]["c"])
        target_is_prototype = (
            len(target) > 1 or len(confusables_data.get(homoglyphs[0]["c"], ())) > 1
        )
        if target_is_prototype or target < source:
            prototypes[source] = unicodedata.normalize("NFD", target)
    return prototypes
