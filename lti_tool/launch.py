"""Launches: pylti1p3's validation made strict, and what a valid launch records.

pylti1p3 checks state, nonce, registration, signature, deployment and message. What it leaves
open is closed here (IMS LTI 1.3 Security Framework, section 5.1.3 "Authentication Response
Validation"):
- only RS256 (`alg: none` and HMAC with the public key as secret are refused before any key is
  looked at);
- `exp` and `iat` are required, `aud` must contain the client id, and `azp`, if present or if
  there are several audiences, must be the client id (pylti1p3 turns audience checks off);
- a nonce is accepted once (pylti1p3 keeps it), and an id_token seen before is refused;
- each endpoint accepts only the message types it handles.
A platform's key set is cached for an hour and fetched again when a token names a kid that is
not in it (the platform rotated its keys).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import jwt
from pylti1p3.contrib.flask.message_launch import FlaskMessageLaunch
from pylti1p3.contrib.flask.request import FlaskRequest
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import DisableSessionId
from pylti1p3.roles import DesignerRole, StaffRole, TeacherRole
from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.models import Organisation
from lrs.catalogue.models import CatalogueCourse
from lrs.catalogue.services import course_by_slug
from lrs.statement_store.models import Statement
from lti_tool.content import ContentLaunch, issue_content_launch
from lti_tool.errors import CourseNotFound, LtiBadRequest, LtiRefused
from lti_tool.launch_state import (
    LAUNCH_DATA_SECONDS,
    CrossSiteCookieService,
    DatabaseLaunchStorage,
    OneTimeNonceSessionService,
    has_key,
)
from lti_tool.models import Launch, LaunchState, Platform
from lti_tool.outbound import GuardedSession
from lti_tool.recording import record
from lti_tool.roster import note_context
from lti_tool.tool_config import DatabaseToolConf
from statements import lti as xapi
from statements.errors import Problem
from statements.identifiers import ifi_key
from statements.timestamps import format_timestamp

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
ALGORITHMS = ("RS256",)
OBJECT_CLAIMS = (
    CLAIM + "context",
    CLAIM + "resource_link",
    CLAIM + "custom",
    CLAIM + "launch_presentation",
    CLAIM + "tool_platform",
    AGS_CLAIM,
    NRPS_CLAIM,
    DL_CLAIM,
)
LEEWAY_SECONDS = 30
KEY_SET_CACHE_SECONDS = 3600
# How long the forms of a launched page (mark as completed, deep-link choice) keep working.
PAGE_HOURS = 8
USED_TOKEN_PREFIX = "lti1p3-used-id-token-"  # noqa: S105 - a key prefix, no secret


def _refuse(message: str, path: str, rule: str) -> LtiRefused:
    """A launch refused: the message for people, the field path and the rule for the record."""
    return LtiRefused(message, [Problem(path, rule)])


class ToolMessageLaunch(FlaskMessageLaunch):
    """pylti1p3's Flask launch with the checks described in the module docstring."""

    def __init__(
        self,
        session: Session,
        allowed_types: frozenset[str],
        allow_private_urls: bool,
    ) -> None:
        from flask import request

        self.session = session
        self.allowed_types = allowed_types
        self.tool_conf = DatabaseToolConf(session)
        self.storage = DatabaseLaunchStorage(session)
        self._key_set_from_cache = False
        lti_request = FlaskRequest()  # type: ignore[no-untyped-call]
        super().__init__(
            lti_request,
            self.tool_conf,
            session_service=OneTimeNonceSessionService(lti_request),
            cookie_service=CrossSiteCookieService(lti_request, request),
            launch_data_storage=self.storage,
            requests_session=GuardedSession(allow_private_urls),
        )
        self.set_launch_data_lifetime(LAUNCH_DATA_SECONDS)
        self.set_jwt_verify_options({"verify_aud": False})

    @property
    def platform(self) -> Platform:
        assert self.tool_conf.platform is not None
        return self.tool_conf.platform

    def claims(self) -> dict[str, Any]:
        return dict(self.get_launch_data())

    # -- who the token is for ------------------------------------------------------------
    def get_client_id(self) -> str:
        body = self._jwt.get("body", {})
        azp, aud = body.get("azp"), body.get("aud")
        if isinstance(azp, str) and azp:
            return azp
        if isinstance(aud, str) and aud:
            return aud
        if isinstance(aud, list) and len(aud) == 1 and isinstance(aud[0], str):
            return aud[0]
        raise _refuse(
            "The id_token names no single audience (aud, azp).",
            "id_token.aud",
            "must name this tool alone, or name it in azp",
        )

    def validate_jwt_format(self) -> ToolMessageLaunch:
        super().validate_jwt_format()
        alg = self._jwt.get("header", {}).get("alg")
        if alg not in ALGORITHMS:
            raise _refuse(
                f"The id_token is signed with {alg!r}; only RS256 is accepted.",
                "id_token.header.alg",
                "must be RS256 (LTI 1.3 Security Framework 5.1.3)",
            )
        _check_claim_types(cast(dict[str, Any], self._jwt.get("body", {})))
        return self

    def validate_registration(self) -> ToolMessageLaunch:
        super().validate_registration()
        body = self._jwt.get("body", {})
        client_id = self.platform.client_id
        aud = body.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud or [])
        if client_id not in audiences:
            raise _refuse(
                "The id_token is not addressed to this tool (aud).",
                "id_token.aud",
                "must contain this tool's client_id",
            )
        azp = body.get("azp")
        if azp is not None and azp != client_id:
            raise _refuse(
                "The id_token was issued for another party (azp).",
                "id_token.azp",
                "must be this tool's client_id",
            )
        if len(audiences) > 1 and azp is None:
            raise _refuse(
                "An id_token with several audiences must name the tool in azp.",
                "id_token.azp",
                "required when aud names several parties",
            )
        return self

    # -- signature and time --------------------------------------------------------------
    def fetch_public_key(self, key_set_url: str) -> Any:
        cache_key = "key-set-" + hashlib.sha256(key_set_url.encode()).hexdigest()
        with DisableSessionId(self.storage):
            cached = self.storage.get_value(cache_key)
            if cached:
                self._key_set_from_cache = True
                return cached
            self._key_set_from_cache = False
            try:
                response = self._requests_session.get(key_set_url)
                key_set = response.json()
            except Exception as exc:
                raise _refuse(
                    f"The platform's key set could not be read: {exc}",
                    "platform.key_set_url",
                    "must answer the platform's JWKS",
                ) from None
            if not isinstance(key_set, dict) or not isinstance(key_set.get("keys"), list):
                raise _refuse(
                    "The platform's key set is not a JWKS document.",
                    "platform.key_set_url",
                    "must answer a JWKS document",
                )
            self.storage.set_value(cache_key, key_set, KEY_SET_CACHE_SECONDS)
            return key_set

    def get_public_key(self) -> tuple[str, str]:
        try:
            return super().get_public_key()
        except LtiException:
            if not self._key_set_from_cache:
                raise
        # The platform may have rotated its keys since we cached them: fetch once more.
        with DisableSessionId(self.storage):
            self.storage.consume(
                "key-set-" + hashlib.sha256(self.platform.key_set_url.encode()).hexdigest()
            )
        assert self._registration is not None
        self._registration.set_key_set(None)
        return super().get_public_key()

    def validate_jwt_signature(self) -> ToolMessageLaunch:
        public_key, _alg = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=list(ALGORITHMS),
                audience=self.platform.client_id,
                issuer=self.platform.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.ExpiredSignatureError:
            raise _refuse(
                "The id_token has expired.", "id_token.exp", "must lie in the future"
            ) from None
        except jwt.ImmatureSignatureError:
            raise _refuse(
                "The id_token is not valid yet (iat or nbf in the future).",
                "id_token.iat",
                "must not lie in the future",
            ) from None
        except jwt.InvalidTokenError as exc:
            raise _refuse(
                f"The id_token is not valid: {exc}",
                "id_token",
                "must be a JWT signed with the platform's key",
            ) from None
        return self

    # -- one use only ----------------------------------------------------------------------
    def _used_token_key(self) -> str:
        return USED_TOKEN_PREFIX + hashlib.sha256(self._get_id_token().encode()).hexdigest()

    def validate_nonce(self) -> ToolMessageLaunch:
        if has_key(self.session, self._used_token_key()):
            raise _refuse(
                "This launch was used already; start the activity again.",
                "id_token.nonce",
                "must not have been used before",
            )
        super().validate_nonce()
        return self

    def validate_message(self) -> ToolMessageLaunch:
        message_type = self._jwt.get("body", {}).get(CLAIM + "message_type")
        if message_type not in self.allowed_types:
            raise LtiBadRequest(
                f"This address does not accept {message_type!r} messages.",
                [Problem("id_token.message_type", f"must be one of {sorted(self.allowed_types)}")],
            )
        super().validate_message()
        return self

    def save_launch_data(self) -> ToolMessageLaunch:
        # pylti1p3 would cache the whole id_token body (names and e-mail addresses included)
        # for later requests; Lernspur keeps what it needs in `lti_launches` instead, and only
        # remembers that this id_token has been used.
        exp = float(cast(Any, self._jwt.get("body", {})).get("exp"))
        until = datetime.fromtimestamp(exp, UTC) + timedelta(seconds=LEEWAY_SECONDS)
        self.session.add(LaunchState(key=self._used_token_key(), value=True, expires_at=until))
        self.session.flush()
        return self


