"""The URL helpers of the templates give what url_for gives, with fewer url_for calls."""

from __future__ import annotations

from flask import Flask, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activatie import templating


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(1, 10**12))
def test_activity_url_is_url_for_of_the_activity(app: Flask, activity_id: int) -> None:
    with app.test_request_context("/", base_url="https://activatie.example"):
        assert templating.activity_url(activity_id) == url_for(
            "public.activity", raw_id=activity_id
        )
        # The mark the prefix is found with is an id like any other.
        assert templating.activity_url(templating._ID_MARK).endswith(f"/{templating._ID_MARK}")


def test_activity_url_under_an_application_root(app: Flask) -> None:
    with app.test_request_context("/", base_url="https://activatie.example/sah/"):
        assert (
            templating.activity_url(7)
            == "/sah/activiteiten/7"
            == url_for("public.activity", raw_id=7)
        )


def test_url_once_builds_each_url_once_per_request(app: Flask) -> None:
    calls: list[str] = []
    real = templating.url_for

    def counting(endpoint: str, **values: object) -> str:
        calls.append(endpoint)
        return real(endpoint, **values)

    templating.url_for = counting  # type: ignore[assignment]
    try:
        with app.test_request_context("/"):
            sprite = [templating.url_once("static", filename="img/soorten.svg") for _ in range(5)]
            assert sprite == [url_for("static", filename="img/soorten.svg")] * 5
            assert "?v=" in sprite[0]  # the versioned URL, as url_for gives it
            assert templating.url_once("public.home") == url_for("public.home")
            assert calls == ["static", "public.home"]
        with app.test_request_context("/"):
            templating.url_once("public.home")
            assert calls == ["static", "public.home", "public.home"]  # a new request builds anew
    finally:
        templating.url_for = real  # type: ignore[assignment]
