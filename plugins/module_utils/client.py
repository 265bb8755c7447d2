# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client of the collection.

Modules, the send action plugin, the notify callback and the event sources all talk to
turboSMTP through this file, and nothing else in the collection does HTTP. It knows
nothing about AnsibleModule: callers turn TurboSMTPError into whatever failure their
world uses (fail_json, a warning, a log line).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import random
import tempfile
import threading
import time
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from ansible_collections.turbosmtp.api.plugins.module_utils.version import COLLECTION_VERSION

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # tested by test_missing_requests.py, in a process without requests
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

DEFAULT_DASHBOARD_URL = 'https://dashboard.serversmtp.com'
SEND_URLS = {
    'global': 'https://api.turbo-smtp.com',
    'eu': 'https://api.eu.turbo-smtp.com',
}
USER_AGENT = 'turbosmtp.api-ansible-collection/%s' % COLLECTION_VERSION

# Every path of the API, here and nowhere else: callers name operations, not paths.
SEND_PATH = '/api/v2/mail/send'
AUTHORIZE_PATH = '/api/authorize'
DEAUTHORIZE_PATH = '/api/deauthorize'
ACCOUNT_PATH = '/api/user/info'
PLANS_PATH = '/api/plans'
SUBACCOUNTS_PATH = '/api/useraccounts/summary'
TOOL_PATH = '/api/tools/%s'
SET_TOOL_PATH = '/api/tools/%s/%s'
STATS_PATH = '/api/stats/panes/emails'
STATS_CSV_PATH = '/api/stats/emails/csv'
STATS_FEED_PATH = '/api/stats/email-feed-last/%d'
REPORTS_PATH = '/web/api/reports/%s'
# Appended to a list path: its row count, its CSV export, and (reports) the whole history instead of a range.
COUNT_SUFFIX = '/count'
CSV_SUFFIX = '/csv'
WHOLE_HISTORY_SUFFIX = '/all'

REPORT_PAGE_SIZE = 20
STATS_PAGE_SIZE = 10

# The API's error codes: the seed's "General errors" table, and the answers of POST /api/deauthorize.
WRONG_CREDENTIALS = 1
ACCOUNT_INACTIVE = 2
INVALID_TOKEN = 3
RESOURCE_NOT_FOUND = 4
SERVER_ERROR = 5
CONCURRENT_MODIFICATION = 6
ACCESS_DENIED = 7
NO_TOKEN_GIVEN = 8
TOKEN_NOT_FOUND = 9

ConnectionOption = namedtuple('ConnectionOption', 'env default')
# Every connection option: the TURBOSMTP_* environment variable it falls back to, and its default. The
# modules' argument specs, the events source and the clients' from_options() all read this one table.
CONNECTION_OPTIONS = {
    'api_token': ConnectionOption('TURBOSMTP_API_TOKEN', None),
    'email': ConnectionOption('TURBOSMTP_EMAIL', None),
    'password': ConnectionOption('TURBOSMTP_PASSWORD', None),
    'dashboard_url': ConnectionOption('TURBOSMTP_DASHBOARD_URL', DEFAULT_DASHBOARD_URL),
    'consumer_key': ConnectionOption('TURBOSMTP_CONSUMER_KEY', None),
    'consumer_secret': ConnectionOption('TURBOSMTP_CONSUMER_SECRET', None),
    'region': ConnectionOption('TURBOSMTP_REGION', 'global'),
    'send_url': ConnectionOption('TURBOSMTP_SEND_URL', None),
    'validate_certs': ConnectionOption(None, True),
    'timeout': ConnectionOption(None, 30),
    'retries': ConnectionOption(None, 3),
}
DASHBOARD_OPTIONS = ('api_token', 'email', 'password', 'dashboard_url', 'validate_certs', 'timeout', 'retries')
SEND_OPTIONS = ('consumer_key', 'consumer_secret', 'email', 'password', 'region', 'send_url', 'validate_certs',
                'timeout', 'retries')

