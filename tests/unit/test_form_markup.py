"""Form fields are written in one place: templates/_forms.html (label, hint, error, aria).

A field written by hand in a page template missed the hint or the error link before; the
browser (axe) and HTML tests only see the states they visit, so this checks the sources.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "templates" / "_forms.html"
#: Markup only the form macros write.
FIELD_MARKUP = re.compile(
    r'<label\b|<select\b|<textarea\b|class="field\b|type="(?:checkbox|radio|text|date|search)"'
)
FORM_MACROS = ("checkbox_group", "text_field", "radio_group", "error_summary", "slot_grid")


def test_only_the_form_macros_write_form_fields() -> None:
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        if path == FORMS:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in FIELD_MARKUP.finditer(text)]
        for line in text.splitlines():
            if '"_macros.html" import' in line:
                assert not any(name in line for name in FORM_MACROS), path
    assert found == []
    assert len(FIELD_MARKUP.findall(FORMS.read_text(encoding="utf-8"))) >= 8
