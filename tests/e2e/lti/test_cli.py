"""`lernspur platforms …`, `lernspur keys rotate`, `lernspur lti …` on a database of their own."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from click.testing import CliRunner

from lrs import migrate
from lrs.cli import main
from tests.e2e.lti.platform import SimulatedPlatform


@pytest.fixture
def cli(tmp_path, monkeypatch, simulated_platform: SimulatedPlatform):
    simulated_platform.reset()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("LERNSPUR_DATABASE_URL", url)
    monkeypatch.setenv("LERNSPUR_SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("LERNSPUR_BASE_URL", "https://lernspur.example.org")
    monkeypatch.setenv("LERNSPUR_ALLOW_PRIVATE_URLS", "1")
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> Any:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result

    run("orgs", "create", "stadt-a", "--name", "Stadt A")
    return run


def _add(cli, platform: SimulatedPlatform, deployment: str = "1", **extra: str) -> Any:
    args = {
        "--org": "stadt-a",
        "--issuer": platform.issuer,
        "--client-id": platform.state.client_id,
        "--deployment-id": deployment,
        "--auth-login-url": platform.auth_url,
        "--auth-token-url": platform.token_url,
        "--key-set-url": platform.jwks_url,
        **extra,
    }
    return cli("platforms", "add", *[x for pair in args.items() for x in pair], "--json")


def test_register_url_prints_a_one_time_url_as_json(cli):
    """DESIGN: `lernspur platforms register-url --org ID --json` prints `{"url": ...}`."""
    data = json.loads(cli("platforms", "register-url", "--org", "stadt-a", "--json").output)
    assert list(data) == ["url"]
    assert data["url"].startswith("https://lernspur.example.org/lti/register?t=")


def test_register_url_needs_the_public_base_url(cli, monkeypatch):
    monkeypatch.delenv("LERNSPUR_BASE_URL")
    result = cli("platforms", "register-url", "--org", "stadt-a", ok=False)
    assert result.exit_code != 0
    assert "LERNSPUR_BASE_URL" in result.output


def test_add_and_list_platforms(cli, simulated_platform):
    added = json.loads(_add(cli, simulated_platform).output)
    assert added["deployment_ids"] == ["1"]
    again = json.loads(_add(cli, simulated_platform, deployment="2").output)
    assert again["id"] == added["id"]
    [listed] = json.loads(cli("platforms", "list", "--json").output)
    assert listed["issuer"] == simulated_platform.issuer
    assert listed["deployment_ids"] == ["1", "2"]
    assert listed["registered_via"] == "manual"
    assert simulated_platform.issuer in cli("platforms", "list").output


def test_add_refuses_private_urls_unless_allowed(cli, simulated_platform, monkeypatch):
    monkeypatch.setenv("LERNSPUR_ALLOW_PRIVATE_URLS", "0")
    result = cli(
        "platforms",
        "add",
        "--org",
        "stadt-a",
        "--issuer",
        simulated_platform.issuer,
        "--client-id",
        "x",
        "--deployment-id",
        "1",
        "--auth-login-url",
        simulated_platform.auth_url,
        "--auth-token-url",
        simulated_platform.token_url,
        "--key-set-url",
        simulated_platform.jwks_url,
        ok=False,
    )
    assert result.exit_code != 0
    assert "auth-login-url" in result.output


def test_keys_rotate_keeps_the_previous_key_published(cli):
    first = json.loads(cli("keys", "rotate", "--json").output)
    second = json.loads(cli("keys", "rotate", "--json").output)
    assert second["published"] == [second["current"], first["current"]]


def test_send_scores_and_sync_roster(cli, simulated_platform):
    from datetime import UTC, datetime

    from lrs.app import create_app
    from lrs.db import session_scope
    from lti_tool.keys import jwks
    from lti_tool.models import Launch, Membership, ScoreJob

    platform_id = json.loads(_add(cli, simulated_platform).output)["id"]
    app = create_app()
    now = datetime.now(UTC)
    with session_scope(app) as session:
        simulated_platform.state.tool_jwks = jwks(session)
        launch = Launch(
            launch_id="l1",
            org_pk=1,
            platform_pk=platform_id,
            deployment_id="1",
            message_type="LtiResourceLinkRequest",
            sub="3",
            roles=[],
            ags_scopes=[],
            created_at=now,
            expires_at=now,
        )
        session.add(launch)
        session.flush()
        session.add(
            ScoreJob(
                org_pk=1,
                platform_pk=platform_id,
                launch_pk=launch.pk,
                statement_id=uuid.uuid4(),
                target="t",
                lineitem_url=simulated_platform.lineitem_url(),
                scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                user_id="3",
                score_given=1.0,
                score_maximum=1.0,
                activity_progress="Completed",
                grading_progress="FullyGraded",
                timestamp="2026-11-23T10:00:00.000Z",
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        session.add(
            Membership(
                org_pk=1,
                platform_pk=platform_id,
                context_id="2",
                memberships_url=simulated_platform.memberships_url(),
                scopes=[],
            )
        )
    report = json.loads(cli("lti", "send-scores", "--json").output)
    assert report == {"sent": 1, "superseded": 0, "retrying": 0, "failed": 0}
    simulated_platform.state.members = [
        {"user_id": "3", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}
    ]
    synced = json.loads(
        cli("platforms", "sync-roster", "--platform", str(platform_id), "--json").output
    )
    assert synced == [{"context": "2", "members": 1, "learners": 1, "error": None}]
    cli("lti", "work")
