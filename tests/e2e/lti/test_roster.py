"""Names and Role Provisioning: rosters read, member counts kept, headcounts derived."""

from __future__ import annotations

from sqlalchemy import inspect, select

from lti_tool import run_pending_work
from lti_tool.models import Membership, RosterMember
from lti_tool.roster import headcount_for_org, sync_platform
from tests.e2e.lti.platform import INSTRUCTOR, LEARNER

ACTIVE = "Active"


def _member(user_id, roles=(LEARNER,), status=ACTIVE, **extra):
    return {
        "user_id": user_id,
        "roles": list(roles),
        "status": status,
        "name": f"Person {user_id}",
        "email": f"p{user_id}@example.org",
        **extra,
    }


ROSTER = [
    _member("2", roles=(INSTRUCTOR,)),
    _member("3"),
    _member("4"),
    _member("5"),
    _member("9", status="Inactive"),
]


def test_teacher_launch_reads_the_roster_after_the_response(tool, registered, app, db_session):
    """NRPS 2.0: all pages (Link rel="next") with the contextmembership.readonly scope."""
    tool.platform.state.members = list(ROSTER)
    tool.launch(tool.platform.claims(sub="2", roles=[INSTRUCTOR]))
    tool.share_keys()
    run_pending_work(app)
    db_session.expire_all()
    membership = db_session.scalar(select(Membership))
    assert (membership.member_count, membership.learner_count) == (4, 3)
    assert membership.synced_at is not None
    assert membership.sync_requested_at is None
    pages = [r for r in tool.platform.state.requests if "memberships" in r]
    assert len(pages) == 3, "five members, two per page"
    assert headcount_for_org(db_session, registered.org_pk) == 4


def test_learner_launch_makes_the_context_known_without_reading_it(tool, registered, db_session):
    tool.launch()
    membership = db_session.scalar(select(Membership))
    assert membership.sync_requested_at is None
    assert membership.member_count is None


def test_headcount_counts_people_once_across_contexts(tool, registered, db_session):
    tool.launch(tool.platform.claims(context_id="2"))
    tool.launch(tool.platform.claims(context_id="7"))
    tool.share_keys()
    assert headcount_for_org(db_session, registered.org_pk) is None, "no roster read yet"
    tool.platform.state.members = list(ROSTER)
    results = sync_platform(db_session, registered, True, context_id="2")
    assert [r.members for r in results] == [4]
    tool.platform.state.members = [_member("3"), _member("6")]
    sync_platform(db_session, registered, True, context_id="7")
    assert headcount_for_org(db_session, registered.org_pk) == 5
    counts = {m.context_id: m.member_count for m in db_session.scalars(select(Membership))}
    assert counts == {"2": 4, "7": 2}


def test_a_resync_replaces_the_roster(tool, registered, db_session):
    tool.launch()
    tool.share_keys()
    tool.platform.state.members = list(ROSTER)
    sync_platform(db_session, registered, True)
    tool.platform.state.members = [_member("3")]
    sync_platform(db_session, registered, True)
    assert headcount_for_org(db_session, registered.org_pk) == 1


def test_roster_keeps_no_names_or_e_mail_addresses(tool, registered, db_session):
    tool.launch()
    tool.share_keys()
    tool.platform.state.members = list(ROSTER)
    sync_platform(db_session, registered, True)
    assert set(inspect(RosterMember).columns.keys()) == {"pk", "membership_pk", "user_id"}
    assert "Person" not in str([m.user_id for m in db_session.scalars(select(RosterMember))])


def test_failed_roster_read_is_recorded_and_keeps_the_old_counts(tool, registered, db_session):
    from tests.e2e.lti.conftest import errors

    tool.launch()
    tool.share_keys()
    tool.platform.state.members = list(ROSTER)
    sync_platform(db_session, registered, True)
    tool.platform.state.nrps_status = 500
    [result] = sync_platform(db_session, registered, True)
    assert result.error is not None
    membership = db_session.scalar(select(Membership))
    assert membership.member_count == 4
    assert membership.last_error
    assert errors(db_session)[-1].stage == "roster"


def test_headcount_of_an_organisation_without_lti_is_none(db_session, org):
    assert headcount_for_org(db_session, org.pk) is None
