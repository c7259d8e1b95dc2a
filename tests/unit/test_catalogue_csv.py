"""The catalogue as CSV, the pure part: cells a spreadsheet would run as a formula come back as typed."""

from __future__ import annotations

from activatie import catalogue_csv, seed


def test_neutralised_cells_are_restored_on_import() -> None:
    assert catalogue_csv.neutralise("=1+1") == "'=1+1"
    assert catalogue_csv.neutralise("gewoon") == "gewoon"
    header = ";".join(seed.CSV_COLUMNS)
    row = dict.fromkeys(seed.CSV_COLUMNS, "") | {
        "aanbieder_sleutel": "a",
        "aanbieder_naam": "'@Aanbieder",
        "aanbieder_soort": "welzijn",
        "locatie_sleutel": "l",
        "locatie_naam": "L",
        "locatie_straat": "Straat",
        "locatie_postcode": "8011",
        "activiteit_sleutel": "x",
        "titel": "'=Titel",
        "soorten": "groen",
        "behoeften": "herstel",
        "begeleiding": "licht",
        "capaciteit": "1",
        "vrije_plekken": "0",
        "aanmelden": "vrij_inlopen",
    }
    parsed = seed.parse_catalogue_csv(header + "\n" + ";".join(row[c] for c in seed.CSV_COLUMNS))
    org = parsed.organisations[0]
    assert org.name == "@Aanbieder" and org.activities[0].title == "=Titel"
