"""Arabic for the Whoosh index: one spelling for the forms a word is written in.

Writers vary in diacritics (harakat), tatweel (kashida) and the hamza on alef; a query must
find the word whichever they used. PostgreSQL's Snowball Arabic does the same on its side.
"""

from __future__ import annotations

import re

_MARKS = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")  # harakat, tatweel
_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
# the article and the conjunctions or prepositions written onto it; plural and feminine ends
_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("ات", "ون", "ين", "ان", "ية", "يه", "ها", "ة", "ه", "ي")
_SHORTEST_STEM = 3
# the commonest particles and pronouns, normalised
_PARTICLES = (
    "في من على الى عن مع هذا هذه ذلك التي الذي الذين ان او ثم كان كانت ما لا لم لن قد هو هي هم كل"
    " بين عند بعد قبل حتى اذا"
)
STOP_WORDS = frozenset(_PARTICLES.split())


def normalise(word: str) -> str:
    if word.isascii():  # most words of most posts: nothing to do
        return word
    return _MARKS.sub("", word).translate(_ALEF_FORMS)


def light_stem(word: str) -> str:
    """At most one prefix and one suffix, and never below three letters: a light stemmer
    keeps more apart than a root stemmer (ISRI makes the same root of 'occupational' and
    'profession' but also of unrelated words)."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _SHORTEST_STEM:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _SHORTEST_STEM:
            return word[: -len(suffix)]
    return word