def _check_claim_types(body: dict[str, Any]) -> None:
    """Claims are read before the signature is checked (pylti1p3's order): their types are
    checked first, so that no crafted token reaches a lookup with the wrong kind of value.
    Identifiers are at most 255 characters (LTI 1.3 Core 5.3.6, 5.3.7, 5.4.1)."""
    if not isinstance(body, dict):
        raise _refuse(
            "The id_token's payload is not a JSON object.", "id_token", "must be a JSON object"
        )
    aud = body.get("aud")
    if not (
        isinstance(aud, str) or (isinstance(aud, list) and all(isinstance(a, str) for a in aud))
    ):
        raise _refuse(
            "The id_token's aud is neither a string nor a list of strings.",
            "id_token.aud",
            "must be a string or a list of strings",
        )
    for name in ("iss", "nonce", CLAIM + "deployment_id", CLAIM + "message_type"):
        if not isinstance(body.get(name), str) or not body[name]:
            short = name.rsplit("/", 1)[-1]
            raise _refuse(
                f"The id_token's {short} is missing or not a string.",
                f"id_token.{short}",
                "required, a non-empty string",
            )
    for name in ("azp", "sub"):
        if name in body and not isinstance(body[name], str):
            raise _refuse(
                f"The id_token's {name} is not a string.", f"id_token.{name}", "must be a string"
            )
    for name in OBJECT_CLAIMS:
        if body.get(name) is not None and not isinstance(body[name], dict):
            short = name.rsplit("/", 1)[-1]
            raise LtiBadRequest(
                f"The id_token's {short} is not an object.",
                [Problem(f"id_token.{short}", "must be an object")],
            )
    roles = body.get(CLAIM + "roles")
    if roles is not None and not (
        isinstance(roles, list) and all(isinstance(r, str) for r in roles)
    ):
        raise LtiBadRequest(
            "The id_token's roles are not a list of strings.",
            [Problem("id_token.roles", "must be a list of strings")],
        )
    for name, value in (
        ("sub", body.get("sub")),
        ("deployment_id", body.get(CLAIM + "deployment_id")),
        ("context.id", (body.get(CLAIM + "context") or {}).get("id")),
        ("resource_link.id", (body.get(CLAIM + "resource_link") or {}).get("id")),
    ):
        if value is not None and len(str(value)) > 255:
            raise LtiBadRequest(
                f"The id_token's {name} is longer than 255 characters.",
                [Problem(f"id_token.{name}", "at most 255 characters (LTI 1.3 Core 5.3.6, 5.4.1)")],
            )


