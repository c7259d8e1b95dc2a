"""Zwolle's geography comes from the reference table: GeoNames centroids and CBS wijken.

The reference is the copy in ``seeds/zwolle-pc4.csv`` (CI has no ``../shared``), read here with
the plain ``csv`` module so the app's own reader is checked against it, not with it.
"""

from __future__ import annotations

import csv
import json

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from activatie import catalogue, geo, migrations, seed
from activatie.models import Location, PostcodeArea
from activatie.vocabulary import DISTRICTS
from tests.factories import Factory
from tests.service.test_seed import ZWOLLE_PC4

with (seed.SEEDS / "zwolle-pc4.csv").open(encoding="utf-8", newline="") as _handle:
    REFERENCE = {row["pc4"]: row for row in csv.DictReader(_handle)}
CATALOGUE = json.loads((seed.SEEDS / "aanbieders.json").read_text(encoding="utf-8"))
SEEDED_LOCATIONS = [
    (org["sleutel"], location) for org in CATALOGUE["aanbieders"] for location in org["locaties"]
]


def reference_point(pc4: str) -> geo.Point:
    row = REFERENCE[pc4]
    return geo.Point(float(row["latitude"]), float(row["longitude"]))


# --- the reference table -----------------------------------------------------------------------


def test_the_reference_holds_the_25_pc4s_and_the_16_cbs_wijken() -> None:
    assert set(REFERENCE) == ZWOLLE_PC4
    assert len(DISTRICTS) == 16
    assert set(DISTRICTS.keys) == {
        f"WK0193{n}" for n in (10, 11, 12, 13, 14, 20, 21, 22, 30, 31, 32, 40, 41, 50, 51, 52)
    }
    for pc4, row in REFERENCE.items():
        # Every wijk is a CBS wijk, spelled as CBS spells it ("Aa-landen", not "Aalanden").
        assert row["wijk_code"] in DISTRICTS, pc4
        assert row["wijk_name"] == DISTRICTS.label_of(row["wijk_code"]), pc4
        assert row["note"].startswith("derived, confidence "), pc4
        assert "CC BY 4.0" in row["source_centroid"], pc4


def test_the_attribution_travels_with_the_copy() -> None:
    readme = (seed.SEEDS / "README.md").read_text(encoding="utf-8")
    assert "GeoNames (geonames.org), CC BY 4.0" in readme
    assert "CBS" in readme and "Kerncijfers wijken en buurten 2024" in readme


def test_read_postcodes_takes_every_value_from_the_reference() -> None:
    areas = {area.pc4: area for area in seed.read_postcodes()}
    assert set(areas) == set(REFERENCE)
    for pc4, area in areas.items():
        row = REFERENCE[pc4]
        assert area.city == "Zwolle", pc4  # the postal place, also for Windesheim and Wijthmen
        assert (area.district, area.district_code) == (row["wijk_name"], row["wijk_code"]), pc4
        assert geo.distance_km(geo.Point(area.latitude, area.longitude), reference_point(pc4)) < 0.2


def test_seeded_centroids_lie_within_200_m_of_the_reference(seeded, session: Session) -> None:
    areas = session.exec(select(PostcodeArea)).all()
    assert {area.pc4 for area in areas} == ZWOLLE_PC4
    for area in areas:
        point = geo.Point(area.latitude, area.longitude)
        assert geo.distance_km(point, reference_point(area.pc4)) <= 0.2, area.pc4
        assert area.district_code == REFERENCE[area.pc4]["wijk_code"], area.pc4
    assert {area.district_code for area in areas} <= set(DISTRICTS.keys)


@pytest.mark.parametrize(
    ("pc4", "code", "name"),
    [
        # The 13 links the estimated table had wrong (issue 9).
        ("8013", "WK019313", "Assendorp"),  # Marslanden/Pierik, not Kamperpoort-Veerallee
        ("8014", "WK019351", "Ittersum"),
        ("8015", "WK019351", "Ittersum"),
        ("8016", "WK019350", "Schelle"),
        ("8019", "WK019314", "Kamperpoort-Veerallee"),
        ("8023", "WK019312", "Wipstrik"),
        ("8024", "WK019340", "Berkum"),
        ("8025", "WK019312", "Wipstrik"),
        ("8026", "WK019341", "Marsweteringlanden"),  # Wijthmen, not Windesheim
        ("8028", "WK019340", "Berkum"),
        ("8035", "WK019332", "Vechtlanden"),
        ("8041", "WK019320", "Poort van Zwolle"),
        ("8042", "WK019321", "Westenholte"),  # not Stadshagen
        # And the spelling of CBS.
        ("8032", "WK019331", "Aa-landen"),
    ],
)
def test_pc4_to_wijk(session: Session, postcodes: None, pc4: str, code: str, name: str) -> None:
    area = session.get(PostcodeArea, pc4)
    assert area is not None
    assert (area.district_code, area.district) == (code, name)


