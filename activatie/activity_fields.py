"""Every field of an activity, named once: its attribute, Dutch label, file column and API name.

The import format (:mod:`records`, :mod:`seed`), the catalogue CSV (:mod:`catalogue_csv`), the
API (``views/api.activity_json``, :mod:`openapi`) and the audit trail (:mod:`audit_labels`)
read their names from :data:`FIELDS`, and so do ``models.ACTIVITY_DETAILS`` and the provider's
form view. A new field is added here, in :mod:`models` (plus a migration), the record, the form
and ``queries.ActivityView`` (docs/architecture.md, "Adding an activity field").
``tests/unit/test_activity_fields.py`` fails when a column of ``Activity`` is in neither
:data:`FIELDS` nor :data:`NOT_PUBLISHED`.

Order: :data:`FIELDS` is in the order of the import format's columns (the README's table and
``seeds/import-sjabloon.csv``). The API lists the same fields, but the facets (kind ``terms``)
together, in :data:`vocabulary.ACTIVITY_FACETS` order, where the first of them stands
(:func:`api_fields`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import (
    ACCESS_ROUTES,
    ACTIVITY_FACETS,
    ACTIVITY_STATUSES,
    ACTIVITY_TYPES,
    COSTS,
    GUIDANCE,
    NEEDS,
    PROGRAMMES,
    SLOTS,
    TARGET_GROUPS,
    Vocabulary,
)

# What a value is; each reader turns a kind into its own format.
TEXT = "text"  # a string ("" when empty)
NUMBER = "number"  # a whole number
CHOICE = "choice"  # one key of ``vocabulary``
TERMS = "terms"  # keys of ``vocabulary``, stored as ActivityTerm rows under the facet ``csv``
FLAG = "flag"  # yes/no: ``ja``/``nee`` in the file, true/false in the API
MONEY = "money"  # cents in the database, euro in the file and the API
DATE = "date"  # a Zwolle date (ISO) in the file and the API
MOMENT = "moment"  # a UTC moment (ISO), only shown by the API
REFERENCE = "reference"  # a related row (the file names its key, the API nests the object)
KEY = "key"  # the activity's key within its provider, set when the row is made


@dataclass(frozen=True)
class ActivityField:
    #: The attribute of ``models.Activity`` (and of ``queries.ActivityView``) that is read.
    attr: str
    kind: str
    #: The Dutch label in the audit trail (the beheerder's list of changes); None: the trail
    #: shows the name as it is (the facets: ``behoeften``, ...).
    label: str | None = None
    #: The column of the CSV import/export; for the JSON import and the seed file too, unless
    #: ``key`` says otherwise. None: not in the import format.
    csv: str | None = None
    #: The name in the API's activity object (and the OpenAPI document). None: not in the API.
    api: str | None = None
    vocabulary: Vocabulary | None = None
    #: Optional values may be absent (null in the API, an empty cell in the file).
    optional: bool = False
    #: A row of the import without this column is refused (the header is checked).
    required: bool = False
    #: Listed under ``required`` in the OpenAPI schema of an activity.
    api_required: bool = False
    #: The description of the field in the OpenAPI document.
    api_description: str = ""
    #: The database column: "" (the default) when it is ``attr`` itself, another name when
    #: ``attr`` is a property over it, None when the field is not a column (the facets).
    stored: str | None = ""
    #: The name in the JSON import and the seed file, when it differs from ``csv``.
    key: str | None = None

    @property
    def column(self) -> str | None:
        """The database column of ``Activity`` that holds this field, if it is one."""
        return self.attr if self.stored == "" else self.stored

    @property
    def record_key(self) -> str | None:
        """The name in the JSON import format (``records.ActivityRecord``'s alias)."""
        return self.key or self.csv


FIELDS: tuple[ActivityField, ...] = (
    ActivityField("id", NUMBER, api="id", api_required=True),
    ActivityField(
        "slug",
        KEY,
        label="korte naam in de link",
        csv="activiteit_sleutel",
        key="sleutel",
        required=True,
    ),
    ActivityField(
        "title", TEXT, label="titel", csv="titel", api="titel", required=True, api_required=True
    ),
    ActivityField("summary", TEXT, label="in één zin", csv="samenvatting", api="samenvatting"),
    ActivityField(
        "description", TEXT, label="beschrijving", csv="beschrijving", api="beschrijving"
    ),
    ActivityField(
        "programme",
        CHOICE,
        label="programma",
        csv="programma",
        api="programma",
        vocabulary=PROGRAMMES,
        api_required=True,
    ),
    ActivityField(
        "organisation_id",
        REFERENCE,
        label="aanbieder (nummer)",
        api="aanbieder",
        api_required=True,
    ),
    ActivityField(
        "location_id",
        REFERENCE,
        label="locatie (nummer)",
        key="locatie",
        api="locatie",
        api_required=True,
    ),
    ActivityField(
        "types",
        TERMS,
        csv="soorten",
        api="soorten",
        vocabulary=ACTIVITY_TYPES,
        required=True,
        stored=None,
    ),
    ActivityField(
        "needs",
        TERMS,
        csv="behoeften",
        api="behoeften",
        vocabulary=NEEDS,
        required=True,
        stored=None,
    ),
    ActivityField(
        "target_groups",
        TERMS,
        csv="doelgroepen",
        api="doelgroepen",
        vocabulary=TARGET_GROUPS,
        stored=None,
    ),
    ActivityField(
        "guidance",
        CHOICE,
        label="begeleiding",
        csv="begeleiding",
        api="begeleiding",
        vocabulary=GUIDANCE,
        required=True,
        api_required=True,
    ),
    ActivityField(
        "min_age",
        NUMBER,
        label="vanaf leeftijd",
        csv="min_leeftijd",
        api="min_leeftijd",
        optional=True,
    ),
    ActivityField(
        "max_age",
        NUMBER,
        label="tot en met leeftijd",
        csv="max_leeftijd",
        api="max_leeftijd",
        optional=True,
    ),
    ActivityField("slots", TERMS, csv="dagdelen", api="dagdelen", vocabulary=SLOTS, stored=None),
    ActivityField(
        "schedule_note",
        TEXT,
        label="tijden",
        csv="tijden",
        api="tijden",
        api_description="Het rooster in woorden.",
    ),
    ActivityField(
        "capacity",
        NUMBER,
        label="aantal plekken",
        csv="capaciteit",
        api="capaciteit",
        required=True,
        api_required=True,
    ),
    ActivityField(
        "free_places",
        NUMBER,
        label="vrije plekken",
        csv="vrije_plekken",
        api="vrije_plekken",
        required=True,
        api_required=True,
    ),
    ActivityField("waiting_list", FLAG, label="wachtlijst", csv="wachtlijst", api="wachtlijst"),
    ActivityField("cost", CHOICE, label="kosten", csv="kosten", api="kosten", vocabulary=COSTS),
    ActivityField(
        "cost_cents",
        MONEY,
        label="eigen bijdrage (in centen)",
        csv="eigen_bijdrage_euro",
        api="eigen_bijdrage_euro",
        optional=True,
    ),
    ActivityField(
        "access_route",
        CHOICE,
        label="aanmelden",
        csv="aanmelden",
        api="aanmelden",
        vocabulary=ACCESS_ROUTES,
        required=True,
    ),
    ActivityField(
        "access_note",
        TEXT,
        label="uitleg over aanmelden",
        csv="aanmelden_uitleg",
        api="aanmelden_uitleg",
    ),
    ActivityField(
        "status",
        CHOICE,
        label="status",
        csv="status",
        api="status",
        vocabulary=ACTIVITY_STATUSES,
        api_required=True,
    ),
    ActivityField("updated_at", MOMENT, api="laatst_bijgewerkt"),
    ActivityField(
        "confirmed_on",
        DATE,
        csv="laatst_bevestigd",
        api="laatst_bevestigd",
        api_description="Wanneer de aanbieder zei dat alles klopt.",
        stored="confirmed_at",
    ),
)

#: Columns of ``Activity`` that are deliberately not a field above, and why.
NOT_PUBLISHED: dict[str, str] = {
    "is_approved": "internal: the beheerder's approval, never exchanged",
    "created_at": "internal: when the row was made",
    "version": "internal: optimistic locking",
}

BY_ATTR: dict[str, ActivityField] = {f.attr: f for f in FIELDS}

#: The columns of the import format, in file order.
CSV_FIELDS: tuple[ActivityField, ...] = tuple(f for f in FIELDS if f.csv)
#: The facets (stored as ActivityTerm rows), by the name they carry in files and the API.
TERM_FIELDS: tuple[ActivityField, ...] = tuple(f for f in FIELDS if f.kind == TERMS)
#: The plain values a provider (or an import) states, copied as they are between the import
#: record, the provider's form, the model and the audit trail (``models.ACTIVITY_DETAILS``).
DETAILS: tuple[str, ...] = tuple(
    f.attr for f in FIELDS if f.csv and f.kind in (TEXT, NUMBER, CHOICE, FLAG)
)
#: Attribute -> Dutch label, for the audit trail.
LABELS: dict[str, str] = {f.attr: f.label for f in FIELDS if f.label}


def record_key(attr: str) -> str:
    """Return the JSON import name of ``attr`` (the alias of ``records.ActivityRecord``)."""
    name = BY_ATTR[attr].record_key
    assert name is not None, attr
    return name


def api_fields() -> list[ActivityField]:
    """Return the fields of the API's activity object in its order (see the module's note)."""
    published = [f for f in FIELDS if f.api]
    first = next(i for i, f in enumerate(published) if f.kind == TERMS)
    terms = sorted(TERM_FIELDS, key=lambda f: list(ACTIVITY_FACETS).index(f.csv))
    rest = [f for f in published if f.kind != TERMS]
    return [*rest[:first], *terms, *rest[first:]]
