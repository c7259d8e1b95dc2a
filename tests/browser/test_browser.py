"""Browser tests: Debian's Chromium (Playwright) against a live server of the test app.

* The resident's journey with the keyboard only at 320 px: home, search, results, activity page.
* The consultant from login (password and code) to a sent aanmelding.
* A provider changing free places; a beheerder opening the monitoring page.
* Every page type of every role: 0 axe-core violations (WCAG 2.1 A and AA) and no sideways
  scrolling at 320 px; the monitoring page also fits at 1280 px.

The browser is never downloaded: Playwright drives ``/usr/bin/chromium`` (``ACTIVATIE_CHROMIUM``
to point elsewhere). Without it these tests skip, and the summary says so in capitals
(``tests/conftest.py``); ``make test`` installs it when it can; ``ACTIVATIE_REQUIRE_BROWSER=1``
turns the skip into a failure.

Selectors use roles, ids and URLs rather than wording, so the copy can change. Set
``ACTIVATIE_SCREENSHOTS=/some/dir`` to keep a full-page screenshot of every page visited.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import Engine
from sqlmodel import Session
from werkzeug.serving import make_server

from activatie import create_app
from activatie.models import Activity, Placement
from tests import example_site
from tests.conftest import TEST_CONFIG, empty_tables
from tests.factories import PASSWORD, Factory, totp_code

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("ACTIVATIE_CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 320, "height": 720}
DESKTOP = {"width": 1280, "height": 900}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = os.environ.get("ACTIVATIE_SCREENSHOTS")


@dataclass
class Live:
    url: str
    site: example_site.Site
    engine: Engine
    journey_consultant: Any
    unenrolled: Any
    problems: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright: launch Debian's Chromium, never a downloaded one."""
    return {"executable_path": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu"]}


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Any:
    if not CHROMIUM.exists():
        reason = (
            f"CHROMIUM MISSING at {CHROMIUM}: the browser tests did NOT run "
            "(apt-get install chromium, or set ACTIVATIE_CHROMIUM)"
        )
        if os.environ.get("ACTIVATIE_REQUIRE_BROWSER"):  # CI: a missing browser is a failure
            pytest.fail(reason)
        pytest.skip(reason)
    return request.getfixturevalue("browser")


@pytest.fixture(scope="module")
def live(engine: Engine, database_url: str) -> Iterator[Live]:
    """The test app with the example site, served by werkzeug in a thread (CSRF on)."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    with Session(engine, expire_on_commit=False) as session:
        site = example_site.build(session)
        journey = Factory(session).user("consulent", team_id=site.team_id)
        unenrolled = Factory(session).user("consulent", team_id=site.team_id, totp_secret=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{server.server_port}", site, engine, journey, unenrolled)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["activatie.engine"].dispose()
        empty_tables(engine)


# --- helpers ---------------------------------------------------------------------------------


def new_page(chromium: Any, live: Live, viewport: dict[str, int] = PHONE) -> Any:
    context = chromium.new_context(viewport=viewport, base_url=live.url, locale="nl-NL")
    # Generous: a busy CI machine can take seconds for a login's password hash or the report.
    context.set_default_timeout(30_000)
    context.set_default_navigation_timeout(30_000)
    page = context.new_page()
    page.on("pageerror", lambda error: live.problems.append(f"script error: {error}"))
    return page


def page_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def axe_violations(page: Any) -> list[str]:
    """Run axe-core (shipped by axe-playwright-python) in the page; one line per violation."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results.response["violations"]
    ]


def check(page: Any, name: str, *, width: int = 320) -> list[str]:
    """Return what is wrong with the page shown now: sideways scrolling and axe violations."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
    problems = [f"{name}: axe {line}" for line in axe_violations(page)]
    scroll = page_width(page)
    if scroll > width:
        problems.append(f"{name}: {scroll} px wide at {width} px (scrolls sideways)")
    return problems


def focus_is_visible(page: Any) -> bool:
    """The focused element has an outline or a focus ring (box-shadow) drawn."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || s.boxShadow !== 'none'; }"""
    )


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert focus_is_visible(page), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"{limit} presses of Tab did not reach {selector}")


