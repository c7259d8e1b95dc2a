"""Plain words, the rule: no hard word without its explanation, "u" and never "je".

Every resident page checked with it: ``tests/http/test_plain_words_pages.py``.
"""

from __future__ import annotations

from activatie import plain_words


def test_a_hard_word_passes_only_with_its_explanation() -> None:
    assert plain_words.unexplained("Een prikkelarme ruimte.") == ["prikkelarm"]
    assert plain_words.unexplained("Tot de AOW-leeftijd (de leeftijd waarop u AOW krijgt).") == []
    assert plain_words.unexplained("Bel de aanbieders.") == ["aanbieder"]
    assert plain_words.unexplained("Koffie-inloop op dinsdag") == ["inloop"]
    assert plain_words.unexplained("een vast\n aanspreekpunt") == ["vast aanspreekpunt"]
    assert plain_words.unexplained("De zorgaanbieder; gewoon binnenlopen.") == []
    assert plain_words.informal("Je werkt in jouw tempo.") == ["Je", "jouw"]
    assert plain_words.informal("Uw zonnetje, bijvoorbeeld.") == []
