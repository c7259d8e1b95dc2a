"""The named reads of the signed-in pages: admin_queries, provider_queries, placement_queries.

The pages themselves are tested in test_admin, test_provider and test_placements; these pin
what each read returns (rows, order, what is left out), so a page can trust its name.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from activatie import admin_queries, placement_queries, placements, provider_queries, queries
from activatie.models import (
    Activity,
    ApiToken,
    Organisation,
    Placement,
    PlacementEvent,
    Signpost,
    Team,
    User,
    utcnow,
)
from tests.factories import Factory


def _team(session: Session, name: str) -> Team:
    team = Team(name=name)
    session.add(team)
    session.commit()
    return team


def test_by_id_returns_the_row_or_none(session: Session, factory: Factory) -> None:
    organisation = factory.organisation(name="De Kern")
    assert queries.by_id(session, Organisation, organisation.id) is organisation
    assert queries.by_id(session, Organisation, organisation.id + 1000) is None


# --- admin_queries ---------------------------------------------------------------------------


def test_dashboard_counts_what_waits_and_what_is_stale(session: Session, factory: Factory) -> None:
    factory.organisation(is_approved=False)
    factory.activity(is_approved=False)  # waits
    factory.activity(is_approved=False, status="beeindigd")  # ended: does not wait
    factory.activity(confirmed_days_ago=100)  # stale, not yet hidden
    factory.activity(confirmed_days_ago=400)  # stale and hidden
    factory.activity(confirmed_days_ago=400, status="beeindigd")  # ended: not counted
    factory.user("beheerder")
    factory.user("beheerder", is_active=False)
    _team(session, "Wijkteam Noord")
    counts = admin_queries.dashboard_counts(session, utcnow(), 90, 365)
    assert counts == admin_queries.DashboardCounts(
        accounts=2,
        inactive_accounts=1,
        waiting_organisations=1,
        waiting_activities=1,
        stale=2,
        hidden=1,
        teams=1,
    )


def test_accounts_are_active_first_then_by_name_ignoring_case(
    session: Session, factory: Factory
) -> None:
    team = _team(session, "Wijkteam Zuid")
    factory.user("beheerder", name="bram")
    factory.user("beheerder", name="Anna", is_active=False)
    factory.user("consulent", name="Carla", team_id=team.id)
    factory.user("beheerder", name="Aart")
    rows = admin_queries.accounts(session)
    assert [u.name for u in rows] == ["Aart", "bram", "Carla", "Anna"]
    assert rows[2].team is not None and rows[2].team.name == "Wijkteam Zuid"


def test_email_taken_looks_at_the_stored_address(session: Session, factory: Factory) -> None:
    factory.user("beheerder", email="piet@voorbeeld.nl")
    assert admin_queries.email_taken(session, "piet@voorbeeld.nl")
    assert not admin_queries.email_taken(session, "jan@voorbeeld.nl")


def test_organisations_and_teams_by_name_ignore_case(session: Session, factory: Factory) -> None:
    for name in ("zonnebloem", "Anker", "Meander"):
        factory.organisation(name=name)
        _team(session, f"{name} team")
    assert [o.name for o in admin_queries.organisations_by_name(session)] == [
        "Anker",
        "Meander",
        "zonnebloem",
    ]
    assert [t.name for t in admin_queries.teams_by_name(session)] == [
        "Anker team",
        "Meander team",
        "zonnebloem team",
    ]


def test_consultants_per_team_counts_only_teams_with_accounts(
    session: Session, factory: Factory
) -> None:
    north, south = _team(session, "Noord"), _team(session, "Zuid")
    _team(session, "Leeg")
    for _ in range(2):
        factory.user("consulent", team_id=north.id)
    factory.user("consulent", team_id=south.id)
    factory.user("consulent")  # no team
    assert admin_queries.consultants_per_team(session) == {north.id: 2, south.id: 1}


def test_waiting_lists_are_oldest_first_and_leave_out_the_ended(
    session: Session, factory: Factory
) -> None:
    now = utcnow()
    newer = factory.organisation(name="Nieuw", is_approved=False, created_at=now)
    older = factory.organisation(name="Oud", is_approved=False, created_at=now - timedelta(days=3))
    factory.organisation(name="Goedgekeurd")
    assert admin_queries.waiting_organisations(session) == [older, newer]

    late = factory.activity(title="Later", is_approved=False, created_at=now)
    early = factory.activity(title="Eerder", is_approved=False, created_at=now - timedelta(days=2))
    factory.activity(title="Gestopt", is_approved=False, status="beeindigd")
    factory.activity(title="Al goed")
    rows = admin_queries.waiting_activities(session)
    assert [a.title for a in rows] == ["Eerder", "Later"]
    assert rows[0].location.id == early.location_id and rows[1].id == late.id


def test_stale_activities_are_the_longest_unconfirmed_first(
    session: Session, factory: Factory
) -> None:
    factory.activity(title="Vers", confirmed_days_ago=1)
    factory.activity(title="Oud", confirmed_days_ago=100)
    factory.activity(title="Heel oud", confirmed_days_ago=400)
    factory.activity(title="Gestopt", confirmed_days_ago=400, status="beeindigd")
    rows = admin_queries.stale_activities(session, utcnow(), 90)
    assert [a.title for a in rows] == ["Heel oud", "Oud"]


def test_signpost_reads_find_the_stored_row_by_key(session: Session) -> None:
    row = Signpost(key="schuldhulp", name="Schuldhulp Zwolle", version=3)
    session.add(row)
    session.commit()
    assert admin_queries.signpost_ids(session) == {"schuldhulp": row.id}
    assert admin_queries.signpost_row(session, "schuldhulp") is row
    assert admin_queries.signpost_row(session, "taalhuis") is None
    assert admin_queries.signpost_version(session, "schuldhulp") == 3


def test_audited_object_reads_the_table_of_its_kind(session: Session, factory: Factory) -> None:
    activity = factory.activity()
    assert admin_queries.audited_object(session, "activity", activity.id) is activity
    assert (
        admin_queries.audited_object(session, "organisation", activity.organisation_id)
        is activity.organisation
    )
    assert admin_queries.audited_object(session, "user", activity.id + 1000) is None


# --- provider_queries ------------------------------------------------------------------------


def test_an_object_of_another_organisation_reads_as_none(
    session: Session, factory: Factory
) -> None:
    mine, theirs = factory.activity(), factory.activity()
    own_id = mine.organisation_id
    assert provider_queries.own_activity(session, own_id, mine.id) is mine
    assert provider_queries.own_activity(session, own_id, theirs.id) is None
    assert provider_queries.own_activity(session, own_id, theirs.id + 1000) is None
    assert provider_queries.own_activity(session, None, mine.id) is None
    assert provider_queries.own_location(session, own_id, mine.location_id) is not None
    assert provider_queries.own_location(session, own_id, theirs.location_id) is None
    token = ApiToken(
        organisation_id=theirs.organisation_id, name="k", token_hash="a" * 64, prefix="p"
    )
    session.add(token)
    session.commit()
    assert provider_queries.own_api_token(session, own_id, token.id) is None
    assert provider_queries.own_api_token(session, theirs.organisation_id, token.id) is token


def test_api_tokens_newest_first_and_the_working_ones(session: Session, factory: Factory) -> None:
    organisation, other = factory.organisation(), factory.organisation()
    now = utcnow()
    tokens = {}
    for n, (name, org, revoked) in enumerate(
        [("oud", organisation, None), ("ingetrokken", organisation, now), ("ander", other, None)]
    ):
        tokens[name] = ApiToken(
            organisation_id=org.id,
            name=name,
            token_hash=str(n) * 64,
            prefix=f"p{n}",
            created_at=now - timedelta(days=10 - n),
            revoked_at=revoked,
        )
        session.add(tokens[name])
    session.commit()
    assert [t.name for t in provider_queries.api_tokens(session, organisation.id)] == [
        "ingetrokken",
        "oud",
    ]
    assert [t.name for t in provider_queries.active_api_tokens(session, organisation.id)] == ["oud"]


# --- placement_queries -----------------------------------------------------------------------


def _placement(session: Session, consultant: User, activity: Activity, pc4: str) -> Placement:
    new = placements.NewPlacement(activity.id, "27_44", pc4, frozenset({"dagritme"}), 2)
    return placements.refer(session, consultant, new)


def test_the_placement_pages_read_history_people_and_area(
    session: Session, factory: Factory
) -> None:
    team = _team(session, "Wijkteam Binnenstad")
    consultant = factory.user("consulent", team_id=team.id)
    activity = factory.activity()
    placement = _placement(session, consultant, activity, "8011")
    later = PlacementEvent(
        placement_id=placement.id,
        at=utcnow() + timedelta(minutes=5),
        actor_role="aanbieder",
        from_status="aangemeld",
        to_status="kennismaking",
    )
    session.add(later)
    session.commit()
    events = placement_queries.events(session, placement)
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "aangemeld"),
        ("aangemeld", "kennismaking"),
    ]
    assert placement_queries.consultant(session, placement) is consultant
    assert placement_queries.team(session, placement) is team
    area = placement_queries.home_area(session, placement)
    assert area is not None and area.pc4 == "8011"

    placement.pc4, placement.consultant_id, placement.team_id = "9999", None, None
    assert placement_queries.home_area(session, placement) is None
    assert placement_queries.consultant(session, placement) is None
    assert placement_queries.team(session, placement) is None


def test_visible_placements_are_the_newest_the_user_may_see(
    session: Session, factory: Factory
) -> None:
    consultant, colleague = factory.user("consulent"), factory.user("consulent")
    activity = factory.activity()
    first = _placement(session, consultant, activity, "8011")
    second = _placement(session, consultant, activity, "8012")
    _placement(session, colleague, activity, "8013")  # not his, not his team
    assert placement_queries.visible(session, consultant, 10) == [second, first]
    assert placement_queries.visible(session, consultant, 1) == [second]
    provider = factory.user("aanbieder", organisation_id=activity.organisation_id)
    assert len(placement_queries.visible(session, provider, 10)) == 3
