"""Leren van Resultaat: the gemeente's figures as tables, charts and CSV files (beheerder only).

Every page works on the whole protected report (``reports.report``), also a single CSV file: the
"<5"/"x" suppression is decided over all tables at once, so a figure is hidden the same way
everywhere and one file cannot be combined with another to undo it.

CSV files are for Dutch Excel: UTF-8 with a byte-order mark, ``;`` between fields, decimal
commas, and the same texts as on the page ("<5", "x", "–"). A cell that starts with ``=``, ``+``,
``-`` or ``@`` gets a leading ``'`` so a spreadsheet never runs it as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from markupsafe import Markup

from .. import charts, reports
from ..auth import roles_required
from ..db import get_session
from ..dutch import nl_date, nl_short_month
from ..models import LOCAL_TIMEZONE, UserRole, local_today, utcnow
from ..retention import JOB_NAME

bp = Blueprint("monitoring", __name__, url_prefix="/beheer/resultaten")

#: Table slug → (column charted, chart title); a second chart of a table is in EXTRA_CHARTS.
CHARTS = {
    "wijken": ("aanmeldingen", "Aanmeldingen per wijk"),
    "aanbieders": ("aanmeldingen", "Aanmeldingen per aanbieder"),
    "soorten": ("aanmeldingen", "Aanmeldingen per soort activiteit"),
    "behoeften": ("aanmeldingen", "Aanmeldingen per behoefte"),
    "uitkomsten": ("aantal", "Uitkomsten van afgeronde en gestopte aanmeldingen"),
    "zoekvragen": ("totaal", "Zoekvragen zonder aanbod per behoefte"),
    "doelen": ("aanmeldingen", "Aanmeldingen per begrotingsdoel"),
}
#: The monthly series drawn as lines in one chart (one scale: all are numbers of people).
TREND_LINES = ("aanmeldingen", "gestart", "afgerond", "gestopt", "inloop_nieuw")
TREND_TITLE = "Per maand, de laatste 24 maanden"
#: A percentage has a scale of its own, so it gets a chart of its own.
EXTRA_CHARTS = {
    "trend": (
        "bezet_via_activatie",
        "Via Activatie bezet aan het eind van de maand, in % van de plekken nu",
    ),
}

#: A daily job that has not run for this long deserves a warning on the page.
JOB_LATE_AFTER = timedelta(hours=36)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@bp.before_request
@roles_required(UserRole.ADMIN)
def _only_admins() -> None:
    """Every page here is for the gemeente's beheerders only."""


def _report() -> tuple[reports.Report, dict[str, str]]:
    period, errors = reports.parse_period(request.args.get("periode"), local_today())
    if "van" in request.args or "tot" in request.args:
        # Free dates would let two reports differ by one day (security.md, point 19).
        errors = {"periode": reports.PERIOD_PROBLEM + " Eigen datums kunnen niet."}
    report = reports.report(get_session(), period, utcnow(), current_app.config["STALE_AFTER_DAYS"])
    return report, errors


@bp.get("/")
def overview() -> tuple[str, int]:
    report, errors = _report()
    run = reports.last_job_run(get_session(), JOB_NAME)
    return render_template(
        "monitoring/overview.html",
        report=report,
        charts=_charts(report),
        errors=errors,
        period_choices=reports.period_choices(local_today()),
        run=run,
        run_at=run.ran_at.astimezone(LOCAL_TIMEZONE) if run else None,
        run_late=run is None or utcnow() - run.ran_at > JOB_LATE_AFTER,
        retention_months=current_app.config["RETENTION_MONTHS"],
        period_args={"periode": report.period.key},
    ), (400 if errors else 200)


def _charts(report: reports.Report) -> dict[str, list[tuple[str, Markup]]]:
    period = f"van {nl_date(report.period.start)} tot en met {nl_date(report.period.end)}"
    found: dict[str, list[tuple[str, Markup]]] = {}
    charted = [(slug, spec, f"grafiek-{slug}") for slug, spec in CHARTS.items()]
    charted += [(slug, spec, f"grafiek-{slug}-2") for slug, spec in EXTRA_CHARTS.items()]
    for slug, (column, title), chart_id in charted:
        table = report.tables[slug]
        index = table.column(column)
        rows = table.rows
        if slug == "zoekvragen" and table.total is not None:
            # One bar per need: the totals row, turned on its side.
            rows = tuple(
                reports.Row(c.label, (table.total.cells[i],))
                for i, c in enumerate(table.columns[1:-1])
            )
            index = 0
        elif slug == "aanbieders":
            rows = tuple(r for r in rows if r.cells[index].text != "0")
        bars = [charts.Bar(r.label, r.cells[index].value, r.cells[index].text) for r in rows]
        svg = charts.bar_chart(chart_id, title, bars, f"Staafdiagram, {period}.")
        # charts.py escapes every text it writes; the title is also the visible caption.
        found.setdefault(slug, []).append((title, Markup(svg)))
    if "trend" in report.tables:
        found.setdefault("trend", []).insert(0, (TREND_TITLE, Markup(_trend_lines(report))))
    return found


def _trend_lines(report: reports.Report) -> str:
    table = report.tables["trend"]
    rows = list(reversed(table.rows))  # the table is newest first; a chart runs left to right
    series = []
    for key in TREND_LINES:
        index = table.column(key)
        label = next(c.label for c in table.columns if c.key == key)
        cells = [row.cells[index] for row in rows]
        series.append(charts.Series(label, [c.value for c in cells], [c.text for c in cells]))
    # Each row of the trend table carries its month (reports._trend_table): the axis says it short.
    labels = [nl_short_month(row.month) if row.month else row.label for row in rows]
    return charts.line_chart(
        "grafiek-trend-lijnen",
        TREND_TITLE,
        labels,
        series,
        "Lijndiagram per maand. Een verborgen getal (<5 of x) is een onderbreking in de lijn.",
    )


def export(table: str) -> Response:
    report, errors = _report()
    if errors:
        abort(400, description=" ".join(errors.values()))
    data = report.tables.get(table)
    if data is None:
        abort(404)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark: Excel then reads UTF-8
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_safe(c.export_label) for c in data.header])
    for row in (*data.rows, *((data.total,) if data.total else ())):
        writer.writerow([_safe(text) for text in data.export_row(row)])
    filename = f"resultaten-{table}-{report.period.slug()}.csv"
    return Response(
        buffer.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


for _slug in reports.TABLES:
    bp.add_url_rule(f"/{_slug}.csv", "csv", export, defaults={"table": _slug}, methods=["GET"])
