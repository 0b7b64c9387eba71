"""Deep Linking: a teacher picks catalogue courses; the platform gets signed content items.

Each course becomes an `ltiResourceLink` whose custom parameter `course=<catalogue id>` tells a
later launch which course to open, with a line item (so that Moodle creates a gradebook column
for AGS). Checked against the platforms' return handlers: Moodle verifies the response with the
tool's key set and requires `iss` = the client id (mod/lti/locallib.php,
lti_verify_jwt_signature; content items converted by lti_convert_content_items, which reads
`url`, `title`, `text`, `custom` and `lineItem.scoreMaximum/label/resourceId/tag`); ILIAS
(components/ILIAS/LTIConsumer/resources/ltidlreturn.php) creates one object per item, with the
item's custom parameters joined by ";".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from sqlalchemy.orm import Session

from lrs.catalogue.models import CatalogueCourse
from lrs.catalogue.services import course_by_slug
from lti_tool.errors import LtiBadRequest, LtiRefused
from lti_tool.models import Launch, Platform
from lti_tool.tool_config import registration_for
from statements.errors import Problem

SCORE_MAXIMUM = 100
LINE_ITEM_TAG = "lernspur-completion"


class CourseLink(DeepLinkResource):
    """An `ltiResourceLink` content item, with a `text` (the platform's description)."""

    def __init__(self, text: str | None = None) -> None:
        self._text = text

    def to_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = super().to_dict()
        if self._text:
            item["text"] = self._text
        return item


class CourseDeepLink(DeepLink):
    """pylti1p3's deep link, without a `data` claim when the platform sent none."""

    def get_message_jwt(self, resources: Sequence[DeepLinkResource]) -> dict[str, object]:
        message: dict[str, object] = super().get_message_jwt(resources)
        if message.get("https://purl.imsglobal.org/spec/lti-dl/claim/data") is None:
            message.pop("https://purl.imsglobal.org/spec/lti-dl/claim/data", None)
        return message


@dataclass(frozen=True)
class DeepLinkResponse:
    return_url: str
    jwt: str


def _pick(text: dict[str, str] | None, locale: str | None) -> str | None:
    if not text:
        return None
    lang = (locale or "de").split("-")[0].split("_")[0].lower()
    return text.get(lang) or text.get("de") or next(iter(text.values()))


def content_item(course: CatalogueCourse, launch_url: str, locale: str | None) -> CourseLink:
    title = _pick(course.title, locale) or course.slug
    line_item = (
        LineItem()
        .set_score_maximum(SCORE_MAXIMUM)
        .set_label(title[:255])
        .set_resource_id(course.slug)
        .set_tag(LINE_ITEM_TAG)
    )
    item = CourseLink(_pick(course.description, locale))
    item.set_type("ltiResourceLink").set_title(title).set_url(launch_url)
    item.set_custom_params({"course": course.slug}).set_lineitem(line_item)
    return item


def respond(
    session: Session, launch: Launch, slugs: Sequence[str], launch_url: str
) -> DeepLinkResponse:
    """The signed LtiDeepLinkingResponse for the chosen courses (the launch answers once)."""
    if launch.used_at is not None:
        raise LtiRefused(
            "These courses were added already; start Deep Linking again.",
            [Problem("form.launch_id", "must be a Deep Linking launch not answered yet")],
        )
    settings: dict[str, Any] = dict(launch.deep_linking_settings or {})
    if not slugs:
        raise LtiBadRequest(
            "Choose at least one course.", [Problem("form.course", "at least one required")]
        )
    accept_multiple = settings.get("accept_multiple", True) not in (False, "false")
    if len(slugs) > 1 and not accept_multiple:
        raise LtiBadRequest(
            "The platform accepts one course at a time.",
            [Problem("form.course", "at most one (the platform's accept_multiple is false)")],
        )
    courses = []
    for slug in dict.fromkeys(slugs):
        course = course_by_slug(session, slug)
        if course is None:
            raise LtiBadRequest(
                f"There is no course {slug!r} in the catalogue.",
                [Problem("form.course", "must name a course of the catalogue")],
            )
        courses.append(course)
    platform = session.get(Platform, launch.platform_pk)
    assert platform is not None
    deep_link = CourseDeepLink(
        registration_for(session, platform), launch.deployment_id, cast(Any, settings)
    )
    items = [content_item(c, launch_url, launch.locale) for c in courses]
    token = deep_link.get_response_jwt(items)
    launch.used_at = datetime.now(UTC)
    session.flush()
    return DeepLinkResponse(return_url=str(settings["deep_link_return_url"]), jwt=token)
