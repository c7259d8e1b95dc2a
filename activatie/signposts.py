"""Signposts (verwijzingen): the neighbouring provisions we point people to.

Pure. :func:`matching.signposts_for` decides *when* a signpost applies; this module says *what*
each one is: what it is for, who it is for, what we tell the person, and how to reach it. The
gemeente keeps the contact details current in the ``signpost`` table (``/beheer/verwijzingen``);
:data:`DEFAULTS` is what is shown for a key that has no row yet (no contact details: we never
invent those outside the example data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .matching import SIGNPOST_KEYS
from .phone import tel_uri


@dataclass(frozen=True)
class SignpostInfo:
    key: str
    name: str
    #: What it is for, in one line.
    purpose: str
    #: Who it is for, in one line.
    audience: str
    #: What we tell the person when it applies (B1, "u").
    text: str
    phone: str = ""
    website: str = ""
    address: str = ""
    is_example: bool = False

    @property
    def phone_link(self) -> str:
        """The phone number as a ``tel:`` URI (digits and a leading +), or empty."""
        return tel_uri(self.phone)


DEFAULTS: dict[str, SignpostInfo] = {
    signpost.key: signpost
    for signpost in (
        SignpostInfo(
            "goede_dagen",
            "Daginvulling “Goede dagen”",
            "Iets fijns om overdag te doen, samen met anderen.",
            "Mensen die de AOW-leeftijd hebben.",
            "Deze activiteiten zijn voor mensen tot de AOW-leeftijd (de leeftijd waarop u AOW "
            "krijgt). Vanaf de "
            "AOW-leeftijd kunt u terecht bij Daginvulling “Goede dagen”.",
        ),
        SignpostInfo(
            "perspectief",
            "Dagbesteding “Perspectief”",
            "Dagbesteding met een begeleider die de hele tijd bij u is.",
            "Mensen die de hele tijd begeleiding nodig hebben.",
            "Heeft u de hele tijd begeleiding nodig? Dan past Dagbesteding “Perspectief” "
            "misschien beter. U heeft daarvoor een besluit en een plan van het Sociaal Wijkteam "
            "nodig. Het wijkteam kijkt samen met u wat past.",
        ),
        SignpostInfo(
            "wijkteam",
            "Sociaal Wijkteam",
            "Samen met u kijken wat u nodig heeft, en de weg wijzen.",
            "Alle inwoners van Zwolle.",
            "Het Sociaal Wijkteam denkt met u mee en helpt u een plek te vinden die past.",
        ),
        SignpostInfo(
            "tiem",
            "Tiem",
            "Stap voor stap naar (aangepast) betaald werk.",
            "Mensen die willen werken, met wat extra hulp.",
            "Wilt u werkervaring opdoen als stap naar betaald werk? Tiem helpt u daarbij.",
        ),
        SignpostInfo(
            "jeugd",
            "Sportclubs voor kinderen",
            "Sporten bij een club die kinderen met wat extra aandacht graag laat meedoen.",
            "Kinderen en jongeren tot 18 jaar.",
            "Deze activiteiten zijn voor mensen vanaf 18 jaar. Voor kinderen die wat "
            "extra aandacht nodig hebben zijn er sportclubs in Zwolle die hen graag laten "
            "meedoen. Hier ziet u alleen die activiteiten, als ze passen bij de leeftijd.",
        ),
        SignpostInfo(
            "jeugdfonds",
            "Jeugdfonds Sport & Cultuur",
            "Betaalt de contributie van de sportclub als dat thuis niet lukt.",
            "Kinderen en jongeren tot 18 jaar in gezinnen met weinig geld.",
            "Is de contributie van de club te duur? Het Jeugdfonds Sport & Cultuur kan die "
            "betalen. Een leerkracht, het wijkteam of een hulpverlener vraagt het voor u aan.",
        ),
        SignpostInfo(
            "samen_zwolle",
            "Samen Zwolle",
            "Alle activiteiten, clubs en hulp in de stad op één plek.",
            "Alle inwoners van Zwolle.",
            "Op Samen Zwolle vindt u nog veel meer om te doen in de stad: buurthuizen, clubs, "
            "vrijwilligerswerk en hulp.",
        ),
    )
}

assert tuple(DEFAULTS) == SIGNPOST_KEYS, "every signpost the matcher names has a default"


def resolve(keys: Iterable[str], rows: Mapping[str, SignpostInfo]) -> list[SignpostInfo]:
    """Return the signposts for ``keys``: the gemeente's row where there is one, or else the
    default."""
    return [rows.get(key) or DEFAULTS[key] for key in keys if key in DEFAULTS]


def for_activity(programme: str, cost: str) -> list[str]:
    """Return the signposts an activity's own page shows: the Jeugdfonds with a club's fee."""
    return ["jeugdfonds"] if programme == "inclusief_sporten" and cost != "gratis" else []