def validate_launch(
    session: Session, allowed_types: frozenset[str], allow_private_urls: bool
) -> ToolMessageLaunch:
    """The request's launch, validated; pylti1p3's errors become `LtiRefused`."""
    try:
        launch = ToolMessageLaunch(session, allowed_types, allow_private_urls)
        launch.validate()
    except (LtiRefused, LtiBadRequest):
        raise
    except LtiException as exc:
        message = str(exc) or exc.__class__.__name__
        raise LtiRefused(message, [Problem("id_token", message)]) from None
    return launch


# -- what a valid launch records -----------------------------------------------------------


def is_instructor(claims: dict[str, Any]) -> bool:
    """Teachers, administrators and content developers (pylti1p3's role vocabulary)."""
    return any(role(claims).check() for role in (TeacherRole, StaffRole, DesignerRole))


def _locale(claims: dict[str, Any]) -> str | None:
    locale = (claims.get(CLAIM + "launch_presentation") or {}).get("locale")
    return str(locale)[:20] if locale else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _ident(value: Any) -> str | None:
    """An LTI identifier; some platforms send numbers where the spec says strings."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _new_launch(
    platform: Platform, claims: dict[str, Any], message_type: str, now: datetime
) -> Launch:
    context = claims.get(CLAIM + "context") or {}
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    return Launch(
        launch_id=uuid.uuid4().hex,
        org_pk=platform.org_pk,
        platform_pk=platform.pk,
        deployment_id=str(claims.get(CLAIM + "deployment_id")),
        message_type=message_type,
        sub=str(claims.get("sub") or ""),
        roles=list(claims.get(CLAIM + "roles") or []),
        context_id=_ident(context.get("id")),
        context_title=_text(context.get("title")),
        resource_link_id=_ident((claims.get(CLAIM + "resource_link") or {}).get("id")),
        locale=_locale(claims),
        lineitem_url=_text(ags.get("lineitem")),
        lineitems_url=_text(ags.get("lineitems")),
        ags_scopes=[s for s in _list(ags.get("scope")) if isinstance(s, str)],
        nrps_url=_text(nrps.get("context_memberships_url")),
        created_at=now,
        expires_at=now + timedelta(hours=PAGE_HOURS),
    )


@dataclass
class CoursePage:
    """What the course page shows after a launch."""

    launch: Launch
    course: CatalogueCourse
    actor: dict[str, Any]
    completed_at: str | None
    content: ContentLaunch | None
    # A teacher's launch asks for the context's roster (read after the response).
    roster_sync_requested: bool = False


@dataclass(frozen=True)
class RecordingSettings:
    base_url: str
    xapi_version: str
    content_credential_hours: float


def _actor(session: Session, launch: Launch, platform: Platform) -> dict[str, Any]:
    org = session.get(Organisation, launch.org_pk)
    name = launch.person_name if org is not None and org.store_personal_data else None
    return xapi.learner(platform.issuer, launch.sub, name)


def completion_timestamp(session: Session, org_pk: int, actor: dict[str, Any], iri: str) -> str:
    """When the learner last completed or passed the course (any source), or ''."""
    row = session.scalar(
        select(Statement.timestamp_at)
        .where(
            Statement.org_pk == org_pk,
            Statement.actor_key == ifi_key(actor),
            Statement.activity_iri == iri,
            Statement.verb_iri.in_(sorted(xapi.COMPLETION_VERBS)),
            Statement.voided.is_(False),
        )
        .order_by(Statement.timestamp_at.desc())
        .limit(1)
    )
    return format_timestamp(row) if row else ""


def _learn_product(platform: Platform, claims: dict[str, Any]) -> None:
    """A registration entered by hand learns the platform's product from its launches."""
    if platform.product:
        return
    tool_platform = claims.get(CLAIM + "tool_platform") or {}
    family, version = tool_platform.get("product_family_code"), tool_platform.get("version")
    product = " ".join(str(p) for p in (family, version) if p)
    platform.product = product[:100] or None


