"""A simulated LTI 1.3 platform, built to what Moodle 5.0's mod/lti does, served over HTTP.

It runs a werkzeug server in a thread on 127.0.0.1 and offers what the tool talks to:
- `/mod/lti/openid-configuration.php` (openid-configuration.php: issuer = wwwroot, the
  endpoints below, scopes_supported, the lti-platform-configuration);
- `/mod/lti/openid-registration.php` with the checks of registration_helper::
  registration_to_config (response_types contains id_token, redirect_uris a list,
  token_endpoint_auth_method private_key_jwt, domain = host[:port] of target_link_uri) and a
  registration token that works once; it answers a random client_id and deployment_id "1";
- `/mod/lti/certs.php` (JWKS), `/mod/lti/auth.php` (OIDC authentication: checks like auth.php,
  answers with an auto-posting form carrying a signed id_token and the state);
- `/mod/lti/token.php` (client_credentials with a private_key_jwt assertion, as token.php);
- `/mod/lti/services.php/…/lineitems` and `…/lineitem/scores` (AGS; can fail first; refuses
  scores older than the last one with 409, as gradebookservices' scores.php does);
- `/mod/lti/services.php/CourseSection/<id>/bindings/1/memberships` (NRPS, paged);
- `/launch-page` (an HTML page embedding the tool's login in an iframe, for the browser test).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


@dataclass
class Key:
    kid: str
    private: Any
    pem: str

    @classmethod
    def new(cls, kid: str | None = None) -> Key:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return cls(kid or uuid.uuid4().hex[:12], private, pem)

    def jwk(self) -> dict[str, Any]:
        data = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        data.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return data


@dataclass
class Score:
    lineitem: str
    body: dict[str, Any]
    content_type: str


@dataclass
class PlatformState:
    client_id: str = "F8rcRkMiCYyPwza"
    deployment_id: Any = "1"
    redirect_uris: list[str] = field(default_factory=list)
    registration_tokens: set[str] = field(default_factory=set)
    registrations: list[dict[str, Any]] = field(default_factory=list)
    openid_overrides: dict[str, Any] = field(default_factory=dict)
    registration_status: int = 200
    tool_jwks: dict[str, Any] = field(default_factory=lambda: {"keys": []})
    access_tokens: dict[str, set[str]] = field(default_factory=dict)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    token_status: int = 200
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: list[Score] = field(default_factory=list)
    score_failures: int = 0
    score_status: int = 503
    last_score_time: dict[tuple[str, str], str] = field(default_factory=dict)
    lineitems: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    nrps_status: int = 200
    requests: list[str] = field(default_factory=list)


class SimulatedPlatform:
    """See the module docstring. `reset()` between tests; the keys stay."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.key = Key.new()
        self.state = PlatformState()
        self._server = make_server(host, 0, self._wsgi, threaded=True)
        self.port = self._server.server_port
        self.issuer = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()

    def reset(self) -> None:
        self.state = PlatformState()

    # -- URLs --------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.issuer + path

    @property
    def openid_configuration_url(self) -> str:
        return self.url("/mod/lti/openid-configuration.php")

    @property
    def auth_url(self) -> str:
        return self.url("/mod/lti/auth.php")

    @property
    def token_url(self) -> str:
        return self.url("/mod/lti/token.php")

    @property
    def jwks_url(self) -> str:
        return self.url("/mod/lti/certs.php")

    def lineitem_url(self, item: int = 2, context: str = "2") -> str:
        return self.url(f"/mod/lti/services.php/{context}/lineitems/{item}/lineitem?type_id=1")

    def lineitems_url(self, context: str = "2") -> str:
        return self.url(f"/mod/lti/services.php/{context}/lineitems?type_id=1")

    def memberships_url(self, context: str = "2") -> str:
        return self.url(f"/mod/lti/services.php/CourseSection/{context}/bindings/1/memberships")

    def new_registration_token(self) -> str:
        token = secrets.token_urlsafe(16)
        self.state.registration_tokens.add(token)
        return token

    # -- id_tokens -----------------------------------------------------------------------
    def claims(
        self,
        sub: str = "3",
        course: str | None = "e-akte-grundlagen",
        roles: list[str] | None = None,
        message_type: str = "LtiResourceLinkRequest",
        context_id: str = "2",
        ags: bool = True,
        nrps: bool = True,
        locale: str = "de",
        **extra: Any,
    ) -> dict[str, Any]:
        """Claims shaped like the captured Moodle 5.0 launch (examples/captured)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iat": now,
            "exp": now + 60,
            "iss": self.issuer,
            "aud": self.state.client_id,
            CLAIM + "deployment_id": str(self.state.deployment_id),
            CLAIM + "target_link_uri": "https://tool.test/lti/launch",
            "sub": sub,
            CLAIM + "lis": {"person_sourcedid": "", "course_section_sourcedid": ""},
            CLAIM + "roles": roles or [LEARNER],
            CLAIM + "context": {
                "id": context_id,
                "label": "RC1",
                "title": "Recon Course",
                "type": ["CourseSection"],
            },
            CLAIM + "message_type": message_type,
            "given_name": "Stu",
            "family_name": "Dent",
            "name": "Stu Dent",
            "email": "student1@example.com",
            CLAIM + "ext": {"user_username": "student1", "lms": "moodle-2"},
            CLAIM + "launch_presentation": {"locale": locale, "document_target": "iframe"},
            CLAIM + "tool_platform": {
                "product_family_code": "moodle",
                "version": "2025041406.11",
                "guid": "37de8d8449232c910ebffa2e03a62b84",
                "name": "recon",
            },
            CLAIM + "version": "1.3.0",
            CLAIM + "custom": {"activity_custom": "hello"},
        }
        if course is not None:
            claims[CLAIM + "custom"]["course"] = course
        if message_type == "LtiResourceLinkRequest":
            claims[CLAIM + "resource_link"] = {"title": "Recon LTI activity", "id": "1"}
        if message_type == "LtiDeepLinkingRequest":
            claims[CLAIM + "target_link_uri"] = "https://tool.test/lti/deep-link"
            claims[DL] = {
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["frame", "iframe", "window"],
                "accept_copy_advice": False,
                "accept_multiple": True,
                "accept_unsigned": False,
                "auto_create": False,
                "can_confirm": False,
                "deep_link_return_url": self.url("/mod/lti/contentitem_return.php?course=2&id=1"),
                "title": "",
                "text": "",
            }
        if ags and message_type == "LtiResourceLinkRequest":
            claims[AGS] = {
                "scope": SCOPES[:4],
                "lineitems": self.lineitems_url(context_id),
                "lineitem": self.lineitem_url(2, context_id),
            }
        if nrps:
            claims[NRPS] = {
                "context_memberships_url": self.memberships_url(context_id),
                "service_versions": ["1.0", "2.0"],
            }
        claims.update(extra)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self,
        claims: dict[str, Any],
        key: Key | None = None,
        alg: str = "RS256",
        headers: dict[str, Any] | None = None,
        secret: Any = None,
    ) -> str:
        key = key or self.key
        head = {"kid": key.kid, **(headers or {})}
        if alg == "none":
            return jwt.encode(claims, None, algorithm="none", headers=head)
        if alg.startswith("HS"):
            # RFC 8725 3.1 "algorithm confusion": an HMAC keyed with the public key.
            return self._hmac(claims, head, alg, secret)
        # PyJWS, not jwt.encode: a test must be able to sign claims PyJWT would refuse.
        payload = json.dumps(claims).encode()
        return jwt.api_jws.PyJWS().encode(payload, key.pem, algorithm=alg, headers=head)

    @staticmethod
    def _hmac(claims: dict[str, Any], head: dict[str, Any], alg: str, secret: Any) -> str:
        import base64
        import hashlib
        import hmac as hmac_module

        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

        header = b64(json.dumps({"alg": alg, "typ": "JWT", **head}).encode())
        payload = b64(json.dumps(claims).encode())
        signature = hmac_module.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{b64(signature)}"

    def expect_login(self, login_hint: str, claims: dict[str, Any], **sign: Any) -> None:
        """The id_token the auth endpoint answers for this login hint (nonce filled in)."""
        self.state.pending[login_hint] = {"claims": claims, "sign": sign}

    def authorize(self, url: str) -> dict[str, str]:
        """Follow the tool's redirect to the auth endpoint; the auto-post form's fields."""
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, response.text
        action = re.search(r'<form action="([^"]+)"', response.text)
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', response.text))
        assert action, response.text
        return {"action": action.group(1).replace("&amp;", "&"), **fields}

    # -- HTTP ------------------------------------------------------------------------------
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.state.requests.append(f"{request.method} {request.path}")
        response = self._route(request)
        return response(environ, start_response)

    def _route(self, request: Request) -> Response:
        path = request.path
        routes = {
            "/mod/lti/openid-configuration.php": self._openid_configuration,
            "/mod/lti/openid-registration.php": self._register,
            "/mod/lti/certs.php": self._certs,
            "/mod/lti/auth.php": self._auth,
            "/mod/lti/token.php": self._token,
            "/launch-page": self._launch_page,
        }
        if path in routes:
            return routes[path](request)
        if re.fullmatch(r"/mod/lti/services\.php/[^/]+/lineitems/\d+/lineitem/scores", path):
            return self._scores(request)
        if re.fullmatch(r"/mod/lti/services\.php/[^/]+/lineitems", path):
            return self._lineitems(request)
        if re.fullmatch(r"/mod/lti/services\.php/CourseSection/[^/]+/bindings/1/memberships", path):
            return self._memberships(request)
        return Response("not found", 404)

    @staticmethod
    def _json(data: Any, status: int = 200, **headers: str) -> Response:
        return Response(json.dumps(data), status, mimetype="application/json", headers=headers)

    def _openid_configuration(self, request: Request) -> Response:
        conf = {
            "issuer": self.issuer,
            "token_endpoint": self.token_url,
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": self.jwks_url,
            "authorization_endpoint": self.auth_url,
            "registration_endpoint": self.url("/mod/lti/openid-registration.php"),
            "scopes_supported": [*SCOPES, "openid"],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                "product_family_code": "moodle",
                "version": "5.0.6+ (Build: 20260403)",
                "messages_supported": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
                "placements": ["AddContentMenu"],
            },
        }
        conf.update(self.state.openid_overrides)
        return self._json(conf)

    def _register(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else ""
        if token not in self.state.registration_tokens:
            return Response("missing_registration_token", 401)
        if self.state.registration_status != 200:
            return Response("refused", self.state.registration_status)
        payload = request.get_json(force=True)
        self.state.registrations.append(payload)
        error = moodle_registration_error(payload)
        if error:
            return Response(error, 400)
        self.state.registration_tokens.discard(token)
        self.state.client_id = secrets.token_urlsafe(11)[:15]
        self.state.redirect_uris = list(payload["redirect_uris"])
        tool = payload["https://purl.imsglobal.org/spec/lti-tool-configuration"]
        granted = [s for s in payload.get("scope", "").split() if s in SCOPES]
        answer = {
            "client_id": self.state.client_id,
            "response_types": ["id_token"],
            "jwks_uri": payload["jwks_uri"],
            "initiate_login_uri": payload["initiate_login_uri"],
            "grant_types": ["client_credentials", "implicit"],
            "redirect_uris": payload["redirect_uris"],
            "application_type": "web",
            "token_endpoint_auth_method": "private_key_jwt",
            "client_name": payload["client_name"],
            "scope": " ".join(granted),
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                "version": "1.3.0",
                "deployment_id": self.state.deployment_id,
                "target_link_uri": tool["target_link_uri"],
                "domain": tool["domain"],
                "claims": ["sub", "iss", *[c for c in tool.get("claims", []) if c != "iss"]],
                "messages": tool.get("messages", []),
            },
        }
        return self._json(answer)

    def _certs(self, request: Request) -> Response:
        return self._json({"keys": [self.key.jwk()]})

    def _auth(self, request: Request) -> Response:
        params = request.values
        problems = []
        if params.get("scope") != "openid":
            problems.append("invalid_scope")
        if params.get("response_type") != "id_token":
            problems.append("unsupported_response_type")
        if params.get("client_id") != self.state.client_id:
            problems.append("unauthorized_client")
        if self.state.redirect_uris and params.get("redirect_uri") not in self.state.redirect_uris:
            problems.append("invalid redirect_uri")
        if params.get("response_mode") != "form_post" or params.get("prompt") not in (None, "none"):
            problems.append("invalid_request")
        pending = self.state.pending.get(params.get("login_hint", ""))
        if pending is None:
            problems.append("access_denied")
        if problems:
            return Response(", ".join(problems), 400)
        claims = {"nonce": params["nonce"], **pending["claims"]}
        id_token = self.sign(claims, **pending["sign"])
        form = (
            f'<form action="{escape(params["redirect_uri"])}" name="ltiAuthForm" method="post">'
            f'<input type="hidden" name="id_token" value="{escape(id_token)}"/>'
            f'<input type="hidden" name="state" value="{escape(params["state"])}"/>'
            "</form><script>document.ltiAuthForm.submit();</script>"
        )
        return Response(form, mimetype="text/html")

    def _token(self, request: Request) -> Response:
        form = request.form
        self.state.token_requests.append(dict(form))
        if self.state.token_status != 200:
            return Response("unavailable", self.state.token_status)
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return self._json({"error": "unsupported_grant_type"}, 400)
        assertion = form.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            keys = {k["kid"]: k for k in self.state.tool_jwks.get("keys", [])}
            public = RSAAlgorithm.from_jwk(json.dumps(keys[kid]))
            claims = jwt.decode(assertion, public, algorithms=["RS256"], audience=self.token_url)
        except Exception as exc:
            return self._json({"error": "invalid_client", "detail": str(exc)}, 400)
        if claims.get("sub") != self.state.client_id or claims.get("iss") != self.state.client_id:
            return self._json({"error": "invalid_client"}, 400)
        scopes = set(form.get("scope", "").split()) & set(SCOPES)
        if not scopes:
            return self._json({"error": "invalid_scope"}, 400)
        token = secrets.token_hex(16)
        self.state.access_tokens[token] = scopes
        return self._json(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": " ".join(sorted(scopes)),
            }
        )

    def _bearer_scopes(self, request: Request) -> set[str]:
        auth = request.headers.get("Authorization", "")
        return (
            self.state.access_tokens.get(auth[7:], set()) if auth.startswith("Bearer ") else set()
        )

    def _scores(self, request: Request) -> Response:
        if "https://purl.imsglobal.org/spec/lti-ags/scope/score" not in self._bearer_scopes(
            request
        ):
            return Response("unauthorised", 401)
        if self.state.score_failures > 0:
            self.state.score_failures -= 1
            return Response("platform down", self.state.score_status)
        if request.mimetype != "application/vnd.ims.lis.v1.score+json":
            return Response("wrong content type", 400)
        body = json.loads(request.get_data(as_text=True))
        required = ("userId", "timestamp", "gradingProgress", "activityProgress")
        if any(k not in body for k in required):
            return Response("Incorrect score received", 400)
        item = request.path.rsplit("/scores", 1)[0]
        previous = self.state.last_score_time.get((item, body["userId"]))
        if previous is not None and previous >= body["timestamp"]:
            return Response("Refusing score with an earlier timestamp", 409)
        self.state.last_score_time[(item, body["userId"])] = body["timestamp"]
        self.state.scores.append(Score(item, body, request.mimetype))
        return self._json({})

    def _lineitems(self, request: Request) -> Response:
        scopes = self._bearer_scopes(request)
        if request.method == "POST":
            if "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem" not in scopes:
                return Response("unauthorised", 401)
            item = json.loads(request.get_data(as_text=True))
            item["id"] = self.lineitem_url(100 + len(self.state.lineitems))
            self.state.lineitems.append(item)
            return self._json(item)
        if not scopes:
            return Response("unauthorised", 401)
        return self._json(self.state.lineitems)

    def _memberships(self, request: Request) -> Response:
        scope = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
        if scope not in self._bearer_scopes(request):
            return Response("unauthorised", 401)
        if self.state.nrps_status != 200:
            return Response("unavailable", self.state.nrps_status)
        page = int(request.args.get("page", "1"))
        size = self.state.page_size
        members = self.state.members[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(self.state.members):
            next_url = f"{self.issuer}{request.path}?{urlencode({'page': page + 1})}"
            headers["Link"] = f'<{next_url}>; rel="next"'
        body = {
            "id": self.issuer + request.full_path,
            "context": {"id": "2", "label": "RC1", "title": "Recon Course"},
            "members": members,
        }
        return self._json(body, **headers)

    def _launch_page(self, request: Request) -> Response:
        src = request.args["src"]
        html = (
            "<!doctype html><html><head><title>Recon Moodle</title>"
            '<link rel="icon" href="data:,"></head><body>'
            "<h1>Recon Course</h1>"
            f'<iframe id="tool" src="{escape(src)}" width="900" height="600"></iframe>'
            "</body></html>"
        )
        return Response(html, mimetype="text/html")


def moodle_registration_error(payload: dict[str, Any]) -> str | None:
    """Moodle's registration_helper::registration_to_config checks, in its order."""
    for key in (
        "response_types",
        "initiate_login_uri",
        "redirect_uris",
        "client_name",
        "jwks_uri",
        "token_endpoint_auth_method",
        "https://purl.imsglobal.org/spec/lti-tool-configuration",
    ):
        if not payload.get(key):
            return f"missing required attribute {key}"
    tool = payload["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    domain = tool.get("domain")
    if not domain:
        return "missing_domain"
    target = tool.get("target_link_uri") or f"https://{domain}"

    def host(url: str) -> str:
        match = re.match(r"(?:https?://)?(?:www\.)?([^/]+)(?:/|$)", url, re.IGNORECASE)
        return match.group(1) if match else ""

    if host(domain) != host(target):
        return "domain_targetlinkuri_mismatch"
    if "id_token" not in payload["response_types"]:
        return "invalid_response_types"
    if not isinstance(payload["redirect_uris"], list):
        return "invalid_redirect_uris"
    if payload["token_endpoint_auth_method"] != "private_key_jwt":
        return "invalid_token_endpoint_auth_method"
    if payload.get("application_type") not in (None, "", "web"):
        return "invalid_application_type"
    if urlsplit(target).scheme not in ("http", "https"):
        return "invalid target_link_uri"
    return None
