"""Aanmeldingen through the pages: from the results, the forms, need to know, audit, late answers.

The fixtures and helpers are those of the service tests (``tests/service/test_placements.py``),
imported by name: pytest finds a fixture by the name of the test's argument (hence F401, F811).
"""

# ruff: noqa: F811

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from flask import Flask
from sqlmodel import Session, func, select

from activatie import placements, workflow
from activatie.models import (
    Activity,
    AuditEvent,
    Placement,
    Team,
    UnmetSearch,
    User,
    local_today,
)
from tests.factories import Factory, login_as, redirected_to
from tests.service.test_placements import activity, consultant, fresh, provider, refer, step, team  # noqa: F401


def test_consultant_refers_from_the_match_results(
    app: Flask, factory: Factory, consultant: User, session: Session
) -> None:
    factory.activity(title="Stadsmoestuin", free_places=3, needs=["herstel"])
    client = login_as(app.test_client(), consultant)
    results = client.get(
        "/consulent/matchen",
        query_string={"postcode": "8011", "leeftijd": "35", "behoeften": "herstel"},
    ).get_data(as_text=True)
    assert 'Aanmelden<span class="visually-hidden"> bij Stadsmoestuin' in results
    activity_id = results.split('name="activiteit" value="')[1].split('"')[0]
    form = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "van_match": "1",
            "activiteit": activity_id,
            "pc4": "8011",
            "leeftijdsgroep": "27_44",
            "behoeften": "herstel",
        },
    )
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Aanmelden bij Stadsmoestuin" in html
    assert 'name="pc4" required size="4" type="text" value="8011"' in html
    assert re.search(r'<input checked[^>]*value="27_44"', html)
    assert "Controleer" not in html and 'name="kenmerk"' not in html  # the app makes it
    bad = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "activiteit": activity_id,
            "leeftijdsgroep": "27_44",
            "pc4": "8011",
            "trede_start": "2",
            "notitie": "BSN 111222333",
        },
    )
    assert bad.status_code == 400
    assert "Dit lijkt op een BSN." in bad.get_data(as_text=True)
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    done = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "activiteit": activity_id,
            "kenmerk": "Jan de Vries",  # not a field any more: ignored
            "leeftijdsgroep": "27_44",
            "pc4": "8011",
            "trede_start": "2",
            "behoeften": "herstel",
            "notitie": "Komt graag op dinsdag.",
        },
    )
    placement = session.exec(select(Placement)).one()
    assert workflow.REFERENCE_PATTERN.match(placement.reference)
    assert redirected_to(done) == f"/consulent/aanmeldingen/{placement.id}"
    detail = client.get(done.location).get_data(as_text=True)
    assert f"Het kenmerk is {placement.reference}: neem het over" in detail
    assert f'Kenmerk: <strong class="kenmerk">{placement.reference}</strong>' in detail
    assert "Jan de Vries" not in detail and "Komt graag op dinsdag." in detail
    assert "herstellen in eigen tempo" in detail
    assert "Aanmelding intrekken" in detail


def test_the_placement_form_asks_the_ladder_step_without_a_preset(
    app: Flask, consultant: User, activity: Activity, session: Session
) -> None:
    client = login_as(app.test_client(), consultant)
    blank = client.get(f"/consulent/aanmeldingen/nieuw?activiteit={activity.id}&pc4=8011")
    html = blank.get_data(as_text=True)
    steps = re.findall(r'<input[^>]*name="trede_start"[^>]*>', html)
    assert len(steps) == 7 and not any("checked" in step for step in steps)
    assert 'value="onbekend"' in steps[-1]  # "weet ik niet" is an answer, not a default
    assert "Er staat niets vooraf aangekruist" in html
    data = {"activiteit": str(activity.id), "leeftijdsgroep": "27_44", "pc4": "8011"}
    missing = client.post("/consulent/aanmeldingen/nieuw", data=data)
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert (
        '<p class="error" id="trede_start-error">Kies de trede waar de inwoner nu staat, of '
        "'weet ik niet'.</p>" in unescape(html)
    )
    assert html.count("<title>Fout: ") == 1
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    done = client.post("/consulent/aanmeldingen/nieuw", data={**data, "trede_start": "4"})
    placement = session.exec(select(Placement)).one()
    assert redirected_to(done) == f"/consulent/aanmeldingen/{placement.id}"
    assert placement.ladder_start == 4


