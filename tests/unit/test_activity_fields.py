"""The activity field registry is complete and every reader agrees with it.

A new column on ``Activity`` must be named in ``activity_fields.FIELDS`` (published: import,
export, API, audit) or in ``activity_fields.NOT_PUBLISHED`` (with a reason), or this fails.
"""

from __future__ import annotations

from dataclasses import fields

from activatie import activity_fields, audit_labels, openapi, seed
from activatie.activity_fields import CSV_FIELDS, FIELDS, NOT_PUBLISHED, TERMS, api_fields
from activatie.models import Activity
from activatie.queries import ActivityView
from activatie.records import ActivityRecord
from activatie.vocabulary import ACTIVITY_FACETS


def test_every_column_of_activity_is_in_the_registry_or_deliberately_not_published() -> None:
    columns = {column.name for column in Activity.__table__.columns}  # type: ignore[attr-defined]
    registered = {f.column for f in FIELDS if f.column}
    forgotten = columns - registered - set(NOT_PUBLISHED)
    assert forgotten == set(), (
        f"Activity has {sorted(forgotten)}: add it to activity_fields.FIELDS, "
        "or to NOT_PUBLISHED with the reason"
    )


def test_the_registry_names_only_real_columns_each_once() -> None:
    columns = {column.name for column in Activity.__table__.columns}  # type: ignore[attr-defined]
    stored = [f.column for f in FIELDS if f.column]
    assert set(stored) <= columns
    assert len(stored) == len(set(stored))
    assert set(NOT_PUBLISHED) <= columns
    assert not set(NOT_PUBLISHED) & set(stored)
    for attr in ("attr", "csv", "api"):
        names = [getattr(f, attr) for f in FIELDS if getattr(f, attr)]
        assert len(names) == len(set(names)), attr


def test_every_field_can_be_read_from_an_activity_and_from_its_list_view() -> None:
    view_attributes = {f.name for f in fields(ActivityView)} | {
        name for name in dir(ActivityView) if not name.startswith("_")
    }
    for field in FIELDS:
        if field.kind == TERMS:
            continue  # read with facet(name) from both
        assert hasattr(Activity, field.attr), field.attr
        if field.api:
            assert field.attr in view_attributes, field.attr


def test_the_facets_are_the_vocabulary_facets_under_one_name() -> None:
    terms = [f for f in FIELDS if f.kind == TERMS]
    assert {f.csv for f in terms} == set(ACTIVITY_FACETS)
    for field in terms:
        assert field.csv == field.api
        assert field.vocabulary is ACTIVITY_FACETS[field.csv]  # type: ignore[index]
        assert field.column is None  # stored as ActivityTerm rows
    for field in FIELDS:
        assert (field.vocabulary is not None) == (field.kind in (TERMS, activity_fields.CHOICE))


def test_the_import_format_reads_its_activity_names_from_the_registry() -> None:
    aliases = {info.alias for info in ActivityRecord.model_fields.values()}
    for field in CSV_FIELDS:
        assert field.record_key in aliases, field.attr
        assert seed.ACTIVITY_COLUMNS[field.csv] == field.record_key  # type: ignore[index]
    assert seed.CSV_COLUMNS[-len(CSV_FIELDS) :] == [f.csv for f in CSV_FIELDS]
    assert {f.csv for f in CSV_FIELDS if f.required} <= set(seed.REQUIRED_COLUMNS)
    assert seed.ACTIVITY_COLUMNS["activiteit_sleutel"] == "sleutel"


def test_the_api_document_lists_the_registry_fields_in_api_order() -> None:
    schema = openapi.schemas()["Activiteit"]
    names = [f.api for f in api_fields()]
    assert list(schema["properties"])[: len(names)] == names
    assert list(schema["properties"])[len(names) :] == [
        "laatst_gecontroleerd",
        "verouderd",
        "afstand_km",
        "_links",
    ]
    assert schema["required"] == [*(f.api for f in api_fields() if f.api_required), "_links"]
    assert schema["properties"]["min_leeftijd"] == {
        "anyOf": [{"type": "integer"}, {"type": "null"}]
    }
    assert schema["properties"]["soorten"]["items"]["enum"][0] == "groen"


def test_the_api_lists_the_facets_together_in_vocabulary_order() -> None:
    names = [f.api for f in api_fields()]
    start = names.index("behoeften")
    assert names[start : start + 4] == list(ACTIVITY_FACETS)
    assert names[:start] == [
        "id",
        "titel",
        "samenvatting",
        "beschrijving",
        "programma",
        "aanbieder",
        "locatie",
    ]


def test_the_audit_trail_takes_the_activity_labels_from_the_registry() -> None:
    for field in FIELDS:
        if field.label:
            assert audit_labels.FIELD_LABELS[field.attr] == field.label
    assert audit_labels.FIELD_LABELS["cost_cents"] == "eigen bijdrage (in centen)"
    assert audit_labels._show("guidance", "intensief") == "begeleider de hele tijd aanwezig"
