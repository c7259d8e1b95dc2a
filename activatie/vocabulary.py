"""The controlled vocabularies of Sociale Activatie en Herstel.

One place for every list in ``shared/design/domain.md``. Keys are stable ASCII identifiers used
in the database, the seed files, the CSV import, query parameters and the JSON API; labels are the
Dutch words a person reads and may be reworded here without touching anything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    label: str


class Vocabulary:
    """An ordered, immutable list of terms with lookup by key."""

    def __init__(self, name: str, label: str, terms: list[tuple[str, str]]) -> None:
        self.name = name
        self.label = label
        self.terms = tuple(Term(key, text) for key, text in terms)
        self._by_key = {term.key: term for term in self.terms}
        if len(self._by_key) != len(self.terms):
            raise ValueError(f"duplicate key in vocabulary {name}")

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(term.key for term in self.terms)

    def label_of(self, key: str) -> str:
        """Return the Dutch label of ``key``, or the key itself when it is unknown."""
        term = self._by_key.get(key)
        return term.label if term else key

    def labels(self, keys: object) -> list[str]:
        """Return the labels of ``keys`` in vocabulary order."""
        wanted = set(keys)  # type: ignore[call-overload]
        return [term.label for term in self.terms if term.key in wanted]

    def choices(self) -> list[tuple[str, str]]:
        """Return ``(key, label)`` pairs for a WTForms field."""
        return [(term.key, term.label) for term in self.terms]

    def unknown(self, keys: object) -> list[str]:
        """Return the keys in ``keys`` that are not part of this vocabulary."""
        return [key for key in keys if key not in self._by_key]  # type: ignore[attr-defined]

    def index(self, key: str) -> int:
        return self.keys.index(key)


ORGANISATION_KINDS = Vocabulary(
    "soort_aanbieder",
    "soort aanbieder",
    [
        ("welzijn", "welzijnsorganisatie"),
        ("zorg", "zorgaanbieder"),
        ("sociale_onderneming", "sociale onderneming"),
        ("bedrijf", "bedrijf of organisatie"),
        ("sportvereniging", "sportvereniging"),
        ("vrijwilligers", "vrijwilligersorganisatie"),
    ],
)

#: The municipal budget goals (programme 1.1) the monitoring reports on (domain.md).
BUDGET_GOALS = Vocabulary(
    "begrotingsdoelen",
    "begrotingsdoel",
    [
        ("1_1_1", "1.1.1 Betekenisvolle sociale contacten en daginvulling"),
        ("1_1_2", "1.1.2 Vitaal en gezond"),
        ("1_1_3", "1.1.3 Gelijke kansen"),
    ],
)

#: Each need serves one budget goal (our own choice; change it here when the gemeente asks).
NEED_GOAL = {
    "sociale_contacten": "1_1_1",
    "daginvulling": "1_1_1",
    "dagritme": "1_1_1",
    "meedoen": "1_1_1",
    "herstel": "1_1_2",
    "bewegen": "1_1_2",
    "zelfredzaamheid": "1_1_3",
    "werkvaardigheden": "1_1_3",
}


def goals_of(needs: Iterable[str]) -> frozenset[str]:
    """Return the budget goals that ``needs`` serve."""
    return frozenset(NEED_GOAL[n] for n in needs if n in NEED_GOAL)


NEEDS = Vocabulary(
    "behoeften",
    "waar het bij helpt",
    [
        ("sociale_contacten", "sociale contacten"),
        ("daginvulling", "iets zinvols doen overdag"),
        ("dagritme", "dagritme en structuur"),
        ("herstel", "herstellen in eigen tempo"),
        ("zelfredzaamheid", "meer dingen zelf kunnen"),
        ("meedoen", "meedoen en iets betekenen"),
        ("werkvaardigheden", "werkervaring en vaardigheden opdoen"),
        ("bewegen", "bewegen en gezondheid"),
    ],
)

ACTIVITY_TYPES = Vocabulary(
    "soorten",
    "soort activiteit",
    [
        ("groen", "tuin en groen"),
        ("dieren", "dieren"),
        ("koken", "koken en horeca"),
        ("hout_techniek", "hout en techniek"),
        ("fietsen", "fietsen repareren"),
        ("creatief", "creatief"),
        ("winkel", "winkel en kringloop"),
        ("administratie", "administratie en computer"),
        ("schoonmaak", "schoonmaak en onderhoud"),
        ("sport", "sport en bewegen"),
        ("ontmoeting", "ontmoeten en gewoon binnenlopen"),
        ("muziek_cultuur", "muziek en cultuur"),
    ],
)

TARGET_GROUPS = Vocabulary(
    "doelgroepen",
    "voor wie",
    [
        ("psychisch", "mensen met psychische klachten"),
        ("lichamelijk", "mensen met een lichamelijke beperking of ziekte"),
        ("herstel", "mensen die herstellen (na ziekte, burn-out of een crisis)"),
        ("nah", "mensen met hersenletsel (NAH)"),
        ("autisme", "mensen met autisme"),
        ("gedrag", "mensen die soms moeite hebben met hun gedrag"),
        ("lvb", "mensen die wat meer tijd nodig hebben om iets te leren"),
        ("verslaving", "mensen die herstellen van een verslaving"),
        ("eenzaamheid", "mensen die weinig contact hebben met anderen"),
        ("jeugd_extra_aandacht", "kinderen die wat extra aandacht nodig hebben"),
    ],
)

# Ordered from least to most guidance: matching relies on this order.
GUIDANCE = Vocabulary(
    "begeleiding",
    "begeleiding",
    [
        ("zelfstandig", "zelfstandig, met een vaste persoon om op terug te vallen"),
        ("licht", "lichte begeleiding aanwezig"),
        ("intensief", "begeleider de hele tijd aanwezig"),
    ],
)

DAYS = Vocabulary(
    "dagen",
    "dag",
    [
        ("ma", "maandag"),
        ("di", "dinsdag"),
        ("wo", "woensdag"),
        ("do", "donderdag"),
        ("vr", "vrijdag"),
        ("za", "zaterdag"),
        ("zo", "zondag"),
    ],
)

DAY_PARTS = Vocabulary(
    "dagdelen",
    "dagdeel",
    [
        ("ochtend", "ochtend (9-12 uur)"),
        ("middag", "middag (13-17 uur)"),
        ("avond", "avond (18-22 uur)"),
    ],
)

_PART_WORDS = {"ochtend": "ochtend", "middag": "middag", "avond": "avond"}

# A weekly slot is written ``<day>_<part>``, for example ``di_ochtend``.
SLOTS = Vocabulary(
    "dagdelen_week",
    "wanneer",
    [
        (f"{day.key}_{part.key}", f"{day.label}{_PART_WORDS[part.key]}")
        for day in DAYS
        for part in DAY_PARTS
    ],
)


#: Monday to Friday.
WEEKDAYS = ("ma", "di", "wo", "do", "vr")

#: A few big choices instead of a grid of 21 day parts; the grid stays as an option. Each
#: choice stands for the weekly slots in :data:`DAY_PART_CHOICE_SLOTS` (none: no limit).
DAY_PART_CHOICES = Vocabulary(
    "tijden",
    "wanneer",
    [
        ("doordeweeks_ochtend", "doordeweeks 's ochtends (9-12 uur)"),
        ("doordeweeks_middag", "doordeweeks 's middags (13-17 uur)"),
        ("maakt_niet_uit", "maakt niet uit"),
    ],
)

DAY_PART_CHOICE_SLOTS: dict[str, frozenset[str]] = {
    "doordeweeks_ochtend": frozenset(f"{day}_ochtend" for day in WEEKDAYS),
    "doordeweeks_middag": frozenset(f"{day}_middag" for day in WEEKDAYS),
    "maakt_niet_uit": frozenset(),
}


def slots_for_choice(choice: str | None, ticked: Iterable[str] = ()) -> list[str]:
    """Return the weekly slots meant by a day-part ``choice`` and the ``ticked`` grid.

    What is ticked in the grid wins: a resident who opens the grid says exactly what they
    mean. Otherwise the choice gives its slots; no choice or "maakt niet uit" gives none (no
    limit). Raise KeyError for an unknown choice.
    """
    ticked = list(ticked)
    if ticked:
        return ticked
    if not choice:
        return []
    return [key for key in SLOTS.keys if key in DAY_PART_CHOICE_SLOTS[choice]]


def describe_slots(keys: object, conjunction: str = "en") -> str:
    """Return weekly slots the way people say them, grouped by day part.

    ``{"di_middag", "do_middag", "ma_ochtend"}`` reads ``maandagochtend, dinsdag- en
    donderdagmiddag`` (with ``conjunction="of"``: ``dinsdag- of donderdagmiddag``); unknown
    keys are left out; no slots give an empty string.
    """
    wanted = set(keys)  # type: ignore[call-overload]
    groups = []
    for part in DAY_PARTS:
        days = [day.label for day in DAYS if f"{day.key}_{part.key}" in wanted]
        if not days:
            continue
        word = _PART_WORDS[part.key]
        if len(days) == 1:
            groups.append(f"{days[0]}{word}")
        else:
            groups.append(f"{'-, '.join(days[:-1])}- {conjunction} {days[-1]}{word}")
    if len(groups) <= 1 or f" {conjunction} " in groups[-1]:
        # "maandagochtend, dinsdag- en donderdagmiddag": one "en" is enough.
        return ", ".join(groups)
    return f"{', '.join(groups[:-1])} {conjunction} {groups[-1]}"


def slots_by_day(keys: object) -> list[tuple[str, list[str]]]:
    """Return ``(day, [day part labels])`` for each day that has a slot, in week order.

    A list that fits a phone where a day x day-part table does not; unknown keys are left out.
    """
    wanted = set(keys)  # type: ignore[call-overload]
    rows = []
    for day in DAYS:
        parts = [part.label for part in DAY_PARTS if f"{day.key}_{part.key}" in wanted]
        if parts:
            rows.append((day.label, parts))
    return rows


ACCESSIBILITY = Vocabulary(
    "toegankelijkheid",
    "toegankelijkheid",
    [
        ("rolstoel", "rolstoeltoegankelijk"),
        ("toilet_aangepast", "aangepast toilet"),
        ("prikkelarm", "rustige plek, weinig drukte en geluid"),
        ("ov_dichtbij", "bushalte binnen 400 m"),
        ("parkeren", "parkeren bij de deur"),
        ("doventolk", "gebarentolk mogelijk"),
    ],
)

ACCESS_ROUTES = Vocabulary(
    "aanmelden",
    "hoe meldt u zich aan",
    [
        ("vrij_inlopen", "gewoon langskomen"),
        ("bij_aanbieder", "aanmelden bij de organisatie"),
        ("via_wijkteam", "via het wijkteam"),
    ],
)

COSTS = Vocabulary(
    "kosten",
    "kosten",
    [
        ("gratis", "gratis"),
        ("eigen_bijdrage", "u betaalt zelf een klein bedrag"),
    ],
)

# Which funding programme an activity belongs to, and so which age rule applies.
PROGRAMMES = Vocabulary(
    "programma",
    "programma",
    [
        ("sah", "activiteiten voor volwassenen (18 jaar tot de AOW-leeftijd)"),
        ("inclusief_sporten", "inclusief sporten voor kinderen"),
    ],
)

ACTIVITY_STATUSES = Vocabulary(
    "status",
    "status",
    [
        ("actief", "actief"),
        ("gepauzeerd", "tijdelijk gestopt"),
        ("beeindigd", "gestopt"),
    ],
)

TRAVEL_MODES = Vocabulary(
    "vervoer",
    "hoe reist u",
    [
        ("lopen", "lopen"),
        ("fiets", "fietsen"),
        ("ov", "bus of trein"),
    ],
)

#: The 16 CBS wijken of gemeente Zwolle (GM0193): CBS wijk code and name as CBS spells it
#: (CBS Kerncijfers wijken en buurten 2024, table 85984NED, CC BY 4.0; see seeds/README.md).
#: The codes are WK0193 followed by the CBS wijk number; there is no WK019301.
DISTRICTS = Vocabulary(
    "wijken",
    "wijk",
    [
        ("WK019310", "Binnenstad"),
        ("WK019311", "Diezerpoort"),
        ("WK019312", "Wipstrik"),
        ("WK019313", "Assendorp"),
        ("WK019314", "Kamperpoort-Veerallee"),
        ("WK019320", "Poort van Zwolle"),
        ("WK019321", "Westenholte"),
        ("WK019322", "Stadshagen"),
        ("WK019330", "Holtenbroek"),
        ("WK019331", "Aa-landen"),
        ("WK019332", "Vechtlanden"),
        ("WK019340", "Berkum"),
        ("WK019341", "Marsweteringlanden"),
        ("WK019350", "Schelle"),
        ("WK019351", "Ittersum"),
        ("WK019352", "Soestweteringlanden"),
    ],
)

PLACEMENT_STATUSES = Vocabulary(
    "status_aanmelding",
    "status",
    [
        ("aangemeld", "aangemeld"),
        ("kennismaking", "kennismaking gepland"),
        ("gestart", "gestart"),
        ("afgerond", "afgerond"),
        ("gestopt", "gestopt"),
        ("afgewezen", "afgewezen"),
        ("ingetrokken", "ingetrokken"),
        ("vervallen", "vervallen (12 maanden niets veranderd)"),
    ],
)

ROLES = Vocabulary(
    "rollen",
    "rol",
    [
        ("aanbieder", "aanbieder"),
        ("consulent", "consulent wijkteam"),
        ("beheerder", "beheerder gemeente"),
    ],
)

PARTICIPATION_STEPS = Vocabulary(
    "participatieladder",
    "trede op de participatieladder",
    [
        ("1", "geïsoleerd"),
        ("2", "sociale contacten buiten de deur"),
        ("3", "deelname aan georganiseerde activiteiten"),
        ("4", "onbetaald werk (vrijwilligerswerk)"),
        ("5", "betaald werk met ondersteuning"),
        ("6", "betaald werk"),
    ],
)
#: The answer "weet ik niet" for the step at the start of an aanmelding: stored as no step, so it
#: never counts as a move on the ladder.
LADDER_UNKNOWN = ("onbekend", "weet ik niet")

# The multi-valued facets of an activity, by the name they carry in the API, the seed files and
# the import format.
ACTIVITY_FACETS: dict[str, Vocabulary] = {
    "behoeften": NEEDS,
    "soorten": ACTIVITY_TYPES,
    "doelgroepen": TARGET_GROUPS,
    "dagdelen": SLOTS,
}

# --- placements (aanmeldingen) -------------------------------------------------------------

#: Age bands stored with a placement instead of a date of birth (our own choice).
AGE_BANDS = Vocabulary(
    "leeftijdsgroep",
    "leeftijd",
    [
        ("jonger_18", "jonger dan 18"),
        ("18_26", "18 tot en met 26"),
        ("27_44", "27 tot en met 44"),
        ("45_54", "45 tot en met 54"),
        ("55_aow", "55 tot de AOW-leeftijd"),
    ],
)

DECLINE_REASONS = Vocabulary(
    "reden_afwijzing",
    "reden",
    [
        ("vol", "er is geen plek"),
        ("past_niet", "de activiteit past niet bij de vraag"),
        ("te_veel_begeleiding", "er is meer begeleiding nodig dan wij bieden"),
        ("geen_contact", "we kregen geen contact"),
        ("anders", "een andere reden"),
    ],
)

OUTCOMES = Vocabulary(
    "uitkomst",
    "uitkomst",
    [
        ("doet_nog_mee", "doet nog mee"),
        ("vrijwilligerswerk", "doorgestroomd naar vrijwilligerswerk"),
        ("werk", "doorgestroomd naar (aangepast) betaald werk"),
        ("opleiding", "doorgestroomd naar een opleiding"),
        ("ander_aanbod", "naar ander aanbod"),
        ("gestopt_gezondheid", "gestopt: gezondheid"),
        ("gestopt_motivatie", "gestopt: past niet of geen zin meer"),
        ("gestopt_verhuisd", "gestopt: verhuisd"),
        ("gestopt_anders", "gestopt: andere reden"),
    ],
)

#: Outcomes that fit the end status ``afgerond``; the others go with ``gestopt``.
COMPLETED_OUTCOMES = frozenset(
    {"doet_nog_mee", "vrijwilligerswerk", "werk", "opleiding", "ander_aanbod"}
)


def age_band(age: int) -> str:
    """Return the key of the age band for ``age`` (the AOW check happens elsewhere)."""
    if age < 18:
        return "jonger_18"
    if age <= 26:
        return "18_26"
    if age <= 44:
        return "27_44"
    if age <= 54:
        return "45_54"
    return "55_aow"


#: Dutch month names, January first.
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