def test_weet_ik_niet_is_an_answer_for_the_ladder_step_and_stores_no_step(
    app: Flask, consultant: User, activity: Activity, session: Session
) -> None:
    client = login_as(app.test_client(), consultant)
    data = {"activiteit": str(activity.id), "leeftijdsgroep": "27_44", "pc4": "8011"}
    done = client.post("/consulent/aanmeldingen/nieuw", data={**data, "trede_start": "onbekend"})
    placement = session.exec(select(Placement)).one()
    assert done.location == f"/consulent/aanmeldingen/{placement.id}"
    assert placement.ladder_start is None
    detail = client.get(done.location).get_data(as_text=True)
    assert re.search(r"<dt>Trede bij aanmelding</dt><dd>weet ik niet</dd>", detail)
    # Anything else than a step or "weet ik niet" is refused; nothing is stored.
    for wrong in ("0", "7", "", "onbekend2"):
        response = client.post("/consulent/aanmeldingen/nieuw", data={**data, "trede_start": wrong})
        assert response.status_code == 400
    assert session.exec(select(func.count()).select_from(Placement)).one() == 1


def test_a_note_naming_a_diagnosis_needs_the_consultants_confirmation(
    app: Flask, consultant: User, activity: Activity, session: Session
) -> None:
    client = login_as(app.test_client(), consultant)
    data = {
        "activiteit": str(activity.id),
        "kenmerk": "ZW-2026-002",
        "leeftijdsgroep": "27_44",
        "pc4": "8011",
        "trede_start": "2",
        "notitie": "Heeft een depressie, gebruikt sertraline.",
    }
    asked = client.post("/consulent/aanmeldingen/nieuw", data=data)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 400
    assert "Uw notitie noemt een diagnose of medicijn (depressie, sertraline)" in html
    assert 'name="notitie_bevestigd"' in html
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    for variant in ("Jan de Vries, depressie", "mail jan(at)example.nl"):
        refused = client.post(
            "/consulent/aanmeldingen/nieuw",
            data={**data, "notitie": variant, "notitie_bevestigd": "y"},
        )
        assert refused.status_code == 400  # confirming never lets personal data through
    assert session.exec(select(func.count()).select_from(Placement)).one() == 0
    done = client.post("/consulent/aanmeldingen/nieuw", data={**data, "notitie_bevestigd": "y"})
    assert done.location.startswith("/consulent/aanmeldingen/")
    placement = session.exec(select(Placement)).one()
    assert placement.note == "Heeft een depressie, gebruikt sertraline."


def test_provider_sees_its_own_aanmeldingen_and_takes_the_steps(
    app: Flask, session, consultant, provider, activity, factory
) -> None:
    mine = refer(session, consultant, activity)
    other_activity = factory.activity(title="Elders")
    refer(session, consultant, other_activity)
    client = login_as(app.test_client(), provider)
    listing = client.get("/aanbieder/aanmeldingen").get_data(as_text=True)
    elsewhere = session.exec(select(Placement).where(Placement.id != mine.id)).one()
    assert mine.reference in listing and elsewhere.reference not in listing
    page = client.get(f"/aanbieder/aanmeldingen/{mine.id}").get_data(as_text=True)
    assert "Kennismaking plannen" in page and "Afwijzen" in page
    assert "Aanmelding intrekken" not in page
    response = client.post(
        f"/aanbieder/aanmeldingen/{mine.id}/stap",
        data={
            "naar": "kennismaking",
            "versie": str(mine.version),
            "datum": (local_today() + timedelta(days=8)).isoformat(),
        },
    )
    assert redirected_to(response) == f"/aanbieder/aanmeldingen/{mine.id}"
    assert fresh(session, mine).intro_date == local_today() + timedelta(days=8)
    refused = client.post(
        f"/aanbieder/aanmeldingen/{mine.id}/stap",
        data={
            "naar": "afgerond",
            "versie": str(fresh(session, mine).version),
            "datum": "2026-12-01",
        },
    )
    assert refused.status_code == 409
    assert "kan niet" in refused.get_data(as_text=True)


def test_need_to_know_between_teams_and_providers(
    app: Flask, session, consultant, provider, activity, factory
) -> None:
    placement = refer(session, consultant, activity)
    other_team = Team(name="Wijkteam Noord", pc4_codes="8043")
    session.add(other_team)
    session.commit()
    colleague = factory.user("consulent", team_id=consultant.team_id)
    outsider = factory.user("consulent", team_id=other_team.id)
    stranger = factory.user("aanbieder")
    assert (
        login_as(app.test_client(), colleague)
        .get(f"/consulent/aanmeldingen/{placement.id}")
        .status_code
        == 200
    )
    for user, path in ((outsider, "/consulent"), (stranger, "/aanbieder")):
        client = login_as(app.test_client(), user)
        assert client.get(f"{path}/aanmeldingen/{placement.id}").status_code == 404
        assert "ZW-014" not in client.get(f"{path}/aanmeldingen").get_data(as_text=True)


