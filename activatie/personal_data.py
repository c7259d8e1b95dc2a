"""Does a free text of an aanmelding hold personal data? Pure, no Flask.

One public entry point, :func:`check_free_text`, for every free text a consultant types into
an aanmelding (the note, and the reference while the consultant still chooses one). It
normalises first, so the usual ways around a filter do not work:

- Unicode NFKC (fullwidth ``１２３`` and ``＠`` become ``123`` and ``@``), lower case;
- digits written as words (``een twee drie`` → ``1 2 3``) and separators between digits
  (spaces, ``.``, ``/``, ``_``, ``-``) are joined into one number;
- ``(at)``, ``[at]``, `` at ``, ``apenstaartje`` and ``(dot)``, `` dot ``, `` punt `` are read
  as ``@`` and ``.`` in e-mail addresses.

It then refuses a BSN (the elfproef, also without the leading zero), a phone number, any other
long number, an e-mail address, a date of birth, a street address or full postcode, and a
person's name (a first name and a surname, a name with a tussenvoegsel, or a title such as
"mevrouw"). Words about diagnoses and medicines are not refused: they are returned so that the
consultant can confirm they are needed (health data is special under the AVG).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .vocabulary import MONTHS

__all__ = ["FreeTextCheck", "check_free_text", "passes_elfproef"]


@dataclass(frozen=True)
class FreeTextCheck:
    """The outcome: a Dutch reason to refuse, and health words to confirm."""

    problem: str | None = None
    health_words: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        return self.problem is None and bool(self.health_words)


BSN = "Dit lijkt op een BSN. Schrijf nooit een BSN op."
PHONE = "Schrijf geen lange nummers op: dit lijkt op een telefoonnummer."
LONG_NUMBER = "Schrijf geen lange nummers op: het kan een BSN of telefoonnummer zijn."
EMAIL = "Schrijf geen e-mailadres op. Gebruik alleen een verzonnen kenmerk."
BIRTH_DATE = "Schrijf geen geboortedatum op. De leeftijdsgroep is genoeg."
ADDRESS = "Schrijf geen adres of volledige postcode op. De 4 cijfers van de postcode zijn genoeg."
NAME = "Schrijf geen namen op. Gebruik alleen een verzonnen kenmerk."


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DIGIT_WORDS = {
    "nul": "0",
    "zero": "0",
    "een": "1",
    "één": "1",
    "eén": "1",
    "one": "1",
    "twee": "2",
    "two": "2",
    "drie": "3",
    "three": "3",
    "vier": "4",
    "four": "4",
    "vijf": "5",
    "five": "5",
    "zes": "6",
    "six": "6",
    "zeven": "7",
    "seven": "7",
    "acht": "8",
    "eight": "8",
    "negen": "9",
    "nine": "9",
}
_DIGIT_WORD = re.compile(r"\b(" + "|".join(sorted(_DIGIT_WORDS, key=len, reverse=True)) + r")\b")
# Digits with at most a few separators between them read as one number.
_NUMBER = re.compile(r"\d(?:[\s./_\-,()+]{0,3}\d)*")

# E-mail: ``@`` however written, then a domain. Spelled-out forms need a known top-level domain,
# so that "ik at thuis punt" is not read as an address.
_AT = re.compile(r"\s*(?:[(\[{<]\s*at\s*[)\]}>]|\bat\b|\bapenstaartje\b)\s*")
_DOT = re.compile(r"\s*(?:[(\[{<]\s*(?:dot|punt)\s*[)\]}>]|\bdot\b|\bpunt\b)\s*")
# Anchored at the "@" (a local part before it is one character of it at least): searching from
# every start of a long local part would take quadratic time.
_EMAIL = re.compile(r"(?<=[\w.%+-])@[\w-]+(?:\.[\w-]+)*\.([a-z]{2,})\b")
_TLDS = _wordlist("nl be de eu com net org info nu io me uk fr frl online email biz amsterdam")

_MONTHS = frozenset(MONTHS) | _wordlist("jan feb mrt apr jun jul aug sep sept okt nov dec")
_NUMERIC_DATE = re.compile(
    r"\b(?:(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})|(\d{4})[-/.](\d{1,2})[-/.](\d{1,2}))\b"
)
_WORD_DATE = re.compile(
    r"\b(\d{1,2})\s+(?:"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?\s+(\d{4}|'\d{2})\b"
)
_BORN = re.compile(r"\b(?:geboren|geb\.|geboortedatum|geboortejaar|dob)\s*:?\s*(?:op\s+|in\s+)?\d")

_STREET_SUFFIXES = (
    "straat|weg|laan|plein|steeg|gracht|kade|singel|dijk|pad|hof|dreef|park|wal|markt|allee|"
    "veld|baan|plantsoen|hove|burg|straatje|weide|akker|brink"
)
_STREET = re.compile(
    r"\b[a-zà-ÿ][a-zà-ÿ'-]{2,}(?:" + _STREET_SUFFIXES + r")\s+\d{1,4}(?:\s?[a-z]\b|\b)"
)
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b")  # on the original case

_TUSSENVOEGSELS = (
    r"(?:van der|van den|van de|van 't|van het|in 't|in de|op de|op den|uit de|uit den|"
    r"de la|van|de|der|den|het|ten|ter|te|'t|la|le|du|el|al|bin|ben)"
)
_CAP = r"[A-ZÀ-Þ][a-zà-ÿ]+(?:-[A-ZÀ-Þ][a-zà-ÿ]+)?"
_NAME_WITH_TUSSENVOEGSEL = re.compile(rf"\b{_CAP}\s+{_TUSSENVOEGSELS}\s+{_CAP}\b")
_TITLE_NAME = re.compile(
    rf"\b(?:[Dd]hr|[Mm]evr|[Mm]w|[Mm]r|[Mm]s|[Mm]rs|[Dd]r|[Ii]ng)\.?\s+(?:[A-Z]\.\s*)*{_CAP}"
    rf"|\b(?:[Mm]eneer|[Mm]evrouw|[Dd]e heer|[Jj]uffrouw)\s+(?:[A-Z]\.\s*)*"
    rf"(?:{_TUSSENVOEGSELS}\s+)?{_CAP}"
)
_INITIALS_NAME = re.compile(rf"\b(?:[A-Z]\.\s?){{1,4}}(?:{_TUSSENVOEGSELS}\s+)?{_CAP}")

# Common first names in the Netherlands; followed by a capitalised word they are a full name.
_FIRST_NAMES = _wordlist(
    """
    jan piet kees henk gerrit hans peter willem johan klaas dirk cor wim bert kevin tom daan
    sem lucas milan levi thijs bram ruben stijn lars jesse tim niels bas mark erik rob sander
    dennis martijn jeroen marco frank paul michel ahmed mohammed mohamed mustafa ali hassan
    yusuf omar ibrahim mehmet fatima aisha khadija yasmine nour emma julia sophie anna lisa
    sanne lotte eva fleur iris noa tess sara sarah maria marie anne els ingrid monique sandra
    linda petra marieke karin wendy kim esther ria truus joke annie mieke ellen inge nicole
    jolanda miranda bianca patricia laura femke demi romy lieke maud mila zoë julia mees finn
    noah liam luuk sven koen wouter jasper joost arjen gert hendrik jacob jozef maarten
    """
)
_CAPITALISED_PAIR = re.compile(rf"\b(?=({_CAP})\s+{_CAP}\b)")

# Words about diagnoses and medicines: allowed only when the consultant confirms they are needed.
HEALTH_WORDS = _wordlist(
    """
    diagnose diagnoses gediagnosticeerd depressie depressief depressieve angststoornis
    paniekstoornis psychose psychotisch schizofrenie schizofreen bipolair bipolaire manisch
    borderline persoonlijkheidsstoornis adhd autisme autistisch ptss trauma ocd dwangstoornis
    burn-out burnout verslaving verslaafd alcoholisme alcoholist drugsverslaving gokverslaving
    dementie alzheimer parkinson epilepsie diabetes kanker hiv aids nah hersenletsel lvb
    eetstoornis anorexia boulimia boulimie suïcidaal suicidaal suïcide suicide zelfbeschadiging
    automutilatie opname opgenomen ggz-opname medicatie medicijnen antidepressiva antipsychotica
    ritalin methylfenidaat concerta lithium oxazepam diazepam temazepam lorazepam seroquel
    quetiapine risperdal risperidon abilify aripiprazol haloperidol olanzapine clozapine
    sertraline paroxetine citalopram escitalopram fluoxetine venlafaxine prozac methadon
    insuline morfine
    """
)
_WORD = re.compile(r"[\wëïéèöüç-]+")


def passes_elfproef(digits: str) -> bool:
    """Return whether a 9-digit number passes the BSN eleven test (weights 9..2 and -1)."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0 and digits != "000000000"


