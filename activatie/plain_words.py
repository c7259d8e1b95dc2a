"""Words a resident may not know (B1), and the plain words that explain them (pure).

Resident pages avoid these words, or explain one in brackets right after it the first time
it appears on the page: "AOW-leeftijd (de leeftijd waarop u AOW krijgt)". Resident pages speak to
the reader with "u", never "je". ``tests/http/test_plain_words_pages.py`` renders every resident
page of the example catalogue and fails on a hard word without its explanation, or on "je".
"""

from __future__ import annotations

import re

#: Hard word (matched at the start of a word, any ending: "aanbieders", "prikkelarme") and the
#: explanation that may follow it in brackets. Most are simply replaced on resident pages.
HARD_WORDS: dict[str, str] = {
    "zelfredzaamheid": "dingen zelf kunnen doen",
    "zinvolle daginvulling": "iets zinvols doen overdag",
    "prikkelarm": "rustige plek, weinig drukte en geluid",
    "vast aanspreekpunt": "een vaste persoon bij wie u terecht kunt",
    "eigen bijdrage": "een klein bedrag dat u zelf betaalt",
    "inloop": "gewoon binnenlopen, zonder afspraak",
    "aanbieder": "de organisatie die de activiteit doet",
    "AOW-leeftijd": "de leeftijd waarop u AOW krijgt",
    "Sociale Activatie en Herstel": "activiteiten waar u weer meedoet, in uw eigen tempo",
}

_INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jullie)\b", re.IGNORECASE)


def _pattern(word: str) -> re.Pattern[str]:
    # Word start, any ending; a space in the word matches any run of white space.
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, word.split())) + r"[\w-]*", re.I)


_PATTERNS = {word: _pattern(word) for word in HARD_WORDS}


def unexplained(text: str) -> list[str]:
    """Return the hard words in ``text`` that are never followed by their explanation."""
    text = " ".join(text.split())
    found = []
    for word, pattern in _PATTERNS.items():
        hits = list(pattern.finditer(text))
        if not hits:
            continue
        explanation = f"({HARD_WORDS[word]}"
        if not any(text[hit.end() :].lstrip().startswith(explanation) for hit in hits):
            found.append(word)
    return found


def informal(text: str) -> list[str]:
    """Return the words in ``text`` that address the reader with "je" instead of "u"."""
    return [match.group(0) for match in _INFORMAL.finditer(text)]
