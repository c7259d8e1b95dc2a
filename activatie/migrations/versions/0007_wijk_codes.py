"""CBS wijk codes beside wijk names; the PC4 table from GeoNames and CBS (seeds/zwolle-pc4.csv)

Adds ``district_code`` (CBS wijk code, ``WK0193xx``) to ``postcode_area``, ``location`` and
``geocode_cache``. A database that holds the old estimated PC4 table gets the reference values:
wijk names as CBS spells them, their codes, and GeoNames centroids. Locations follow: their wijk
is the wijk of their PC4, and a location still at the old centroid of its PC4 (placed there
because only a PC4 was known) moves to the new one. The rows are written out here, so this
migration does the same whatever the seed file says later.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("postcode_area", "location", "geocode_cache")

#: pc4, wijk code, wijk name, new latitude, new longitude, old latitude, old longitude
REFERENCE = [
    ("8011", "WK019310", "Binnenstad", 52.5116, 6.0921, 52.5125, 6.093),
    ("8012", "WK019313", "Assendorp", 52.5045, 6.1036, 52.5045, 6.1),
    ("8013", "WK019313", "Assendorp", 52.4957, 6.1232, 52.5145, 6.0755),
    ("8014", "WK019351", "Ittersum", 52.4853, 6.1145, 52.5145, 6.1075),
    ("8015", "WK019351", "Ittersum", 52.4697, 6.1224, 52.5195, 6.113),
    ("8016", "WK019350", "Schelle", 52.4823, 6.1032, 52.523, 6.126),
    ("8017", "WK019350", "Schelle", 52.4981, 6.0933, 52.4985, 6.1),
    ("8019", "WK019314", "Kamperpoort-Veerallee", 52.5060, 6.0736, 52.505, 6.073),
    ("8021", "WK019311", "Diezerpoort", 52.5173, 6.0973, 52.52, 6.097),
    ("8022", "WK019311", "Diezerpoort", 52.5210, 6.1094, 52.5205, 6.106),
    ("8023", "WK019312", "Wipstrik", 52.5126, 6.1130, 52.487, 6.117),
    ("8024", "WK019340", "Berkum", 52.5230, 6.1359, 52.481, 6.105),
    ("8025", "WK019312", "Wipstrik", 52.5089, 6.1231, 52.49, 6.088),
    ("8026", "WK019341", "Marsweteringlanden", 52.4942, 6.1664, 52.472, 6.123),
    ("8028", "WK019340", "Berkum", 52.5419, 6.1772, 52.5, 6.135),
    ("8031", "WK019330", "Holtenbroek", 52.5264, 6.0839, 52.5295, 6.0865),
    ("8032", "WK019331", "Aa-landen", 52.5318, 6.1002, 52.5365, 6.096),
    ("8033", "WK019331", "Aa-landen", 52.5353, 6.1104, 52.5415, 6.104),
    ("8034", "WK019332", "Vechtlanden", 52.5359, 6.1247, 52.533, 6.113),
    ("8035", "WK019332", "Vechtlanden", 52.5549, 6.1556, 52.53, 6.13),
    ("8041", "WK019320", "Poort van Zwolle", 52.5127, 6.0678, 52.519, 6.058),
    ("8042", "WK019321", "Westenholte", 52.5211, 6.0487, 52.529, 6.067),
    ("8043", "WK019322", "Stadshagen", 52.5341, 6.0566, 52.533, 6.068),
    ("8044", "WK019322", "Stadshagen", 52.5421, 6.0430, 52.538, 6.056),
    ("8045", "WK019322", "Stadshagen", 52.5576, 6.0644, 52.543, 6.066),
]


def _located(name: str) -> sa.TableClause:
    """The columns this migration writes of ``postcode_area`` or ``location``."""
    return sa.table(
        name,
        sa.column("pc4", sa.String),
        sa.column("district", sa.String),
        sa.column("district_code", sa.String),
        sa.column("latitude", sa.Float),
        sa.column("longitude", sa.Float),
    )


postcode_area = _located("postcode_area")
location = _located("location")


def upgrade() -> None:
    # Plain ALTER TABLE (no batch copy): on SQLite a batch copy drops and recreates ``location``,
    # which with foreign keys on would cascade to its activities.
    for name in TABLES:
        op.add_column(
            name,
            sa.Column("district_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        )
    for pc4, code, name, latitude, longitude, old_latitude, old_longitude in REFERENCE:
        op.execute(
            postcode_area.update()
            .where(postcode_area.c.pc4 == pc4)
            .values(district=name, district_code=code, latitude=latitude, longitude=longitude)
        )
        op.execute(
            location.update()
            .where(
                location.c.pc4 == pc4,
                location.c.latitude == old_latitude,
                location.c.longitude == old_longitude,
            )
            .values(latitude=latitude, longitude=longitude)
        )
        op.execute(
            location.update().where(location.c.pc4 == pc4).values(district=name, district_code=code)
        )


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_column(name, "district_code")  # SQLite 3.35 and later drop a column in place