def check_free_text(text: str, today: date | None = None) -> FreeTextCheck:
    """Return why ``text`` may not be stored, and which health words it holds.

    :param today: the date that decides which years are birth years (default: today).
    """
    original = unicodedata.normalize("NFKC", text or "")
    lower = original.lower()
    problem = (
        _email_problem(lower)
        or _date_problem(lower, (today or date.today()).year)
        or _number_problem(lower)
        or _address_problem(original, lower)
        or _name_problem(original)
    )
    words = {part for w in _WORD.findall(lower) for part in (w, *w.split("-"))}
    found = words & HEALTH_WORDS
    return FreeTextCheck(problem, tuple(sorted(found)))


def _email_problem(lower: str) -> str | None:
    if any(m.group(1) for m in _EMAIL.finditer(lower)):
        return EMAIL
    spelled = _DOT.sub(".", _AT.sub("@", lower))
    if any(m.group(1) in _TLDS for m in _EMAIL.finditer(spelled)):
        return EMAIL
    return None


def _is_birth_year(year: str, this_year: int) -> bool:
    value = int(year.lstrip("'"))
    if (
        len(year.lstrip("'")) == 2
    ):  # '85 or 85: 1985; 05: 2005; 24: 2024 is no birth year of an adult
        return value > this_year % 100 or value <= (this_year - 15) % 100
    return 1900 <= value <= this_year - 15


