"""Many requests at once about one new person: one learner, no failed request."""

from __future__ import annotations

import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from lrs.db import make_engine
from lrs.learners.models import LearnerIdentifier
from tests.conftest import EXAMPLES, LERNSPUR
from tests.integration.programmes.conftest import COMPLETED, COURSE, statement

pytestmark = pytest.mark.server


def test_concurrent_first_statements_of_one_person_make_one_learner(live_server):
    examples = EXAMPLES
    for args in (
        ["frameworks", "import", examples / "frameworks" / "kompetenzmodell-kommunal.case.json"],
        ["catalogue", "load", examples / "catalogue.yaml"],
    ):
        subprocess.run(
            [LERNSPUR, *map(str, args)], env=live_server.env, check=True, capture_output=True
        )
    creds = live_server.credentials()
    person = {"mbox": f"mailto:{uuid.uuid4().hex}@example.org"}

    def post(_: int) -> int:
        body = [statement(person, COMPLETED, COURSE + "e-akte-grundlagen", "2024-01-01T00:00:00Z")]
        return requests.post(
            f"{live_server.url}/xapi/statements",
            json=body,
            auth=(creds["key"], creds["secret"]),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=60,
        ).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(post, range(32)))
    assert set(statuses) == {200}
    engine = make_engine(live_server.database_url)
    try:
        with engine.connect() as conn:
            count = conn.scalar(
                select(func.count(func.distinct(LearnerIdentifier.learner_pk))).where(
                    LearnerIdentifier.ifi_key == "mbox:" + person["mbox"]
                )
            )
    finally:
        engine.dispose()
    assert count == 1