def _where(launch: Launch, platform: Platform, course: CatalogueCourse) -> xapi.CourseContext:
    return xapi.CourseContext(
        course_activity=course.activity_iri,
        course_title=course.title,
        registration=str(launch.registration),
        context_iri=(
            xapi.context_activity_id(platform.issuer, launch.context_id)
            if launch.context_id
            else None
        ),
        context_title=launch.context_title,
        platform=platform.product.split(" ")[0] if platform.product else None,
    )


def start_course(
    session: Session,
    platform: Platform,
    claims: dict[str, Any],
    settings: RecordingSettings,
) -> CoursePage:
    """Record a resource-link launch: the launch row, `launched`, content credentials."""
    now = datetime.now(UTC)
    slug = str((claims.get(CLAIM + "custom") or {}).get("course") or "").strip()
    course = course_by_slug(session, slug) if slug else None
    if course is None:
        raise CourseNotFound(
            f"The activity names no course of the catalogue (custom parameter course={slug!r}).",
            [Problem("id_token.custom.course", "must name a course of the catalogue")],
        )
    launch = _new_launch(platform, claims, RESOURCE_LINK, now)
    launch.course_pk = course.pk
    org = session.get(Organisation, platform.org_pk)
    assert org is not None
    if org.store_personal_data:
        launch.person_name = str(claims.get("name") or "")[:255] or None
        launch.person_email = str(claims.get("email") or "")[:255] or None
    launch.registration = uuid.UUID(
        xapi.registration_for(platform.issuer, launch.sub, course.activity_iri, launch.context_id)
    )
    session.add(launch)
    platform.last_launch_at = now
    _learn_product(platform, claims)
    session.flush()
    teacher = is_instructor(claims)
    roster_sync = note_context(session, launch, request_sync=teacher) is not None and teacher

    actor = _actor(session, launch, platform)
    statement = xapi.launched(actor, _where(launch, platform, course), format_timestamp(now))
    record(session, org, [statement], settings.base_url, settings.xapi_version)

    content = None
    if course.launch_url:
        content = issue_content_launch(
            session,
            org,
            launch,
            course.launch_url,
            f"{settings.base_url}/xapi/",
            actor,
            course.activity_iri,
            settings.content_credential_hours,
        )
    done = completion_timestamp(session, org.pk, actor, course.activity_iri)
    return CoursePage(launch, course, actor, done or None, content, roster_sync)


