"""The turboSMTP API itself: routing, auth and endpoint handlers.

Handlers are pure functions of (request, world) that return a Response; the
HTTP layer (server.py) decides whether to write it or replace it by a fault.
"""

import base64
import binascii
import calendar
import csv
import io
import json
import re
import time
from email.parser import Parser
from functools import lru_cache, partial
from http.cookies import CookieError, SimpleCookie

from .constants import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    MAX_SUBJECT_CHARS,
    REPORT_PAGE_SIZE,
    REPORT_TYPES,
    STATS_PAGE_SIZE,
    STATS_STATUSES,
    TOOLS,
)

JSON_TYPE = "application/json; charset=utf-8"
CSV_TYPE = "text/csv; charset=utf-8"
INVALID_JSON = object()  # marks a body that was sent but is not JSON

NOT_FOUND = {"errorCode": 4, "message": "Resource not found"}
METHOD_NOT_ALLOWED = {"errorCode": 4, "message": "Method not allowed"}
INVALID_TOKEN = {"errorCode": 3, "message": "Invalid authorization token"}
WRONG_CREDENTIALS = {"errorCode": 1, "message": "Wrong credentials specified"}
SEND_PATH = "/api/v2/mail/send"


class Request:
    def __init__(self, method, path, query, headers, body, too_large=False):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers  # email.message.Message: case-insensitive lookups
        self.body = body
        self.too_large = too_large
        self.json = parse_json(body)

    def header(self, name):
        return self.headers.get(name)

    def cookie(self, name):
        raw = self.headers.get("Cookie")
        if not raw:
            return None
        try:
            morsel = SimpleCookie(raw).get(name)
        except CookieError:
            return None
        return morsel.value if morsel else None


def parse_json(body):
    if not body:
        return None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return INVALID_JSON