RETRYABLE_STATUSES = (429, 502, 503, 504)
# Methods whose repetition cannot duplicate an effect, so a lost answer may be asked again.
IDEMPOTENT_METHODS = ('GET', 'PUT', 'DELETE')
# A server asking us to wait longer than this is treated as a failure, not a pause.
MAX_RETRY_AFTER = 120.0
ERROR_BODY_PREVIEW = 200
DOWNLOAD_CHUNK = 64 * 1024
# A CSV export this small is checked for being JSON in disguise; a JSON error body is never this big.
JSON_SNIFF_LIMIT = 1024 * 1024


class TurboSMTPError(Exception):
    """A failed turboSMTP request, described in one sentence a user can act on.

    ``status`` is the HTTP status (None when no answer came back), ``error_code`` and
    ``details`` are the API's own, and ``may_have_been_sent`` marks a send whose fate is
    unknown (the request went out but no answer came back).
    """

    def __init__(self, message, status=None, error_code=None, details=None, may_have_been_sent=False):
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.details = details
        self.may_have_been_sent = may_have_been_sent

    def result_fields(self):
        """What a failed task returns beside its msg."""
        return {
            'http_status': self.status,
            'error_code': self.error_code,
            'error_details': self.details,
        }


def _flatten_errors(errors):
    """Send API errors come as strings, lists of lists, or a nested {message, errors} object."""
    if isinstance(errors, dict):
        return _flatten_errors(errors.get('errors', errors.get('message')))
    if isinstance(errors, (list, tuple)):
        return [text for item in errors for text in _flatten_errors(item)]
    if errors is None:
        return []
    return [str(errors)]


def parse_error_body(body):
    """Return (error_code, message, details) from any documented error shape, or None."""
    if not isinstance(body, dict):
        return None
    if 'errorCode' in body or 'error' in body:
        code = body.get('errorCode', body.get('error'))
        return code, str(body.get('message') or 'unknown error'), body.get('details')
    if 'errors' in body:
        return None, '; '.join(_flatten_errors(body['errors'])) or str(body.get('message')), None
    if 'message' in body:
        return None, str(body['message']), None
    return None


def is_error_body(body):
    """True when a body is one of the API's error objects, whatever the HTTP status it came with.

    The seed documents errors under ``HTTP/1.1 200 OK`` (a failed login, an unknown token):
    ``{"errorCode": n, "message": ...}``, ``{"error": n, "message": ...}``, and on the send
    host ``{"message": "error", "errors": ...}``. No documented success body has these keys
    (a send's success is ``{"message": "OK", "mid": n}``; stats rows carry ``"error": null``
    but come inside a list).
    """
    if not isinstance(body, dict):
        return False
    if body.get('errorCode') is not None:
        return True
    if body.get('error') not in (None, False, '') and 'message' in body:
        return True
    return body.get('message') == 'error' and 'errors' in body


def row_identity(row):
    """A value equal for two rows exactly when every field of theirs is equal.

    Two different rows may share an ``id`` (stats) or a ``cid`` (reports) - the seed's own
    examples do - so only a row identical in every field is the same row seen twice. A row of
    plain fields is compared field by field with each value's type (1, 1.0 and true differ, as
    their JSON does), three times cheaper than its JSON text; a row holding a list or an object
    is compared by its JSON text.
    """
    try:
        identity = tuple(sorted((name, type(value), value) for name, value in row.items()))
        hash(identity)
    except (AttributeError, TypeError):
        return json.dumps(row, sort_keys=True, separators=(',', ':'), default=str)
    return identity


def _checked_base_url(url):
    """(the URL as requests would send it, without a trailing slash; None) or (None, why it cannot be used)."""
    checked = requests.PreparedRequest()
    try:
        checked.prepare_url(url, None)
    except (requests.exceptions.RequestException, ValueError) as error:
        return None, '%s is not a URL turboSMTP can be reached at (%s)' % (url, error)
    return checked.url.rstrip('/'), None


def _query_string(params):
    """``?`` and the parameters as requests encodes them (a list repeats its name, None is left out), or nothing."""
    pairs = []
    for name, value in (params or {}).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        pairs.extend((name, item) for item in values if item is not None)
    return '?' + urlencode(pairs) if pairs else ''