def post_form(page: Any, path: str, data: dict[str, str | list[str]]) -> None:
    """Send ``data`` to ``path`` as a form from the page at ``path`` (with its CSRF token)."""
    page.goto(path)
    with page.expect_navigation():
        page.evaluate(
            """([action, data]) => {
            const form = document.createElement('form');
            form.method = 'post'; form.action = action;
            const token = document.querySelector('input[name=csrf_token]');
            const add = (name, value) => { const input = document.createElement('input');
              input.type = 'hidden'; input.name = name; input.value = value; form.append(input); };
            if (token) add('csrf_token', token.value);
            for (const [name, value] of Object.entries(data))
              for (const one of [].concat(value)) add(name, one);
            document.body.append(form); setTimeout(() => form.submit(), 0); }""",
            [path, data],
        )
    page.wait_for_load_state()


def assert_on_screen(page: Any, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]
    # -1: a jump to an anchor may leave the target a fraction of a pixel above the top.
    assert box is not None and -1 <= box["y"] < height, f"{selector} is not on screen: {box}"


def log_in(page: Any, user: Any, *, code: bool, problems: list[str] | None = None) -> None:
    """Log in through the forms: e-mail and password, then the code from the app."""
    page.goto("/inloggen")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    if code:
        page.wait_for_url(re.compile(r"/inloggen/code"))
        if problems is not None:
            problems += check(page, "inloggen-code")
        for _ in range(2):
            page.locator("#code").fill(totp_code())
            page.locator("#code").press("Enter")
            try:
                page.wait_for_url(lambda url: "/inloggen/code" not in url, timeout=10_000)
                break
            except PlaywrightTimeout:  # refused: still (or again) on the code page
                pass
            # This user already logged in with this 30-second code (an earlier test): a code is
            # used once (replay protection), so wait for the next one.
            time.sleep(30.5 - time.time() % 30)
    page.wait_for_url(lambda url: "/inloggen" not in url)


# --- journeys --------------------------------------------------------------------------------


def test_resident_finds_an_activity_with_the_keyboard_only_at_320_px(
    chromium: Any, live: Live
) -> None:
    page = new_page(chromium, live)
    page.goto("/")
    problems = check(page, "home")
    tab_to(page, "input#postcode")
    page.keyboard.type("8011")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activiteiten\?.*postcode=8011.*#resultaten$"))
    page.wait_for_load_state()
    problems += check(page, "lijst-postcode")
    # The search lands on the results: the results heading is on screen without scrolling.
    assert_on_screen(page, "#resultaten h2")
    # The next Tab goes into the results; the first link there opens an activity.
    tab_to(page, "#resultaten a[href^='/activiteiten/']", limit=40)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activiteiten/\d+$"))
    assert page.get_by_role("heading", level=1).count() == 1
    problems += check(page, "activiteit")
    assert problems == [] and live.problems == []


def test_consultant_logs_in_with_a_code_and_sends_an_aanmelding(chromium: Any, live: Live) -> None:
    page = new_page(chromium, live)
    problems: list[str] = []
    log_in(page, live.journey_consultant, code=True, problems=problems)
    page.goto("/consulent/matchen")
    problems += check(page, "matchen")
    page.locator("#postcode").fill("8011")
    page.locator("#leeftijd").fill("40")
    page.locator("#postcode").press("Enter")
    # The search is a GET that lands on the results, on screen without scrolling.
    page.wait_for_url(re.compile(r"/consulent/matchen\?.*postcode=8011.*#resultaten$"))
    page.wait_for_load_state()
    results_url = page.url
    assert_on_screen(page, "#resultaten")
    problems += check(page, "matchen-resultaten")
    sign_up = page.locator("form[action$='/consulent/aanmeldingen/nieuw'] button[type=submit]")
    count = sign_up.count()
    assert count >= 1
    # Back from the aanmelding form, and its own way back, both show the same results again.
    sign_up.first.click()
    page.wait_for_url(re.compile(r"/consulent/aanmeldingen/nieuw"))
    page.go_back()
    page.wait_for_url(results_url)
    assert sign_up.count() == count
    sign_up.first.click()
    page.wait_for_url(re.compile(r"/consulent/aanmeldingen/nieuw"))
    page.locator("a[href^='/consulent/matchen?']").first.click()
    page.wait_for_url(re.compile(r"/consulent/matchen\?postcode=8011&leeftijd=40.*#resultaten$"))
    assert sign_up.count() == count
    assert_on_screen(page, "#resultaten")
    sign_up.first.click()
    page.wait_for_url(re.compile(r"/consulent/aanmeldingen/nieuw"))
    problems += check(page, "aanmelden")
    page.locator("#trede_start input[value='3']").check()
    page.locator("form[action$='/consulent/aanmeldingen/nieuw'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/consulent/aanmeldingen/\d+$"))
    problems += check(page, "aanmelding-verstuurd")
    placement_id = int(page.url.rsplit("/", 1)[1])
    with Session(live.engine) as session:
        placement = session.get(Placement, placement_id)
        assert placement is not None
        assert (placement.consultant_id, placement.pc4, placement.ladder_start) == (
            live.journey_consultant.id,
            "8011",
            3,
        )
    assert placement.reference and placement.reference in page.content()
    assert problems == [] and live.problems == []