def _date_problem(lower: str, this_year: int) -> str | None:
    if _BORN.search(lower):
        return BIRTH_DATE
    for match in _NUMERIC_DATE.finditer(lower):
        year = match.group(3) or match.group(4)
        if _is_birth_year(year, this_year):
            return BIRTH_DATE
    for match in _WORD_DATE.finditer(lower):
        if _is_birth_year(match.group(2), this_year):
            return BIRTH_DATE
    return None


def _number_problem(lower: str) -> str | None:
    # A date that is not a birth date (a preferred start) is not a long number.
    text = _NUMERIC_DATE.sub(" ", lower)
    text = _DIGIT_WORD.sub(lambda m: _DIGIT_WORDS[m.group(1)], text)
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if len(digits) < 8:
            continue
        if passes_elfproef(digits) or (len(digits) == 8 and passes_elfproef("0" + digits)):
            return BSN
        if (digits.startswith("0") and len(digits) == 10) or (
            digits.startswith(("31", "0031")) and len(digits) in (11, 13)
        ):
            return PHONE
        return LONG_NUMBER
    return None


def _address_problem(original: str, lower: str) -> str | None:
    if _STREET.search(lower) or _POSTCODE.search(original):
        return ADDRESS
    return None


def _name_problem(original: str) -> str | None:
    if (
        _NAME_WITH_TUSSENVOEGSEL.search(original)
        or _TITLE_NAME.search(original)
        or _INITIALS_NAME.search(original)
    ):
        return NAME
    for match in _CAPITALISED_PAIR.finditer(original):
        if match.group(1).lower() in _FIRST_NAMES:
            return NAME
    return None