def _kind(value):
    """How an answer looks, for messages that must not quote it (it may hold account data)."""
    if isinstance(value, dict):
        return 'an object'
    if isinstance(value, list):
        return 'a list'
    if value is None:
        return 'null'
    return 'a %s' % type(value).__name__


def expect_object(answer, label, keys=()):
    """The answer when it is a JSON object holding ``keys``, else a TurboSMTPError naming the request."""
    if not isinstance(answer, dict):
        raise TurboSMTPError('turboSMTP request %s returned %s where an object was expected' % (label, _kind(answer)))
    missing = [key for key in keys if key not in answer]
    if missing:
        raise TurboSMTPError('turboSMTP request %s returned an object without %s' % (label, ', '.join(missing)))
    return answer


def expect_rows(answer, label):
    """The answer when it is a list of JSON objects, else a TurboSMTPError naming the request."""
    if not isinstance(answer, list):
        raise TurboSMTPError('turboSMTP request %s returned %s where a list was expected' % (label, _kind(answer)))
    for index, row in enumerate(answer):
        if not isinstance(row, dict):
            raise TurboSMTPError('turboSMTP request %s returned a list whose item %d is %s, not an object'
                                 % (label, index, _kind(row)))
    return answer


def _preview(text):
    """The start of an unexpected body, on one line, for error messages."""
    flat = ' '.join(text.split())
    if len(flat) > ERROR_BODY_PREVIEW:
        flat = flat[:ERROR_BODY_PREVIEW] + '...'
    return flat or '(empty body)'


def _retry_after_seconds(response):
    value = response.headers.get('Retry-After')
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value).timestamp() - time.time()))
    except (TypeError, ValueError, OverflowError):
        return None