def test_provider_changes_free_places_on_the_dashboard(chromium: Any, live: Live) -> None:
    page = new_page(chromium, live)
    log_in(page, live.site.provider, code=False)
    page.goto("/aanbieder/")
    row = page.locator(f"#activiteit-{live.site.activity_id}")
    before = int(row.locator(".places-count").inner_text())
    change, delta = ("−1", -1) if before > 0 else ("+1", 1)
    row.get_by_role("button", name=re.compile("^" + re.escape(change))).click()
    page.wait_for_url(re.compile(rf"/aanbieder/#activiteit-{live.site.activity_id}$"))
    row = page.locator(f"#activiteit-{live.site.activity_id}")
    assert int(row.locator(".places-count").inner_text()) == before + delta
    with Session(live.engine) as session:
        assert session.get(Activity, live.site.activity_id).free_places == before + delta  # type: ignore[union-attr]
    problems = check(page, "aanbieder-plekken")
    assert problems == [] and live.problems == []


def test_beheerder_opens_the_monitoring_page_and_it_fits_at_1280_and_320_px(
    chromium: Any, live: Live
) -> None:
    page = new_page(chromium, live, DESKTOP)
    log_in(page, live.site.admin, code=True)
    page.goto("/beheer/")
    page.locator("a[href='/beheer/resultaten/']").first.click()
    page.wait_for_url(re.compile(r"/beheer/resultaten/$"))
    assert page.get_by_role("table").count() >= 5
    problems = check(page, "resultaten", width=1280)
    page.set_viewport_size(PHONE)
    problems += check(page, "resultaten")
    assert problems == [] and live.problems == []


# --- every page type -------------------------------------------------------------------------

USERS = {"consulent": "consultant", "aanbieder": "provider", "beheerder": "admin"}


def test_every_page_type_has_no_axe_violations_and_no_sideways_scroll_at_320_px(
    chromium: Any, live: Live
) -> None:
    problems: list[str] = []
    visited = 0
    for role, pages in example_site.page_types(live.site).items():
        page = new_page(chromium, live)
        if role in USERS:
            log_in(page, getattr(live.site, USERS[role]), code=role != "aanbieder")
        for name, path in pages:
            response = page.goto(path)
            assert response is not None, (name, path)
            assert response.status == example_site.status_of(name), (name, path)
            problems += check(page, name)
            visited += 1
        for name, who, path, data in example_site.form_states(live.site):
            if who == role:
                post_form(page, path, data)
                problems += check(page, name)
                visited += 1
        page.context.close()
    # A consultant without a second factor is asked to set one up (a QR code as inline SVG).
    page = new_page(chromium, live)
    page.goto("/inloggen")
    page.locator("#email").fill(live.unenrolled.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(re.compile(r"/tweestaps/instellen"))
    problems += check(page, "tweestaps-instellen")
    page.context.close()
    assert visited >= 50
    assert problems == [], "\n".join(problems)
    assert live.problems == []
