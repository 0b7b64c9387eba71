"""A fake Moodle web service: webservice/rest/server.php in JSON format, on a real socket.

Answers the four functions pull mode calls with the shapes of Moodle's source
(course/externallib.php, enrol/externallib.php, completion/classes/external.php), from the
data a test puts in; errors the way Moodle's REST server answers them (HTTP 200 with
`exception`, `errorcode`, `message`). Served by werkzeug in a thread on 127.0.0.1, under a
sub-path, as Moodles often are (`http://127.0.0.1:PORT/moodle`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import orjson
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TOKEN = "fake-moodle-token-0123456789abcdef"


def _error(code: str, message: str) -> dict[str, Any]:
    return {"exception": "moodle_exception", "errorcode": code, "message": message}


@dataclass
class FakeMoodle:
    token: str = TOKEN
    courses: list[dict[str, Any]] = field(default_factory=list)
    enrolled: dict[int, list[int]] = field(default_factory=dict)
    completion: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    activities: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    course_errors: dict[int, str] = field(default_factory=dict)
    calls: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def answer(self, args: dict[str, str]) -> Any:
        if args.get("wstoken") != self.token:
            return _error("invalidtoken", "Invalid token - token not found")
        function = args.get("wsfunction")
        if function == "core_course_get_courses":
            return self.courses
        course = int(args.get("courseid", 0))
        if function == "core_enrol_get_enrolled_users":
            return [{"id": u} for u in self.enrolled.get(course, [])]
        user = int(args.get("userid", 0))
        if course in self.course_errors:
            return _error(self.course_errors[course], "no completion here")
        if user not in self.enrolled.get(course, []):
            return _error("usernotenroled", "User is not enrolled in this course")
        if function == "core_completion_get_course_completion_status":
            status = self.completion.get((course, user), {"completed": False, "completions": []})
            return {"completionstatus": {"aggregation": 1, **status}, "warnings": []}
        if function == "core_completion_get_activities_completion_status":
            return {"statuses": self.activities.get((course, user), []), "warnings": []}
        return _error(
            "invalidrecord", "Can't find data record in database table external_functions."
        )

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.path != "/moodle/webservice/rest/server.php":
            return Response("not found", status=404)(environ, start_response)
        args = dict(request.args.items())
        self.calls.append(args)
        body = orjson.dumps(self.answer(args))
        return Response(body, mimetype="application/json")(environ, start_response)

    def __enter__(self) -> FakeMoodle:
        self._server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}/moodle"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
