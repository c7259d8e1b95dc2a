"""A small, known catalogue for page and API tests (distances from Grote Kerkplein, 8011)."""

from __future__ import annotations

from dataclasses import dataclass

from activatie.models import Activity

from .factories import Factory


@dataclass
class Small:
    garden: Activity  # Binnenstad, 0 km, groen, di ochtend, rolstoel, free
    bikes: Activity  # Stadshagen ~4 km, fietsen, do middag, full with waiting list
    football: Activity  # Zwolle-Zuid ~3 km, sport for children 6-12, za ochtend
    paused: Activity
    unapproved: Activity


def build(factory: Factory) -> Small:
    centre_org = factory.organisation(name="Tuinderij Het Plein", slug="tuinderij")
    garden = factory.activity(
        factory.location(centre_org, accessibility=["rolstoel", "prikkelarm"]),
        title="Stadsmoestuin",
        summary="Groenten kweken in het centrum.",
        types=["groen"],
        needs=["sociale_contacten", "herstel"],
        slots=["di_ochtend"],
        free_places=3,
    )
    bike_org = factory.organisation(
        name="Fietsenwerkplaats Noord", slug="fietsen", kind="sociale_onderneming"
    )
    bikes = factory.activity(
        factory.location(
            bike_org,
            street="Stadshagenallee",
            postcode="8043",
            pc4="8043",
            district="Stadshagen",
            district_code="WK019322",
            latitude=52.5305,
            longitude=6.0440,
        ),
        title="Fietsen repareren",
        summary="Oude fietsen opknappen.",
        types=["fietsen", "hout_techniek"],
        needs=["werkvaardigheden"],
        slots=["do_middag"],
        free_places=0,
        waiting_list=True,
        cost="eigen_bijdrage",
        cost_cents=250,
    )
    club = factory.organisation(name="Voetbalclub Zuid", slug="vv-zuid", kind="sportvereniging")
    football = factory.activity(
        factory.location(
            club,
            street="Schellerpark",
            postcode="8016",
            pc4="8016",
            district="Schelle",
            district_code="WK019350",
            latitude=52.4850,
            longitude=6.1050,
        ),
        title="Voetbal voor iedereen",
        summary="Voetballen met extra begeleiding.",
        programme="inclusief_sporten",
        types=["sport"],
        needs=["bewegen", "sociale_contacten"],
        target_groups=["jeugd_extra_aandacht"],
        slots=["za_ochtend"],
        min_age=6,
        max_age=12,
    )
    paused = factory.activity(title="Gepauzeerde klus", status="gepauzeerd")
    unapproved = factory.activity(title="Nog niet goedgekeurd", is_approved=False)
    return Small(garden, bikes, football, paused, unapproved)