class Response:
    def __init__(self, status, body=b"", content_type=JSON_TYPE, headers=None, chunks=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.chunks = chunks  # an iterable of bytes for streamed responses


def json_response(status, payload, headers=None):
    return Response(status, json.dumps(payload).encode("utf-8"), headers=headers)


class ParamError(Exception):
    """A bad query parameter; the message becomes the error's "details"."""


def invalid_param(details):
    return json_response(400, {"errorCode": 0, "message": "Invalid parameter", "details": details})


# -- query parameter parsing -------------------------------------------------

# re.ASCII: "\d" must not accept other scripts' digits, which int() would then choke on.
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", re.ASCII)
_TZ = re.compile(r"^([+-])(\d{2}):(\d{2})$", re.ASCII)
_PAGE = re.compile(r"^\d+$", re.ASCII)


def parse_tz(query):
    value = query.get("tz", "+01:00")
    match = _TZ.match(value)
    if not match or int(match.group(2)) > 14 or int(match.group(3)) > 59:
        raise ParamError("tz: expected +HH:MM or -HH:MM")
    seconds = int(match.group(2)) * 3600 + int(match.group(3)) * 60
    return seconds if match.group(1) == "+" else -seconds


def parse_page(query):
    value = query.get("page", "1")
    if not _PAGE.match(value) or int(value) < 1:
        raise ParamError("page: expected a positive integer")
    return int(value)


def _parse_local(query, name, pattern, fmt, expected, tz_offset):
    """Epoch (UTC) of a local date/time parameter interpreted in tz_offset."""
    value = query.get(name)
    if value is None or not pattern.match(value):
        raise ParamError("%s: expected %s" % (name, expected))
    try:
        return _utc_epoch_of(value, fmt) - tz_offset
    except ValueError:
        raise ParamError("%s: expected %s" % (name, expected)) from None


@lru_cache(maxsize=256)
def _utc_epoch_of(value, fmt):
    """Every page of a listing repeats its range: strptime is the dearest part of reading it."""
    return calendar.timegm(time.strptime(value, fmt))


def parse_day_range(query, tz_offset):
    """[start, end) epochs covering whole local days start..end inclusive."""
    start = _parse_local(query, "start", _DAY, "%Y-%m-%d", "YYYY-MM-DD", tz_offset)
    end = _parse_local(query, "end", _DAY, "%Y-%m-%d", "YYYY-MM-DD", tz_offset)
    if end < start:
        raise ParamError("end: must not be before start")
    return start, end + 86400


def parse_datetime_range(query, tz_offset, start_name="start", end_name="end"):
    """[start, end) epochs; the end second itself is included."""
    args = (_DATETIME, "%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS", tz_offset)
    start = _parse_local(query, start_name, *args)
    end = _parse_local(query, end_name, *args)
    if end < start:
        raise ParamError("%s: must not be before %s" % (end_name, start_name))
    return start, end + 1


def parse_status_filter(query):
    """None for all statuses, else the list of statuses asked for."""
    raw = query.get("filter")
    if raw is None or raw.strip() in ("", "*"):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ParamError('filter: expected *, a JSON string like "CLICK" or a JSON array') from None
    statuses = [value] if isinstance(value, str) else value
    if not isinstance(statuses, list) or not statuses:
        raise ParamError('filter: expected *, a JSON string like "CLICK" or a JSON array')
    for status in statuses:
        if status not in STATS_STATUSES:
            raise ParamError("filter: unknown status %s" % json.dumps(status))
    return statuses


# -- CSV streaming -----------------------------------------------------------

def csv_response(fields, rows, filename):
    """Stream rows as CSV in ~64 KB chunks so huge exports never sit in memory."""

    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(fields)
        for row in rows:
            writer.writerow(["" if row[f] is None else row[f] for f in fields])
            if buffer.tell() > 65536:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    headers = {"Content-Disposition": 'attachment; filename="%s"' % filename}
    return Response(200, content_type=CSV_TYPE, headers=headers, chunks=chunks())


# -- send validation helpers ---------------------------------------------------

_ADDR = (r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
         r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}")
_BARE_ADDRESS = re.compile(r"^(%s)$" % _ADDR)
_NAMED_ADDRESS = re.compile(r"^[^<>]*<(%s)>$" % _ADDR)

SEND_FIELDS = ("from", "to", "cc", "bcc", "subject", "content", "html_content", "custom_headers",
               "reference_id", "X-campaign-ID", "mime_raw", "attachments", "authuser", "authpass")
_STRING_FIELDS = ("subject", "content", "html_content", "reference_id", "X-campaign-ID",
                  "mime_raw")


def parse_address(text):
    """The bare address of ``addr`` or ``Name <addr>``, or None when invalid."""
    match = _BARE_ADDRESS.match(text) or _NAMED_ADDRESS.match(text)
    return match.group(1) if match else None


def send_error(*errors):
    return json_response(400, {"message": "error", "errors": list(errors)})


def nested_send_error(status, text):
    return json_response(status, {"message": "error",
                                  "errors": {"message": "error", "errors": text}})


class SendRejected(Exception):
    def __init__(self, response):
        Exception.__init__(self)
        self.response = response


def _recipients(body, field):
    value = body.get(field)
    if value is None or not value.strip():
        return []
    addresses = []
    for part in value.split(","):
        part = part.strip()
        address = parse_address(part)
        if address is None:
            raise SendRejected(send_error(["'%s' '%s' email not valid" % (part, field)]))
        addresses.append(address)
    return addresses


def _attachments(value):
    if value is None:
        return []
    shape_error = send_error("attachments must be a list of objects with name, type and content")
    if not isinstance(value, list):
        raise SendRejected(shape_error)
    parsed = []
    for item in value:
        if not isinstance(item, dict) or not all(
                isinstance(item.get(key), str) for key in ("name", "type", "content")):
            raise SendRejected(shape_error)
        if item.get("content_id") is not None and not isinstance(item["content_id"], str):
            raise SendRejected(shape_error)
        try:
            # Line-wrapped base64 (as MIME encoders produce) is still valid base64.
            data = base64.b64decode(re.sub(r"\s+", "", item["content"]), validate=True)
        except (binascii.Error, ValueError):
            raise SendRejected(send_error(
                "attachment %s: content is not valid base64" % item["name"])) from None
        parsed.append({"name": item["name"], "type": item["type"], "content": item["content"],
                       "content_id": item.get("content_id"), "size": len(data)})
    return parsed


def _check_subject_content_headers(body):
    if len(body.get("subject") or "") > MAX_SUBJECT_CHARS:
        raise SendRejected(send_error("subject exceeds %d characters" % MAX_SUBJECT_CHARS))
    if not any(body.get(field) for field in ("content", "html_content", "mime_raw")):
        raise SendRejected(send_error("missing content"))
    headers = body.get("custom_headers")
    if headers is not None and not (isinstance(headers, dict) and all(
            isinstance(v, str) for v in headers.values())):
        raise SendRejected(send_error("custom_headers must be an object with string values"))


def _validate_send(body):
    """Check a send body in the documented order; returns the parsed pieces."""
    for name in body:
        if name not in SEND_FIELDS:
            raise SendRejected(send_error("unknown field: %s" % name))
    sender = body.get("from")
    sender_address = parse_address(sender.strip()) if isinstance(sender, str) else None
    if sender_address is None:
        raise SendRejected(send_error("missing or not valid sender email (from)"))
    to = body.get("to")
    if to is None or to == [] or (isinstance(to, str) and not to.strip()):
        raise SendRejected(send_error("missing recipients (to)"))
    for field in ("to", "cc", "bcc"):
        if body.get(field) is not None and not isinstance(body[field], str):
            raise SendRejected(send_error("%s must be a comma-separated string" % field))
    recipients = {field: _recipients(body, field) for field in ("to", "cc", "bcc")}
    for field in _STRING_FIELDS:
        if body.get(field) is not None and not isinstance(body[field], str):
            raise SendRejected(send_error("%s must be a string" % field))
    _check_subject_content_headers(body)
    attachments = _attachments(body.get("attachments"))
    mime_raw = body.get("mime_raw")
    if mime_raw and "\r\n\r\n" not in mime_raw and "\n\n" not in mime_raw:
        raise SendRejected(nested_send_error(400, "Invalid Mime"))
    return sender_address, recipients, attachments


# -- the API -------------------------------------------------------------------

class Api:
    def __init__(self, simulator):
        self.sim = simulator  # read sim.world per request: reset() swaps the world
        route = self._route
        self.routes = [
            route(r"/api/authorize", POST=self.authorize, auth=False),
            route(r"/api/deauthorize", POST=self.deauthorize, auth=False),
            route(r"/api/user/info", GET=self.user_info),
            route(r"/api/plans", GET=self.plans),
            route(r"/api/useraccounts/summary", GET=self.subaccounts),
            route(r"/web/api/reports/(?P<report_type>[^/]+)", GET=self.reports_page,
                  DELETE=self.reports_delete),
            route(r"/web/api/reports/(?P<report_type>[^/]+)/count", GET=self.reports_count),
            route(r"/web/api/reports/(?P<report_type>[^/]+)/csv", GET=self.reports_csv),
            route(r"/web/api/reports/(?P<report_type>[^/]+)/all",
                  GET=partial(self.reports_page, dated=False), DELETE=self.reports_delete_all),
            route(r"/web/api/reports/(?P<report_type>[^/]+)/all/count",
                  GET=partial(self.reports_count, dated=False)),
            route(r"/web/api/reports/(?P<report_type>[^/]+)/all/csv",
                  GET=partial(self.reports_csv, dated=False)),
            route(r"/api/stats/panes/emails", GET=self.stats_page),
            route(r"/api/stats/panes/emails/count", GET=self.stats_count),
            route(r"/api/stats/email-feed-last/(?P<no>[^/]+)", GET=self.stats_feed_last),
            route(r"/api/stats/emails/csv", GET=self.stats_csv),
            route(r"/api/tools/(?P<tool>[^/]+)", GET=self.tool_get),
            route(r"/api/tools/(?P<tool>[^/]+)/(?P<action>[^/]+)", PUT=self.tool_set),
            route(SEND_PATH, POST=self.send, auth=False),
        ]

    @staticmethod
    def _route(pattern, auth=True, **methods):
        return re.compile(pattern), methods, auth

    def handle(self, request):
        world = self.sim.world
        path = request.path.rstrip("/") or "/"
        for pattern, methods, needs_auth in self.routes:
            match = pattern.fullmatch(path)
            if not match:
                continue
            handler = methods.get(request.method)
            if handler is None:
                return json_response(405, METHOD_NOT_ALLOWED)
            if needs_auth:
                denied = self._check_token(request, world)
                if denied:
                    return denied
            try:
                return handler(request, world, **match.groupdict())
            except ParamError as error:
                return invalid_param(str(error))
        return json_response(404, NOT_FOUND)

    @staticmethod
    def _token(request):
        return (request.header("Authorization") or request.cookie("Authorization") or "").strip()

    def _check_token(self, request, world):
        token = self._token(request)
        if not token:
            return json_response(401, dict(INVALID_TOKEN, details=(
                "No authorization key was specified for request: %s %s"
                % (request.method, request.path))))
        if not world.token_is_live(token):
            return json_response(401, INVALID_TOKEN)
        return None

    # -- auth ----------------------------------------------------------------
    def authorize(self, request, world):
        body = request.json
        if not (isinstance(body, dict) and isinstance(body.get("email"), str)
                and isinstance(body.get("password"), str)):
            return json_response(400, WRONG_CREDENTIALS)
        outcome = world.check_login(body["email"], body["password"])
        if outcome == "inactive":
            return json_response(403, {"errorCode": 2, "message":
                                       "Provided account is inactive. Maybe you are banned."})
        if outcome != "ok":
            return json_response(401, WRONG_CREDENTIALS)
        no_expire = body.get("no_expire") in ("1", 1, True)
        return json_response(200, {"auth": world.issue_token(no_expire=no_expire)})

    def deauthorize(self, request, world):
        token = self._token(request)
        if not token:
            return json_response(400, {"errorCode": 8, "message":
                                       "No authorization key was specified for request"})
        if not world.revoke_token(token):
            return json_response(404, {"errorCode": 9, "message":
                                       "This authorization token doesn't exist."})
        return json_response(200, {"message": "Token deauthorized"})

    # -- account ---------------------------------------------------------------
    def user_info(self, request, world):
        return json_response(200, world.account)

    def plans(self, request, world):
        return json_response(200, world.plans)

    def subaccounts(self, request, world):
        return json_response(200, world.subaccounts)

    # -- reports -----------------------------------------------------------------
    def _report_rows(self, request, world, report_type, dated):
        """Matching rows, or raise ParamError; the ``/all`` variants have no date range."""
        tz_offset = parse_tz(request.query)
        start = end = None
        if dated:
            start, end = parse_day_range(request.query, tz_offset)
        return world.query_reports(report_type, start, end, request.query.get("filter", ""))

    def reports_page(self, request, world, report_type, dated=True):
        if report_type not in REPORT_TYPES:
            return json_response(404, NOT_FOUND)
        page = parse_page(request.query)
        rows = self._report_rows(request, world, report_type, dated)
        offset = (page - 1) * REPORT_PAGE_SIZE
        return json_response(200, rows[offset:offset + REPORT_PAGE_SIZE])

    def reports_count(self, request, world, report_type, dated=True):
        if report_type not in REPORT_TYPES:
            return json_response(404, NOT_FOUND)
        rows = self._report_rows(request, world, report_type, dated)
        return json_response(200, {"count": len(rows)})

    def reports_csv(self, request, world, report_type, dated=True):
        if report_type not in REPORT_TYPES:
            return json_response(404, NOT_FOUND)
        rows = self._report_rows(request, world, report_type, dated)
        return csv_response(("cid", "email", "ts", "response"), rows, "%s.csv" % report_type)

    def reports_delete(self, request, world, report_type):
        if report_type not in REPORT_TYPES:
            return json_response(404, NOT_FOUND)
        raw = request.query.get("ids", "")
        parts = [p.strip() for p in raw.split(",")]
        if not raw.strip() or not all(_PAGE.match(p) for p in parts):
            raise ParamError("ids: expected a comma-separated list of integer ids")
        world.delete_reports(report_type, {int(p) for p in parts})
        return json_response(200, {"success": True})

    def reports_delete_all(self, request, world, report_type):
        if report_type != "spam":
            return json_response(404, NOT_FOUND)
        world.delete_reports(report_type)
        return json_response(200, {"success": True})

    # -- stats -------------------------------------------------------------------
    def _stats_view(self, request, world, start_name="start", end_name="end"):
        tz_offset = parse_tz(request.query)
        start, end = parse_datetime_range(request.query, tz_offset, start_name, end_name)
        return world.stats(start, end, parse_status_filter(request.query))

    def stats_page(self, request, world):
        page = parse_page(request.query)
        view = self._stats_view(request, world)
        offset = (page - 1) * STATS_PAGE_SIZE
        return json_response(200, view[offset:offset + STATS_PAGE_SIZE])

    def stats_count(self, request, world):
        return json_response(200, {"count": len(self._stats_view(request, world))})

    def stats_feed_last(self, request, world, no):
        if no not in ("10", "20", "30"):
            raise ParamError("no: expected 10, 20 or 30")
        return json_response(200, world.stats()[:int(no)])

    def stats_csv(self, request, world):
        view = self._stats_view(request, world, "start_date", "end_date")
        fields = ("id", "subject", "sender", "recipient", "sendTime", "status", "error")
        return csv_response(fields, view, "emails.csv")

    # -- tools -------------------------------------------------------------------
    def tool_get(self, request, world, tool):
        if tool not in TOOLS:
            return json_response(404, NOT_FOUND)
        with world.lock:
            return json_response(200, world.tool(tool))

    def tool_set(self, request, world, tool, action):
        if tool not in TOOLS or action not in ("enable", "disable"):
            return json_response(404, NOT_FOUND)
        return json_response(200, world.set_tool(tool, action == "enable"))

    # -- send --------------------------------------------------------------------
    def send(self, request, world):
        where = "%s %s" % (request.method, SEND_PATH)
        if request.header("Authorization") is not None:
            return json_response(401, dict(INVALID_TOKEN, details=(
                "Authorization header is not accepted: " + where)))
        if request.too_large:
            return json_response(413, {"message": "error", "errors": ["message exceeds 24 MB"]})
        body = request.json
        denied, auth = self._send_auth(request, world, body)
        if denied:
            return denied
        if not isinstance(body, dict):
            return send_error("invalid JSON body")
        try:
            sender, recipients, attachments = _validate_send(body)
        except SendRejected as rejected:
            return rejected.response
        message = {
            "auth": auth,
            "from": body["from"],
            "to": recipients["to"],
            "cc": recipients["cc"],
            "bcc": recipients["bcc"],
            "subject": body.get("subject"),
            "content": body.get("content"),
            "html_content": body.get("html_content"),
            "custom_headers": body.get("custom_headers") or {},
            "reference_id": body.get("reference_id"),
            "campaign_id": body.get("X-campaign-ID"),
            "mime_raw": body.get("mime_raw"),
            "attachments": attachments,
            "body": {k: v for k, v in body.items() if k not in ("authuser", "authpass")},
        }
        subject = body.get("subject")
        if subject is None and body.get("mime_raw"):
            subject = Parser().parsestr(body["mime_raw"], headersonly=True).get("Subject")
        all_recipients = recipients["to"] + recipients["cc"] + recipients["bcc"]
        mid = world.accept_message(message, sender, all_recipients, subject)
        if mid is None:
            return nested_send_error(402, "nocredit")
        return json_response(200, {"message": "OK", "mid": mid})

    @staticmethod
    def _send_auth(request, world, body):
        """(error response or None, auth mode)."""
        wrong = json_response(401, {"error": 3, "message": "Wrong credentials specified"})
        key, secret = request.header("consumerKey"), request.header("consumerSecret")
        if key is not None or secret is not None:
            if key != CONSUMER_KEY or secret != CONSUMER_SECRET:
                return wrong, None
            return None, "consumer_key"
        if isinstance(body, dict) and ("authuser" in body or "authpass" in body):
            user, password = body.get("authuser"), body.get("authpass")
            if not isinstance(user, str) or not isinstance(password, str):
                return wrong, None
            outcome = world.check_login(user, password)
            if outcome == "inactive":
                return json_response(403, {"error": 3, "message":
                                           "Account for  %s  is inactive" % user.strip()}), None
            if outcome != "ok":
                return wrong, None
            return None, "legacy"
        return json_response(401, dict(INVALID_TOKEN, details=(
            "No authorization key was specified for request: POST " + SEND_PATH))), None
