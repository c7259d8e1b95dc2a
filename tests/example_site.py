"""The example site the browser and HTML-checker tests walk: seed data, demo aanmeldingen, staff.

``build(session)`` loads what ``flask seed`` and ``flask demo-placements`` load, adds one account
per role with the test password (and the second factor where the role needs one), and returns
the ids that make up one URL of every page type (``page_types``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from activatie import catalogue, seed, signpost_store
from activatie.geocoding import make_geocoder
from activatie.models import Activity, Organisation, Placement, Signpost, Team, User, local_today
from bench import demo

from .factories import Factory


@dataclass(frozen=True)
class Site:
    consultant: User
    provider: User
    admin: User
    activity_id: int
    organisation_id: int
    location_id: int
    placement_id: int
    team_id: int
    signpost_key: str


def build(session: Session, placements: int = 60) -> Site:
    """Seed the example data, some demo aanmeldingen, and one account per staff role."""
    catalogue.load_postcodes(session, seed.read_postcodes())
    offers = seed.read_catalogue(seed.SEEDS / "aanbieders.json")
    catalogue.load_catalogue(session, offers, make_geocoder(session))
    signpost_store.load_signposts(session, seed.read_signposts())
    demo.generate(session, placements, 12, local_today())
    factory = Factory(session)
    team = session.exec(select(Team).order_by(Team.id)).first()
    # The organisation with the most aanmeldingen, so the provider's pages have rows.
    org_id = session.exec(
        select(Activity.organisation_id)
        .join(Placement, col(Placement.activity_id) == Activity.id)
        .group_by(Activity.organisation_id)
        .order_by(func.count().desc(), Activity.organisation_id)
    ).first()
    organisation = session.get(Organisation, org_id)
    assert team is not None and organisation is not None
    activity = session.exec(
        select(Activity)
        .where(Activity.organisation_id == organisation.id, Activity.status == "actief")
        .order_by(Activity.id)
    ).first()
    placement = (
        session.exec(
            select(Placement)
            .join(Activity, col(Activity.id) == Placement.activity_id)
            .where(Activity.organisation_id == organisation.id, Placement.team_id == team.id)
            .order_by(Placement.id)
        ).first()
        or session.exec(
            select(Placement)
            .join(Activity, col(Activity.id) == Placement.activity_id)
            .where(Activity.organisation_id == organisation.id)
            .order_by(Placement.id)
        ).first()
    )
    assert activity is not None and placement is not None
    signpost = session.exec(select(Signpost).order_by(Signpost.key)).first()
    assert signpost is not None
    site = Site(
        consultant=factory.user("consulent", team_id=placement.team_id or team.id),
        provider=factory.user("aanbieder", organisation_id=organisation.id),
        admin=factory.user("beheerder"),
        activity_id=activity.id,  # type: ignore[arg-type]
        organisation_id=organisation.id,  # type: ignore[arg-type]
        location_id=activity.location_id,
        placement_id=placement.id,  # type: ignore[arg-type]
        team_id=placement.team_id or team.id,  # type: ignore[arg-type]
        signpost_key=signpost.key,
    )
    return site


#: The answer of each page or form state that is not a plain 200: errors shown as pages.
STATUS = {
    "lijst-fout": 400,
    "niet-gevonden": 404,
    "matchen-fout": 400,
    "wat-past-fout": 422,  # a postcode outside Zwolle
    "aanmelden-fout": 400,
}


def status_of(name: str) -> int:
    """The HTTP status the page or form state ``name`` answers with."""
    return STATUS.get(name, 200)


def page_types(site: Site) -> dict[str, list[tuple[str, str]]]:
    """One URL of every page type a person reads, by who reads it: {role: [(name, path)]}."""
    a, o, p = site.activity_id, site.organisation_id, site.placement_id
    return {
        "anoniem": [
            ("home", "/"),
            ("lijst", "/activiteiten"),
            ("lijst-postcode", "/activiteiten?postcode=8011&max_afstand_km=5"),
            ("lijst-fout", "/activiteiten?leeftijd=oud"),
            ("lijst-leeg", "/activiteiten?q=zzzzgeenresultaat"),
            ("activiteit", f"/activiteiten/{a}"),
            ("aanbieders", "/aanbieders"),
            ("aanbieder", f"/aanbieders/{o}"),
            ("sportclubs", "/sportclubs"),
            ("over", "/over"),
            ("wat-past", "/wat-past-bij-mij"),
            ("niet-gevonden", "/activiteiten/999999"),
            ("inloggen", "/inloggen"),
            ("api-docs", "/api"),
        ],
        "consulent": [
            ("matchen", "/consulent/matchen"),
            ("matchen-resultaten", "/consulent/matchen?postcode=8011&leeftijd=40&vervoer=fiets"),
            ("matchen-fout", "/consulent/matchen?postcode=9999&leeftijd=x"),
            ("aanmelden", f"/consulent/aanmeldingen/nieuw?activiteit={a}&pc4=8011"),
            ("aanmeldingen-consulent", "/consulent/aanmeldingen"),
            ("aanmelding-consulent", f"/consulent/aanmeldingen/{p}"),
            ("aanmelding-blad", f"/consulent/aanmeldingen/{p}/blad"),
        ],
        "aanbieder": [
            ("aanbieder-dashboard", "/aanbieder/"),
            ("aanbieder-aanmeldingen", "/aanbieder/aanmeldingen"),
            ("aanbieder-aanmelding", f"/aanbieder/aanmeldingen/{p}"),
            ("activiteit-bewerken", f"/aanbieder/activiteiten/{a}/bewerken"),
            ("activiteit-nieuw", "/aanbieder/activiteiten/nieuw"),
            ("locatie-bewerken", f"/aanbieder/locaties/{site.location_id}/bewerken"),
            ("locatie-nieuw", "/aanbieder/locaties/nieuw"),
            ("organisatie", "/aanbieder/organisatie"),
            ("inloop", "/aanbieder/inloop"),
            ("api-sleutels", "/aanbieder/api-sleutels"),
        ],
        "beheerder": [
            ("beheer", "/beheer/"),
            ("accounts", "/beheer/accounts"),
            ("account", f"/beheer/accounts/{site.consultant.id}"),
            ("account-nieuw", "/beheer/accounts/nieuw"),
            ("goedkeuren", "/beheer/goedkeuren"),
            ("audit", f"/beheer/audit/activiteit/{a}"),
            ("verwijzingen", "/beheer/verwijzingen"),
            ("verwijzing", f"/beheer/verwijzingen/{site.signpost_key}"),
            ("teams", "/beheer/teams"),
            ("team", f"/beheer/teams/{site.team_id}"),
            ("team-nieuw", "/beheer/teams/nieuw"),
            ("verouderd", "/beheer/verouderd"),
            ("aanbieder-nieuw", "/beheer/aanbieders/nieuw"),
            ("resultaten", "/beheer/resultaten/"),
        ],
    }


def form_states(site: Site) -> list[tuple[str, str, str, dict[str, str | list[str]]]]:
    """Pages after a form was sent: (name, role, path, fields), for results and errors.

    The wizard's last step is found from its step list, so a shorter or longer wizard still
    ends on its results.
    """
    from activatie.views.public import STEPS

    last = str(len(STEPS))
    resident = {"postcode": "8011", "leeftijd": "40"}
    return [
        ("wat-past-stap-2", "anoniem", "/wat-past-bij-mij", resident | {"stap": "1"}),
        ("wat-past-resultaten", "anoniem", "/wat-past-bij-mij", resident | {"stap": last}),
        (
            "wat-past-niets",
            "anoniem",
            "/wat-past-bij-mij",
            resident
            | {
                "stap": last,
                "begeleiding": "intensief",
                "toegankelijkheid": ["rolstoel", "doventolk", "prikkelarm", "parkeren"],
            },
        ),
        (
            "wat-past-aow",
            "anoniem",
            "/wat-past-bij-mij",
            {"postcode": "8011", "leeftijd": "70", "stap": "1"},
        ),
        ("wat-past-fout", "anoniem", "/wat-past-bij-mij", {"postcode": "9999", "stap": "1"}),
        (
            "aanmelden-fout",
            "consulent",
            "/consulent/aanmeldingen/nieuw",
            {"activiteit": str(site.activity_id), "pc4": "80"},
        ),
    ]
