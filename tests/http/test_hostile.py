"""No 500 from input, ever: hostile values for every route of the URL map, every way in.

The routes come from ``app.url_map`` (a new route is covered without touching this file), the
parameter names from the search parameters and from every form class, the values from
hypothesis: superscript and Arabic-Indic digits, 400-digit numbers, 2**31, NaN, text in any
script, long strings, deeply nested JSON. Each route is tried with GET/POST/PATCH as it allows,
anonymously, with a bearer token and logged in as each role.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session
from wtforms.fields.core import UnboundField

from activatie import accounts, forms
from activatie.audit import Actor
from activatie.filters import ACTIVITY_PARAMS
from activatie.intake import MATCH_PARAMS
from activatie.models import User
from tests.factories import Factory, login_as
from tests.http.test_access import OBJECT_OF, World, world  # noqa: F401 - the world fixture is reused

#: Examples per route, method and role (HOSTILE_EXAMPLES=50 for a long run).
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))

NASTY = [
    "²",
    "١٢",
    "٣",
    "𝟗",
    "9" * 400,
    "9" * 5000,
    "-1",
    "0",
    "-0",
    "2147483648",
    "99999999999999999999",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "1_0",
    " 7 ",
    "0x10",
    "1,5",
    "1.5",
    "",
    "null",
    "%",
    "%00",
    "\x00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e",
    "🙂",
    "a" * 5000,
    "2026-02-30",
    "31-12-99999",
    "true",
]

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT, st.integers().map(str))


def _form_field_names() -> set[str]:
    names: set[str] = set()
    for value in vars(forms).values():
        if isinstance(value, type) and issubclass(value, forms.FlaskForm):
            names |= {n for n in dir(value) if isinstance(getattr(value, n), UnboundField)}
    return names


PARAM_NAMES = sorted(
    set(ACTIVITY_PARAMS)
    | set(MATCH_PARAMS)
    | _form_field_names()
    | {"van", "tot", "aanbieder", "next", "wijziging", "status", "actief", "stap", "terug"}
)
QUERY_NAMES = sorted(
    set(ACTIVITY_PARAMS) | set(MATCH_PARAMS) | {"van", "tot", "aanbieder", "next", "activiteit"}
)
PARAMS = st.dictionaries(st.sampled_from(PARAM_NAMES), VALUE, max_size=6)

DEEP = "[" * 100_000
JSON_BODY = st.one_of(
    st.sampled_from(
        [
            DEEP,
            "{" * 50_000,
            '{"vrije_plekken": ' + "9" * 400 + "}",
            '{"vrije_plekken": ' + "9" * 5000 + "}",
            '{"vrije_plekken": 1e400}',
            '{"vrije_plekken": -1}',
            '{"vrije_plekken": NaN}',
            '{"status": ["actief"]}',
            "[]",
            "",
            '"' + "a" * 70_000 + '"',
            "{bad json",
        ]
    ),
    st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
        max_leaves=8,
    ).map(json.dumps),
    st.dictionaries(st.sampled_from(["vrije_plekken", "status", "wachtlijst"]), VALUE).map(
        json.dumps
    ),
)

ROLES = ("anoniem", "token", "aanbieder", "consulent", "beheerder")


def _routes(app: Flask) -> list[tuple[object, str]]:
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx_to_hostile_input(
    app: Flask,
    world: World,  # noqa: F811 - the fixture imported above
    session: Session,
    factory: Factory,
    role: str,
) -> None:
    _, secret = accounts.create_api_token(
        session, Actor(None, "test"), world.ids["organisation"], "hostile"
    )
    tried: list[int] = []
    failures: list[str] = []

    def client_for():
        client = app.test_client()
        if role not in ("anoniem", "token"):
            session.expire_all()
            user = session.get(User, world.users[role].id)
            if not user.is_active:  # a hostile post switched it off
                user.is_active = True
                session.commit()
            login_as(client, user)
        return client

    def send(rule, method: str, path: dict, query: dict, form: dict, body: str, if_match) -> int:
        url = rule.rule
        for name, value in path.items():
            for pattern in (f"<{name}>", f"<path:{name}>"):
                url = url.replace(pattern, quote(value, safe=""))
        url += "?" + urlencode(query)
        headers = {}
        if role == "token":
            headers["Authorization"] = f"Bearer {secret}"
        if if_match is not None:
            headers["If-Match"] = if_match.encode("utf-8", "replace").decode("latin-1")
        client = client_for()
        if rule.rule.startswith("/api/") and method != "GET":
            response = client.open(
                url, method=method, data=body, content_type="application/json", headers=headers
            )
        else:
            response = client.open(url, method=method, data=form, headers=headers)
        tried.append(response.status_code)
        if response.status_code >= 500 and response.status_code != 503:
            failures.append(
                f"{method} {url[:150]} form={form!r:.150} body={body[:80]!r} "
                f"-> {response.status_code}"
            )
        return response.status_code

    def probe_route(rule, method: str) -> None:
        kind = OBJECT_OF.get(rule.endpoint)
        real = {arg: str(world.ids[kind]) if kind else "1" for arg in rule.arguments}
        status = send(rule, method, real, {}, {}, "{}", None)
        if status in (302, 303, 401, 403):
            return  # refused before any input is read (test_access checks who may)
        # Every nasty value in every place at once: views collect all errors, so each is read.
        for value in NASTY:
            send(rule, method, dict.fromkeys(rule.arguments, value), {}, {}, "{}", None)
            form = dict.fromkeys(PARAM_NAMES, value)
            # The query in groups short enough for the app's URL limit (a longer URL is a 414).
            size = max(1, 3000 // (len(quote(value)) + 30))
            if len(quote(value)) > 3000:
                size = len(QUERY_NAMES)  # a 414 whatever the grouping: once is enough
            for start in range(0, len(QUERY_NAMES), size):
                query = dict.fromkeys(QUERY_NAMES[start : start + size], value)
                body = DEEP if value == "" else value
                send(rule, method, real, query, form, body, value)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(
            path=st.fixed_dictionaries(
                {arg: st.one_of(st.just(real[arg]), VALUE) for arg in rule.arguments}
            ),
            query=PARAMS,
            form=PARAMS,
            body=JSON_BODY,
            if_match=st.one_of(st.none(), VALUE),
        )
        def probe(path, query, form, body, if_match) -> None:
            send(rule, method, path, query, form, body, if_match)

        probe()

    for rule, method in _routes(app):
        if role != "token" or rule.rule.startswith("/api/"):
            probe_route(rule, method)
    print(f"hostile cases as {role}: {len(tried)}, 5xx: {len(failures)}")
    assert len(tried) >= len(_routes(app))
    assert failures == [], "\n".join(failures[:20])
    assert 503 not in tried, "the database was fine: no 503 expected"


@pytest.mark.parametrize(
    "path",
    [
        "/activiteiten/%C2%B2",
        "/api/v1/activiteiten/%C2%B2",
        "/api/v1/aanbieders/%D9%A3",
        "/aanbieders/" + "9" * 400,
        "/activiteiten/2147483648",
    ],
)
def test_ids_that_are_not_plain_digits_are_a_dutch_404(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "bestaat niet" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "name", "reason"),
    [
        (
            "/api/v1/matches?postcode=8011&leeftijd=" + "9" * 400,
            "leeftijd",
            "De leeftijd is te lang",
        ),
        (
            "/api/v1/matches?postcode=8011&leeftijd=40&limiet=" + "9" * 400,
            "limiet",
            "Het aantal resultaten is te lang",
        ),
        (
            "/api/v1/matches?postcode=8011&leeftijd=40&max_minuten=" + "9" * 400,
            "max_minuten",
            "De reistijd is te lang",
        ),
        (
            "/api/v1/matches?postcode=8011&leeftijd=40&max_afstand_km=1e400",
            "max_afstand_km",
            "De afstand moet een getal zijn.",
        ),
        ("/api/v1/activiteiten?pagina=" + "9" * 400, "pagina", "Het paginanummer is te lang"),
        (
            "/api/v1/activiteiten?leeftijd=%C2%B2",
            "leeftijd",
            "De leeftijd moet een heel getal zijn.",
        ),
        (
            "/api/v1/activiteiten?leeftijd=%D9%A3",
            "leeftijd",
            "De leeftijd moet een heel getal zijn.",
        ),
    ],
)
def test_numbers_out_of_range_are_a_dutch_400(
    client, postcodes, url: str, name: str, reason: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    reasons = {p["name"]: p["reason"] for p in response.get_json()["invalid_params"]}
    assert list(reasons) == [name]
    assert reasons[name].startswith(reason)


def test_the_public_search_page_bounds_numbers_too(client) -> None:
    response = client.get("/activiteiten?leeftijd=" + "9" * 400)
    assert response.status_code == 400
    assert "te lang" in response.get_data(as_text=True)
    wizard = client.post(
        "/wat-past-bij-mij",
        data={"stap": "5", "postcode": "8011", "leeftijd": "40", "max_minuten": "9" * 400},
    )
    assert wizard.status_code == 400
    assert "te lang" in wizard.get_data(as_text=True)


def test_deep_or_large_json_is_refused_before_parsing(
    client, factory: Factory, session: Session
) -> None:
    activity = factory.activity()
    _, secret = accounts.create_api_token(
        session, Actor(None, "test"), activity.organisation_id, "t"
    )
    headers = {"Authorization": f"Bearer {secret}", "If-Match": f'"{activity.version}"'}
    url = f"/api/v1/activiteiten/{activity.id}"
    deepest = client.patch(url, data=DEEP, content_type="application/json", headers=headers)
    assert deepest.status_code == 413 and deepest.mimetype == "application/problem+json"
    deep = client.patch(url, data="[" * 30_000, content_type="application/json", headers=headers)
    assert deep.status_code == 400 and deep.mimetype == "application/problem+json"
    assert "te diep genest" in deep.get_json()["detail"]
    nested = '{"a": ' * 21 + "1" + "}" * 21
    assert (
        client.patch(url, data=nested, content_type="application/json", headers=headers).status_code
        == 400
    )
    strings = '{"status": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'
    ok = client.patch(url, data=strings, content_type="application/json", headers=headers)
    assert ok.status_code == 422, "brackets inside a string are not nesting"
    big = '{"status": "' + "a" * 70_000 + '"}'
    large = client.patch(url, data=big, content_type="application/json", headers=headers)
    assert large.status_code == 413 and large.mimetype == "application/problem+json"
    assert "kB" in large.get_json()["detail"]


def test_a_url_that_is_too_long_gets_a_dutch_414(client) -> None:
    response = client.get("/activiteiten?q=" + "a" * 5000)
    assert response.status_code == 414
    assert "te lang" in response.get_data(as_text=True)


def test_csrf_refusals_are_in_dutch(engine, database_url: str, factory: Factory) -> None:
    from activatie import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    missing = client.post("/inloggen", data={"email": "a@b.nl", "password": "x"})
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert "Het formulier mist een beveiligingscode" in html and "CSRF" not in html
    wrong = client.post("/inloggen", data={"csrf_token": "nep", "email": "a@b.nl"})
    assert wrong.status_code == 400
    page = wrong.get_data(as_text=True)
    # No token in this client's session yet: Flask-WTF says the session token is missing.
    assert "Uw sessie is verlopen of uw browser weigert cookies." in page
    assert "The CSRF" not in page
    app.extensions["activatie.engine"].dispose()


def test_gunicorn_config_limits_request_lines() -> None:
    from pathlib import Path

    config: dict[str, object] = {}
    source = Path(__file__).parents[2] / "gunicorn.conf.py"
    exec(compile(source.read_text(), str(source), "exec"), config)
    assert config["limit_request_line"] == 8190
    assert config["limit_request_fields"] <= 100
    assert config["limit_request_field_size"] <= 8190
    assert str(config["bind"]).startswith("127.0.0.1")
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "gunicorn -c gunicorn.conf.py wsgi:app" in readme