def start_deep_linking(session: Session, platform: Platform, claims: dict[str, Any]) -> Launch:
    """Record a deep-linking launch of a teacher or administrator (no statement)."""
    if not is_instructor(claims):
        raise LtiRefused(
            "Only teachers and administrators may add Lernspur courses.",
            [Problem("id_token.roles", "must include a teacher or administrator role")],
        )
    now = datetime.now(UTC)
    launch = _new_launch(platform, claims, DEEP_LINKING, now)
    launch.deep_linking_settings = dict(claims.get(DL_CLAIM) or {})
    session.add(launch)
    platform.last_launch_at = now
    session.flush()
    note_context(session, launch, request_sync=False)
    return launch


def launch_for_form(session: Session, launch_id: str, message_type: str) -> Launch:
    """The launch a page form refers to, if it is of that type and has not expired."""
    launch = session.scalar(select(Launch).where(Launch.launch_id == launch_id))
    if (
        launch is None
        or launch.message_type != message_type
        or launch.expires_at <= datetime.now(UTC)
    ):
        raise LtiRefused(
            "This page has expired; open the activity again from your platform.",
            [
                Problem(
                    "form.launch_id", "must be a launch of this page's kind that has not expired"
                )
            ],
        )
    return launch


def complete_course(session: Session, launch: Launch, settings: RecordingSettings) -> CoursePage:
    """The learner marks the course completed: record `completed` (once)."""
    course = session.get(CatalogueCourse, launch.course_pk)
    platform = session.get(Platform, launch.platform_pk)
    org = session.get(Organisation, launch.org_pk)
    assert course is not None
    assert platform is not None
    assert org is not None
    actor = _actor(session, launch, platform)
    done = completion_timestamp(session, org.pk, actor, course.activity_iri)
    if not done:
        now = format_timestamp(datetime.now(UTC))
        statement = xapi.completed(actor, _where(launch, platform, course), now)
        record(session, org, [statement], settings.base_url, settings.xapi_version)
        done = now
    return CoursePage(launch, course, actor, done, None)


def course_page(session: Session, launch: Launch) -> CoursePage:
    course = session.get(CatalogueCourse, launch.course_pk)
    platform = session.get(Platform, launch.platform_pk)
    assert course is not None
    assert platform is not None
    actor = _actor(session, launch, platform)
    done = completion_timestamp(session, launch.org_pk, actor, course.activity_iri)
    return CoursePage(launch, course, actor, done or None, None)