def test_every_read_of_an_aanmelding_is_audited(app, session, consultant, activity) -> None:
    placement = refer(session, consultant, activity)
    client = login_as(app.test_client(), consultant)
    client.get(f"/consulent/aanmeldingen/{placement.id}")
    client.get(f"/consulent/aanmeldingen/{placement.id}")
    session.expire_all()
    reads = session.exec(
        select(AuditEvent).where(
            AuditEvent.object_type == "placement", AuditEvent.action == "gelezen"
        )
    ).all()
    assert [(r.object_id, r.actor_id) for r in reads] == [(placement.id, consultant.id)] * 2


def test_late_answers_are_highlighted_for_the_consultant(
    app, session, consultant, activity
) -> None:
    placement = refer(session, consultant, activity)
    old = fresh(session, placement)
    old.created_at = old.created_at - timedelta(days=14)
    session.commit()
    html = (
        login_as(app.test_client(), consultant)
        .get("/consulent/aanmeldingen")
        .get_data(as_text=True)
    )
    days = workflow.RESPONSE_WORKING_DAYS  # the one place for the number (5)
    assert f"1 aanmelding wacht al meer dan {days} werkdagen op een antwoord" in html
    assert f"Geen antwoord na {days} werkdagen" in html


def test_a_search_that_found_nothing_is_counted_without_a_person(
    app, factory, consultant, session
) -> None:
    client = login_as(app.test_client(), consultant)
    client.get(
        "/consulent/matchen",
        query_string={"postcode": "8024", "leeftijd": "40", "behoeften": ["herstel", "bewegen"]},
    )
    client.get(
        "/consulent/matchen",
        query_string={"postcode": "8024", "leeftijd": "41", "behoeften": "herstel"},
    )
    session.expire_all()
    rows = {(r.pc4, r.need): r.count for r in session.exec(select(UnmetSearch))}
    assert rows == {("8024", "herstel"): 2, ("8024", "bewegen"): 1}


def test_a_reload_or_back_does_not_count_the_same_unmet_search_again(
    app, consultant, session
) -> None:
    search = {"postcode": "8024", "leeftijd": "40", "behoeften": "herstel"}
    client = login_as(app.test_client(), consultant)
    for _ in range(3):  # the search, a reload, Back to it
        assert client.get("/consulent/matchen", query_string=search).status_code == 200
    other_browser = login_as(app.test_client(), consultant)
    other_browser.get("/consulent/matchen", query_string=search)
    session.expire_all()
    rows = {(r.pc4, r.need): r.count for r in session.exec(select(UnmetSearch))}
    assert rows == {("8024", "herstel"): 2}  # once per browser
    with client.session_transaction() as cookie:  # the cookie does not say what was searched
        assert "8024" not in str(cookie.get("geteld")) and "herstel" not in str(cookie)


def test_the_pages_show_each_message_at_its_form_field(
    app: Flask, session, consultant, provider, activity
) -> None:
    client = login_as(app.test_client(), consultant)
    refused = client.post(
        "/consulent/aanmeldingen/nieuw",
        data={
            "activiteit": str(activity.id),
            "leeftijdsgroep": "27_44",
            "pc4": "8011",
            "trede_start": "2",
            "notitie": "Heeft een depressie.",
        },
    )
    assert refused.status_code == 400
    html = unescape(refused.get_data(as_text=True))
    assert re.search(r'id="notitie_bevestigd-error">Uw notitie noemt een diagnose', html)
    placement = refer(session, consultant, activity)
    placements.move(session, provider, placement, step("kennismaking", placement, on=local_today()))
    placement = fresh(session, placement)
    provider_client = login_as(app.test_client(), provider)
    late = provider_client.post(
        f"/aanbieder/aanmeldingen/{placement.id}/stap",
        data={
            "naar": "gestart",
            "versie": str(placement.version),
            "datum": (local_today() + timedelta(days=3)).isoformat(),
        },
    )
    assert late.status_code == 400
    page = unescape(late.get_data(as_text=True))
    start_block = page[page.index('for="datum-gestart"') :]
    error = '<p class="error" id="datum-gestart-error">Kies vandaag of een dag in het verleden.</p>'
    assert start_block.index(error) < start_block.index('id="datum-gestart"')
    assert 'aria-describedby="datum-gestart-error"' in start_block
    assert '<a href="#datum-gestart">' in page  # the error summary links to the field shown
    assert fresh(session, placement).status == "kennismaking"