def _never_reached_server(exc):
    """True when the TCP connection was never established, so the server saw nothing."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError) or type(current).__name__ in ('NewConnectionError', 'NameResolutionError'):
            return True
        # ssl.SSLError's reason is a text such as CERTIFICATE_VERIFY_FAILED; urllib3's is an exception.
        linked = [getattr(current, 'reason', None), current.__cause__, current.__context__] + list(getattr(current, 'args', ()))
        pending.extend(link for link in linked if isinstance(link, BaseException))
    return False


def option_value(options, name):
    """options[name], or the default of that connection option when it is not set."""
    value = options.get(name)
    return CONNECTION_OPTIONS[name].default if value is None else value


def connection_settings(given, names, environ=None):
    """The options ``names`` as given, else from their TURBOSMTP_* variable, else their default.

    For callers without Ansible's option handling (the events source); an empty value counts as unset.
    """
    environ = os.environ if environ is None else environ
    settings = {}
    for name in names:
        value = given.get(name)
        variable = CONNECTION_OPTIONS[name].env
        if value in (None, '') and variable:
            value = environ.get(variable) or None
        settings[name] = option_value({name: value}, name)
    return settings


def _transport_options(options):
    return dict((name, option_value(options, name)) for name in ('timeout', 'retries', 'validate_certs'))


class RetryPolicy:
    """How many times to ask again and how long to wait in between.

    Exponential backoff with full jitter keeps many clients from retrying in lockstep;
    a server's Retry-After always wins over our own guess.
    """

    def __init__(self, retries=3, backoff=0.5, max_backoff=30.0, sleep=time.sleep):
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep

    def delay(self, attempt, retry_after=None):
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_backoff, self.backoff * (2 ** attempt))
        return random.uniform(ceiling / 2, ceiling)


class _HttpClient:
    """One requests.Session with connection reuse, a single request path and retries."""

    def __init__(self, base_url, timeout=30, retries=3, validate_certs=True, pool_size=10, retry_policy=None):
        if not HAS_REQUESTS:
            raise TurboSMTPError('the Python library "requests" is required')
        self.base_url = base_url.rstrip('/')
        self._request_base, self._url_problem = _checked_base_url(base_url)
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy(retries)
        self.session = requests.Session()
        self._settle_environment(validate_certs)
        self.session.headers.update({'User-Agent': USER_AGENT, 'Accept': 'application/json'})
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(10, pool_size))
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)

    def _settle_environment(self, validate_certs):
        """Read the proxy and CA bundle settings from the environment once, for the one host this client calls.

        requests re-reads every environment variable on each request when trust_env is on, a large
        share of its own per-request cost. With one base URL the answer cannot change within a run.
        trust_env also lets a ~/.netrc entry for the host replace our Authorization header, which
        only breaks authentication: that part is left off.
        """
        self.session.trust_env = False
        self.session.proxies = {} if self._url_problem else requests.utils.get_environ_proxies(self.base_url)
        if validate_certs:
            self.session.verify = os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
        else:
            self.session.verify = False

    def close(self):
        self.session.close()

    def _headers(self):
        return {}

    def request(self, method, path, params=None, json=None, stream=False, at_most_once=False):
        """Send one request and return the requests.Response of a 2xx answer.

        Every failure becomes a TurboSMTPError. With ``at_most_once`` a request is repeated
        only when the server certainly did not act on it: a 429 or a connection that was
        never established.
        """
        if self._url_problem:
            raise TurboSMTPError(self._url_problem)
        idempotent = method in IDEMPOTENT_METHODS and not at_most_once
        label = '%s %s' % (method, path)
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self.session.send(self._prepare(method, path, params, json), timeout=self.timeout, stream=stream)
            except requests.exceptions.RequestException as exc:
                unsent = _never_reached_server(exc)
                if (idempotent or unsent) and attempt < self.retry_policy.retries:
                    self.retry_policy.sleep(self.retry_policy.delay(attempt))
                    attempt += 1
                    continue
                raise self._transport_error(label, exc, unsent, attempt, at_most_once) from exc
            if response.status_code < 400:
                return response
            if response.status_code in RETRYABLE_STATUSES and attempt < self.retry_policy.retries:
                retry_after = _retry_after_seconds(response)
                if (response.status_code == 429 or idempotent) and (retry_after is None or retry_after <= MAX_RETRY_AFTER):
                    response.close()
                    self.retry_policy.sleep(self.retry_policy.delay(attempt, retry_after))
                    attempt += 1
                    continue
            raise self._http_error(label, response, attempt, at_most_once)

    def _prepare(self, method, path, params, json):
        """The request as Session.request would prepare it, without the work our fixed base URL makes needless.

        Session.request re-parses and re-quotes the whole URL and merges cookies, hooks and settings on
        every call: half of the client's CPU per request, which a listing of hundreds of pages feels.
        The base URL is checked once, when the client is made; the path is ours, and the query is
        encoded as requests encodes it.
        """
        prepared = requests.PreparedRequest()
        prepared.prepare_method(method)
        prepared.url = self._request_base + path + _query_string(params)
        prepared.prepare_headers(dict(self.session.headers, **self._headers()))
        prepared.prepare_body(data=None, files=None, json=json)
        return prepared

    def _transport_error(self, label, exc, unsent, attempts, at_most_once):
        kind = 'timed out after %gs' % self.timeout if isinstance(exc, requests.exceptions.Timeout) else 'connection failed'
        message = 'turboSMTP request %s %s (%s)' % (label, kind, type(exc).__name__)
        if attempts:
            message += ' after %d retries' % attempts
        may_have_been_sent = at_most_once and not unsent
        if may_have_been_sent:
            message += '; the message may or may not have been sent, so it was not retried'
        return TurboSMTPError(message, may_have_been_sent=may_have_been_sent)

    def _http_error(self, label, response, attempts, at_most_once):
        try:
            parsed = parse_error_body(response.json())
        except ValueError:
            parsed = None
        if parsed is None:
            parsed = None, 'unexpected response: %s' % _preview(response.text), None
        return self._api_error(label, response.status_code, parsed, attempts, at_most_once and response.status_code >= 500)

    def _api_error(self, label, status, parsed, attempts=0, may_have_been_sent=False):
        code, api_message, details = parsed
        message = 'turboSMTP request %s failed with HTTP %d: %s' % (label, status, api_message)
        extras = []
        if code is not None:
            extras.append('error code %s' % code)
        if details:
            extras.append(str(details))
        if attempts:
            extras.append('after %d retries' % attempts)
        if extras:
            message += ' (%s)' % '; '.join(extras)
        if may_have_been_sent:
            message += '; the message may or may not have been sent, so it was not retried'
        return TurboSMTPError(message, status=status, error_code=code, details=details,
                              may_have_been_sent=may_have_been_sent)

    def request_json(self, method, path, params=None, json=None, at_most_once=False):
        """Send one request and return its JSON answer; an error object is an error whatever the status."""
        response = self.request(method, path, params=params, json=json, at_most_once=at_most_once)
        try:
            answer = response.json()
        except ValueError as error:
            message = ('turboSMTP request %s %s returned HTTP %d with a body that is not JSON: %s'
                       % (method, path, response.status_code, _preview(response.text)))
            if at_most_once:
                message += '; the message may or may not have been sent, so it was not retried'
            raise TurboSMTPError(message, status=response.status_code, may_have_been_sent=at_most_once) from error
        if is_error_body(answer):
            raise self._api_error('%s %s' % (method, path), response.status_code, parse_error_body(answer))
        return answer


class DashboardClient(_HttpClient):
    """The dashboard API: account, plans, subaccounts, reports, stats and tools.

    Authenticates with ``api_token``, or with ``email`` and ``password``: then it asks for
    a short-lived token on first use and revokes it in close().
    """

    def __init__(self, base_url=DEFAULT_DASHBOARD_URL, api_token=None, email=None, password=None, **kwargs):
        super().__init__(base_url, **kwargs)
        self.api_token = api_token
        self.email = email
        self.password = password
        self._owns_token = False
        self._login_lock = threading.Lock()

    @classmethod
    def from_options(cls, options, pool_size=10):
        """A client from connection options (module parameters, source args); unset ones take their default."""
        return cls(option_value(options, 'dashboard_url'), api_token=options.get('api_token'), email=options.get('email'),
                   password=options.get('password'), pool_size=pool_size, **_transport_options(options))

    def _headers(self):
        return {'Authorization': self.api_token} if self.api_token else {}

    def ensure_token(self):
        with self._login_lock:
            if self.api_token:
                return
            if not (self.email and self.password):
                raise TurboSMTPError('no dashboard credentials: set api_token, or email and password '
                                     '(or TURBOSMTP_API_TOKEN, or TURBOSMTP_EMAIL and TURBOSMTP_PASSWORD)')
            self.api_token = self.authorize(self.email, self.password)
            self._owns_token = True

    def authorize(self, email, password, no_expire=False):
        """Exchange account credentials for a token."""
        body = {'email': email, 'password': password}
        if no_expire:
            body['no_expire'] = '1'
        answer = self.request_json('POST', AUTHORIZE_PATH, json=body)
        if not isinstance(answer, dict) or not isinstance(answer.get('auth'), str) or not answer['auth']:
            raise TurboSMTPError('turboSMTP request POST %s returned no token' % AUTHORIZE_PATH)
        return answer['auth']

    def deauthorize(self, token):
        """Revoke a token. Returns False when it did not exist."""
        saved, self.api_token = self.api_token, token
        try:
            self.request_json('POST', DEAUTHORIZE_PATH)
            return True
        except TurboSMTPError as error:
            if error.error_code == TOKEN_NOT_FOUND:
                return False
            raise
        finally:
            self.api_token = saved

    def close(self):
        """Revoke the token this client asked for, then drop the connections."""
        try:
            if self._owns_token and self.api_token:
                token, self.api_token, self._owns_token = self.api_token, None, False
                self.deauthorize(token)
        finally:
            super().close()

    def call(self, method, path, params=None, json=None):
        self.ensure_token()
        token = self.api_token
        try:
            return self.request_json(method, path, params=params, json=json)
        except TurboSMTPError as error:
            if not (self._owns_token and (error.status == 401 or error.error_code == INVALID_TOKEN)):
                raise
        # A token we asked for lasts an hour; a long-running caller (an event source) logs in again once.
        self._renew_token(token)
        return self.request_json(method, path, params=params, json=json)

    def _renew_token(self, expired):
        with self._login_lock:
            if self.api_token == expired:
                self.api_token = self.authorize(self.email, self.password)

    def _get_object(self, path, keys=()):
        """GET an answer that must be a JSON object holding ``keys``."""
        return expect_object(self.call('GET', path), 'GET %s' % path, keys)

    def _get_rows(self, path):
        """GET an answer that must be a list of JSON objects."""
        return expect_rows(self.call('GET', path), 'GET %s' % path)

    # Account

    def user_info(self):
        return self._get_object(ACCOUNT_PATH)

    def plans(self):
        return self._get_rows(PLANS_PATH)

    def subaccounts(self):
        return self._get_rows(SUBACCOUNTS_PATH)

    # Tools

    def tool(self, name):
        """A tool object; its ``enabled`` is checked to be a boolean, the one field callers decide on."""
        path = TOOL_PATH % name
        return _checked_tool(self._get_object(path, keys=('enabled',)), 'GET %s' % path)

    def set_tool(self, name, enabled):
        """Switch a tool on or off; returns the tool object the API answers, as tool() does."""
        path = SET_TOOL_PATH % (name, 'enable' if enabled else 'disable')
        answer = expect_object(self.call('PUT', path), 'PUT %s' % path, keys=('enabled',))
        return _checked_tool(answer, 'PUT %s' % path)

    # Stats: one row per recipient of a message, 10 to a page.

    def stats_count(self, query):
        """How many stats rows match ``query`` (start, end, and optionally filter and tz)."""
        return self._count(STATS_LISTING, query)

    def stats_list(self, query, limit=None, concurrency=4):
        """(the stats rows matching ``query`` in API order, up to limit; their count)."""
        return self._list(STATS_LISTING, query, limit, concurrency)

    def stats_csv(self, query, dest):
        """Write the CSV export of the stats rows matching ``query`` to ``dest``; return its size.

        The export names the range start_date and end_date where the list says start and end.
        """
        renamed = dict(query)
        renamed['start_date'] = renamed.pop('start')
        renamed['end_date'] = renamed.pop('end')
        return self.download(STATS_CSV_PATH, renamed, dest)

    def stats_feed(self, size):
        """The latest ``size`` (10, 20 or 30) stats rows, the dashboard's email feed."""
        return self._get_rows(STATS_FEED_PATH % size)

    # Reports: bounces, spam complaints and unsubscribes of one type, 20 to a page.

    def reports_count(self, report_type, query, whole_history=False):
        """How many reports of ``report_type`` match ``query`` (a start and end unless ``whole_history``)."""
        return self._count(_reports_listing(report_type, whole_history), query)

    def reports_list(self, report_type, query, whole_history=False, limit=None, concurrency=4):
        """(the reports matching ``query`` in API order, up to limit; their count)."""
        return self._list(_reports_listing(report_type, whole_history), query, limit, concurrency)

    def reports_csv(self, report_type, query, dest, whole_history=False):
        """Write the CSV export of the reports matching ``query`` to ``dest``; return its size."""
        return self.download(_reports_listing(report_type, whole_history).path + CSV_SUFFIX, query, dest)

    def report_ids(self, report_type, query, whole_history=False, concurrency=4):
        """The cids of the reports matching ``query``, in API order, each once.

        Two different rows may share a cid (the seed's examples do); a delete takes the cid once.
        """
        listing = _reports_listing(report_type, whole_history)
        rows, dummy = self._list(listing, query, None, concurrency)
        ids = []
        for index, row in enumerate(rows):
            if row.get('cid') is None:
                raise TurboSMTPError('turboSMTP request GET %s returned a report without a cid (row %d)'
                                     % (listing.path, index))
            if str(row['cid']) not in ids:
                ids.append(str(row['cid']))
        return ids

    def delete_reports(self, report_type, ids):
        """Delete the reports of ``report_type`` with these cids; the API must answer {"success": true}."""
        self._delete(REPORTS_PATH % report_type, {'ids': ','.join(ids)})

    def delete_all_spam(self):
        """Delete every spam report at once, including any that arrived after a listing."""
        self._delete(REPORTS_PATH % 'spam' + WHOLE_HISTORY_SUFFIX, None)

    def _delete(self, path, params):
        answer = self.call('DELETE', path, params=params)
        if not (isinstance(answer, dict) and answer.get('success') is True):
            shown = _preview(json.dumps(answer)) if isinstance(answer, dict) else _kind(answer)
            raise TurboSMTPError('turboSMTP request DELETE %s did not answer {"success": true} but %s' % (path, shown))

    # Paging

    def _count(self, listing, params):
        path = listing.path + COUNT_SUFFIX
        answer = self.call('GET', path, params=params)
        count = answer.get('count') if isinstance(answer, dict) else None
        if isinstance(count, str) and count.strip().isascii() and count.strip().isdigit():
            count = int(count)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TurboSMTPError('turboSMTP request GET %s returned no count: %s' % (path, _preview(str(answer))))
        return count

    def _fetch_pages(self, listing, params, total, limit=None, concurrency=4):
        """Fetch every page of a list that holds ``total`` rows, in API order.

        Pages are fetched concurrently. New rows arrive at the top while we read, so a row
        may move across a page boundary and come back on the next page: a row the same, by
        the listing's identity, as one of an earlier page is dropped. A full last page means
        the list grew, so reading goes on until a short page.
        """
        page_size = listing.page_size
        wanted = total if limit is None else min(total, limit)
        pages = -(-wanted // page_size)
        if total and wanted == total and total % page_size == 0:
            # A full last page cannot tell whether the list grew; ask for the next one alongside.
            pages += 1
        self.ensure_token()

        def fetch(page):
            answer = self.call('GET', listing.path, params=dict(params, page=page))
            return expect_rows(answer, 'GET %s page %d' % (listing.path, page))

        batches = []
        if pages:
            with ThreadPoolExecutor(max_workers=max(1, min(concurrency, pages))) as pool:
                batches = list(pool.map(fetch, range(1, pages + 1)))
        next_page = pages + 1
        while batches and len(batches[-1]) == page_size and (limit is None or sum(map(len, batches)) < limit):
            batches.append(fetch(next_page))
            next_page += 1
        return _unique_rows(batches, limit, listing.identity)

    def _list(self, listing, params, limit, concurrency):
        total = self._count(listing, params)
        return self._fetch_pages(listing, params, total, limit=limit, concurrency=concurrency), total

    def download(self, path, params, dest):
        """Stream a CSV export to ``dest`` without holding it in memory; return its size.

        The file appears whole or not at all: it is written next to ``dest`` and renamed.
        An answer that is not CSV (a JSON or HTML type, or a body that is a JSON object or
        list) fails and leaves ``dest`` as it was.
        """
        self.ensure_token()
        label = 'GET %s' % path
        response = self.request('GET', path, params=params, stream=True)
        directory = os.path.dirname(os.path.abspath(dest))
        partial = None
        size = 0
        try:
            content_type = response.headers.get('Content-Type', '').split(';')[0].strip().lower()
            if 'json' in content_type or 'html' in content_type:
                start = next(response.iter_content(chunk_size=JSON_SNIFF_LIMIT), b'')
                raise self._not_csv(label, response.status_code, content_type, start.decode('utf-8', 'replace'), dest)
            handle, partial = tempfile.mkstemp(prefix='.turbosmtp-', suffix='.csv', dir=directory)
            with os.fdopen(handle, 'wb') as output:
                for chunk in response.iter_content(chunk_size=DOWNLOAD_CHUNK):
                    output.write(chunk)
                    size += len(chunk)
            disguised = _json_in_file(partial) if size <= JSON_SNIFF_LIMIT else None
            if disguised is not None:
                raise self._not_csv(label, response.status_code, content_type or 'no type', disguised, dest)
            os.replace(partial, dest)
        except requests.exceptions.RequestException as exc:
            raise TurboSMTPError('turboSMTP request GET %s failed while downloading (%s)' % (path, type(exc).__name__)) from exc
        finally:
            response.close()
            if partial is not None and os.path.exists(partial):
                os.remove(partial)
        return size

    def _not_csv(self, label, status, content_type, text, dest):
        try:
            parsed = parse_error_body(json.loads(text))
        except ValueError:
            parsed = None
        if parsed is not None and parsed[0] is not None:
            error = self._api_error(label, status, parsed)
            return TurboSMTPError('%s instead of CSV; %s was left as it was' % (error.message, dest), status=status,
                                  error_code=error.error_code, details=error.details)
        return TurboSMTPError('turboSMTP request %s answered HTTP %d with %s instead of CSV (%s); %s was left as it was'
                              % (label, status, content_type, _preview(text), dest), status=status)


class _Listing:
    """A paged list of the API: where it is, how many rows a page holds, and what makes two rows one.

    ``identity`` gives a text equal for two rows exactly when they are the same row seen twice.
    """

    def __init__(self, path, page_size, identity=row_identity):
        self.path = path
        self.page_size = page_size
        self.identity = identity


# Different stats rows may share an id and different reports a cid, so only a row identical in
# every field is the same row.
STATS_LISTING = _Listing(STATS_PATH, STATS_PAGE_SIZE)


def _reports_listing(report_type, whole_history):
    path = REPORTS_PATH % report_type
    return _Listing(path + WHOLE_HISTORY_SUFFIX if whole_history else path, REPORT_PAGE_SIZE)


def _checked_tool(tool, label):
    if tool['enabled'] not in (True, False):
        raise TurboSMTPError('turboSMTP request %s returned a tool whose "enabled" is %s, not true or false'
                             % (label, _preview(json.dumps(tool['enabled']))))
    return tool


def _json_in_file(path):
    """The text of the file when it holds a JSON object or list rather than CSV, else None."""
    with open(path, 'rb') as source:
        data = source.read()
    text = data.decode('utf-8', 'replace').lstrip('\ufeff \t\r\n')
    if not text.startswith(('{', '[')):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return text if isinstance(parsed, (dict, list)) else None


def _unique_rows(batches, limit, identity):
    """The rows of every page in order, without those the same as a row of an earlier page."""
    rows = []
    earlier_pages = set()
    for batch in batches:
        identities = [identity(row) for row in batch]
        rows.extend(row for row, identity in zip(batch, identities) if identity not in earlier_pages)
        earlier_pages.update(identities)
    return rows if limit is None else rows[:limit]


class SendClient(_HttpClient):
    """The send host: POST /api/v2/mail/send, at most once per message.

    Authenticates with the consumerKey/consumerSecret headers, or else with the account
    email and password as the legacy authuser/authpass body fields.
    """

    def __init__(self, send_url=None, region='global', consumer_key=None, consumer_secret=None,
                 email=None, password=None, **kwargs):
        super().__init__(send_url or SEND_URLS[region], **kwargs)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.email = email
        self.password = password

    @classmethod
    def from_options(cls, options, pool_size=10):
        """A client from connection options (module parameters, callback options); unset ones take their default."""
        return cls(options.get('send_url'), region=option_value(options, 'region'),
                   consumer_key=options.get('consumer_key'), consumer_secret=options.get('consumer_secret'),
                   email=options.get('email'), password=options.get('password'), pool_size=pool_size,
                   **_transport_options(options))

    def check_credentials(self):
        if not (self.consumer_key and self.consumer_secret) and not (self.email and self.password):
            raise TurboSMTPError('no send credentials: set consumer_key and consumer_secret, or email and password '
                                 '(or TURBOSMTP_CONSUMER_KEY and TURBOSMTP_CONSUMER_SECRET)')

    def _headers(self):
        if self.consumer_key and self.consumer_secret:
            return {'consumerKey': self.consumer_key, 'consumerSecret': self.consumer_secret}
        return {}

    def send(self, message):
        """Send one message (the API's body fields); return its mid as a string."""
        self.check_credentials()
        body = dict(message)
        if not (self.consumer_key and self.consumer_secret):
            body.update(authuser=self.email, authpass=self.password)
        answer = self.request_json('POST', SEND_PATH, json=body, at_most_once=True)
        if not isinstance(answer, dict) or answer.get('mid') is None:
            raise TurboSMTPError('turboSMTP accepted the message but returned no mid: %s' % _preview(str(answer)))
        return str(answer['mid'])
