"""The dashboard pages through the Flask client: access, languages, figures, exports."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from lrs.accounts.models import User
from lrs.programmes.managers import create_manager
from tests.integration.programmes.test_kommunalcampus_vouchers import _setup as vouchers_setup


def _sign_in(client, db_session, programme):
    issued = create_manager(db_session, programme, f"leitung@{programme}.example")
    db_session.execute(update(User).values(must_change_password=False))
    db_session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        "/login",
        data={"email": issued.email, "password": issued.password, "csrf_token": token},
    )


def test_manager_lands_on_the_programme_dashboard_in_german(client, db_session, programmes):
    vouchers_setup(programmes)
    response = _sign_in(client, db_session, "kommunalcampus-vouchers")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/programme")
    page = client.get("/programme", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Vernetzung und Kompetenzentwicklung im öffentlichen Dienst" in html
    assert "Kompetenzabdeckung, Bereich D" in html
    assert "87,5\u00a0%" in html  # D coverage 7/8
    assert "13 von 2\u202f750 Gutscheinen eingelöst" in html
    english = client.get("/programmes/kommunalcampus-vouchers?lang=en").get_data(as_text=True)
    assert "Competency coverage, area D" in english
    assert "87.5\u00a0%" in english
    assert "<script" not in html


def test_manager_cannot_see_another_programme(client, db_session, programmes):
    programmes.load("nachwuchs-steinfurt")
    vouchers_setup(programmes)
    _sign_in(client, db_session, "kommunalcampus-vouchers")
    assert client.get("/programmes/nachwuchs-steinfurt").status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(client, programmes):
    response = client.get("/programmes/kommunalcampus-vouchers")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("kind", ["report", "timeseries", "competencies"])
def test_dashboard_exports_download(client, db_session, programmes, kind):
    vouchers_setup(programmes)
    _sign_in(client, db_session, "kommunalcampus-vouchers")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/programmes/kommunalcampus-vouchers/export/{kind}.{fmt}")
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