# --- seeded locations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org", "location"),
    SEEDED_LOCATIONS,
    ids=[f"{org}/{loc['sleutel']}" for org, loc in SEEDED_LOCATIONS],
)
def test_each_seeded_location_lies_near_its_pc4(org: str, location: dict) -> None:
    pc4 = geo.pc4_of(geo.normalise_postcode(location["postcode"]) or "")
    assert pc4 in REFERENCE
    point = geo.Point(location["latitude"], location["longitude"])
    assert geo.distance_km(point, reference_point(pc4)) <= 2.5


@pytest.mark.parametrize(
    ("street", "pc4"),
    [
        # Streets issue 9 named with a wrong postcode, and the PC4s they lie in.
        ("Wipstrikkerallee", "8023"),
        ("Marsweg", "8013"),
        ("Hollewandsweg", "8014"),
        # Newtonweg 15 is 8013 RD; the seed had its point in Voorst, 4 km west of Marslanden.
        ("Newtonweg", "8013"),
        ("Windesheimerweg", "8015"),
    ],
)
def test_known_streets_carry_their_own_postcode(street: str, pc4: str) -> None:
    found = [loc for _, loc in SEEDED_LOCATIONS if loc["straat"] == street]
    assert found, street
    for location in found:
        assert location["postcode"][:4] == pc4
        point = geo.Point(location["latitude"], location["longitude"])
        assert geo.distance_km(point, reference_point(pc4)) < 1.0


def test_seeded_locations_carry_the_wijk_of_their_pc4(seeded, session: Session) -> None:
    locations = session.exec(select(Location)).all()
    assert len(locations) == len(SEEDED_LOCATIONS)
    for location in locations:
        row = REFERENCE[location.pc4]
        assert (location.district_code, location.district) == (row["wijk_code"], row["wijk_name"])
    newton = next(loc for loc in locations if loc.street == "Newtonweg")
    assert newton.district == "Assendorp"


# --- reloading the table ----------------------------------------------------------------------


def test_reloading_the_table_moves_what_stood_on_the_old_centroid(
    session: Session, factory: Factory
) -> None:
    old = PostcodeArea(
        pc4="8042", city="Zwolle", district="Stadshagen", latitude=52.529, longitude=6.067
    )
    catalogue.load_postcodes(session, [old])
    placed = factory.location(
        pc4="8042", postcode="8042", district="Stadshagen", latitude=52.529, longitude=6.067
    )
    own = factory.location(
        pc4="8042", postcode="8042AB", district="Stadshagen", latitude=52.5200, longitude=6.0500
    )

    catalogue.load_postcodes(session, seed.read_postcodes())

    session.expire_all()
    placed, own = session.get(Location, placed.id), session.get(Location, own.id)
    assert (placed.district, placed.district_code) == ("Westenholte", "WK019321")
    assert (placed.latitude, placed.longitude) == (52.5211, 6.0487)  # the new centroid
    assert (own.district, own.district_code) == ("Westenholte", "WK019321")
    assert (own.latitude, own.longitude) == (52.5200, 6.0500)  # its own point stays


def test_migration_0007_corrects_an_existing_table(
    engine: Engine, session: Session, factory: Factory
) -> None:
    org = factory.organisation()
    command.downgrade(migrations.alembic_config(engine), "0006")
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE postcode_area SET district = 'Kamperpoort-Veerallee', "
                    "latitude = 52.5145, longitude = 6.0755 WHERE pc4 = '8013'"
                )
            )
            insert = text(
                "INSERT INTO location (organisation_id, slug, name, street, house_number, "
                "postcode, pc4, city, district, latitude, longitude, version) VALUES (:org, "
                ":slug, 'Werkplaats', 'Newtonweg', '', '8013', '8013', 'Zwolle', "
                "'Kamperpoort-Veerallee', :lat, :lon, 1)"
            )
            connection.execute(
                insert, {"org": org.id, "slug": "oud", "lat": 52.5145, "lon": 6.0755}
            )
            connection.execute(
                insert, {"org": org.id, "slug": "eigen", "lat": 52.496, "lon": 6.126}
            )
    finally:
        migrations.upgrade(engine)

    session.expire_all()
    area = session.get(PostcodeArea, "8013")
    assert (area.district, area.district_code) == ("Assendorp", "WK019313")
    assert (area.latitude, area.longitude) == (52.4957, 6.1232)
    moved, own = (
        session.exec(select(Location).where(Location.slug == slug)).one()
        for slug in ("oud", "eigen")
    )
    assert (moved.district, moved.district_code) == ("Assendorp", "WK019313")
    assert (moved.latitude, moved.longitude) == (52.4957, 6.1232)
    assert (own.district_code, own.latitude, own.longitude) == ("WK019313", 52.496, 6.126)


# --- attribution on the site ------------------------------------------------------------------
