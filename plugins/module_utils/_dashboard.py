# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The dashboard API: the token's life (login, renewal, revocation) and one method per operation,
lists read whole or as a CSV export."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import (
    TurboSMTPError,
    api_error,
    expect_object,
    expect_rows,
    kind,
    parse_error_body,
    preview,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import DEFAULT_DASHBOARD_URL, dashboard_client_arguments
from ansible_collections.turbosmtp.api.plugins.module_utils._files import replacing_file
from ansible_collections.turbosmtp.api.plugins.module_utils._paging import Listing, fetch_pages
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import HttpTransport

# requests' base exception, a subclass of OSError; OSError itself without requests.
RequestException = OSError  # type: type[OSError]
try:
    from requests.exceptions import RequestException
except ImportError:  # HttpTransport refuses to start without requests
    pass

# Every path of the dashboard API, here and nowhere else: callers name operations, not paths.
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

# Revoking our token on the way out (a failure, a task timeout) waits this long at most, without retries.
REVOCATION_TIMEOUT = 5.0
DOWNLOAD_CHUNK = 64 * 1024
# A CSV export this small is checked for being JSON in disguise; a JSON error body is never this big.
JSON_SNIFF_LIMIT = 1024 * 1024

# Different stats rows may share an id and different reports a cid, so only a row identical in
# every field is the same row.
STATS_LISTING = Listing(STATS_PATH, STATS_PAGE_SIZE)


def reports_listing(report_type, whole_history):
    path = REPORTS_PATH % report_type
    return Listing(path + WHOLE_HISTORY_SUFFIX if whole_history else path, REPORT_PAGE_SIZE)


class DashboardClient(HttpTransport):
    """The dashboard API: account, plans, subaccounts, reports, stats and tools.

    Authenticates with ``api_token``, or with ``email`` and ``password``: then it asks for
    a short-lived token on first use, asks again once if that token expires, and revokes it in close().
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
        return cls(**dashboard_client_arguments(options, pool_size))

    def _headers(self, token=None):
        token = token or self.api_token
        return {'Authorization': token} if token else {}

    def _header_options(self):
        return (('api_token', self.api_token),)

    # The token's life

    def ensure_token(self):
        """The token requests carry: api_token, or one asked for with email and password on first use."""
        with self._login_lock:
            if self.api_token:
                return self.api_token
            if not (self.email and self.password):
                raise TurboSMTPError('no dashboard credentials: set api_token, or email and password '
                                     '(or TURBOSMTP_API_TOKEN, or TURBOSMTP_EMAIL and TURBOSMTP_PASSWORD)')
            self.api_token = self.authorize(self.email, self.password)
            self._owns_token = True
            return self.api_token

    def authorize(self, email, password, no_expire=False):
        """Exchange account credentials for a token."""
        body = {'email': email, 'password': password}
        if no_expire:
            body['no_expire'] = '1'
        answer = self.json_answer('POST', AUTHORIZE_PATH, json=body, headers={})
        if not isinstance(answer, dict) or not isinstance(answer.get('auth'), str) or not answer['auth']:
            raise TurboSMTPError('turboSMTP request POST %s returned no token' % AUTHORIZE_PATH)
        return answer['auth']

    def deauthorize(self, token, timeout=None, retry=True):
        """Revoke ``token``. Returns False when it did not exist."""
        try:
            self.json_answer('POST', DEAUTHORIZE_PATH, headers=self._headers(token), timeout=timeout, retry=retry)
            return True
        except TurboSMTPError as error:
            if error.error_code == TOKEN_NOT_FOUND:
                return False
            raise

    def close(self):
        """Revoke the token this client asked for (once, within REVOCATION_TIMEOUT), then drop the connections.

        Safe to call again, and from a handler of any exception.
        """
        try:
            with self._login_lock:
                token = self.api_token if self._owns_token else None
                if token:
                    self.api_token, self._owns_token = None, False
            if token:
                self.deauthorize(token, timeout=min(self.timeout, REVOCATION_TIMEOUT), retry=False)
        finally:
            super().close()

    def _renewed_token(self, expired):
        with self._login_lock:
            if self.api_token == expired:
                self.api_token = self.authorize(self.email, self.password)
            return self.api_token

    def _authenticated(self, send):
        """send(headers) with the token; once more with a new token when a token this client asked for expired."""
        token = self.ensure_token()
        try:
            return send(self._headers(token))
        except TurboSMTPError as error:
            if not (self._owns_token and (error.status == 401 or error.error_code == INVALID_TOKEN)):
                raise
        # A token we asked for lasts an hour; a long-running caller (an event source) logs in again once.
        return send(self._headers(self._renewed_token(token)))

    def authenticated_json(self, method, path, params=None, json=None):
        """The JSON answer of a request made with the token (logging in first, renewing an expired own token)."""
        return self._authenticated(lambda headers: self.json_answer(method, path, params=params, json=json, headers=headers))

    def get_object(self, path, keys=()):
        """authenticated_json() of a GET whose answer must be a JSON object holding ``keys``."""
        return expect_object(self.authenticated_json('GET', path), 'GET %s' % path, keys)

    def get_rows(self, path, params=None, label=None):
        """authenticated_json() of a GET whose answer must be a list of JSON objects."""
        return expect_rows(self.authenticated_json('GET', path, params=params), label or 'GET %s' % path)

    # Account

    def user_info(self):
        return self.get_object(ACCOUNT_PATH)

    def plans(self):
        return self.get_rows(PLANS_PATH)

    def subaccounts(self):
        return self.get_rows(SUBACCOUNTS_PATH)

    # Tools

    def tool(self, name):
        """A tool object; its ``enabled`` is checked to be a boolean, the one field callers decide on."""
        path = TOOL_PATH % name
        return _checked_tool(self.get_object(path, keys=('enabled',)), 'GET %s' % path)

    def set_tool(self, name, enabled):
        """Switch a tool on or off; returns the tool object the API answers, as tool() does."""
        path = SET_TOOL_PATH % (name, 'enable' if enabled else 'disable')
        answer = expect_object(self.authenticated_json('PUT', path), 'PUT %s' % path, keys=('enabled',))
        return _checked_tool(answer, 'PUT %s' % path)

    # Stats: one row per recipient of a message, 10 to a page.

    def stats_count(self, query):
        """How many stats rows match ``query`` (start, end, and optionally filter and tz)."""
        return self._count(STATS_LISTING, query)

    def stats_list(self, query, limit=None, concurrency=4):
        """(the stats rows matching ``query`` in API order, up to limit; their count)."""
        return self._list(STATS_LISTING, query, limit, concurrency)

    def stats_csv(self, query, dest, attributes=None):
        """Write the CSV export of the stats rows matching ``query`` to ``dest``; return its size.

        The export names the range start_date and end_date where the list says start and end.
        """
        renamed = dict(query)
        renamed['start_date'] = renamed.pop('start')
        renamed['end_date'] = renamed.pop('end')
        return self.download(STATS_CSV_PATH, renamed, dest, attributes)

    def stats_feed(self, size):
        """The latest ``size`` (10, 20 or 30) stats rows, the dashboard's email feed."""
        return self.get_rows(STATS_FEED_PATH % size)

    # Reports: bounces, spam complaints and unsubscribes of one type, 20 to a page.

    def reports_count(self, report_type, query, whole_history=False):
        """How many reports of ``report_type`` match ``query`` (a start and end unless ``whole_history``)."""
        return self._count(reports_listing(report_type, whole_history), query)

    def reports_list(self, report_type, query, whole_history=False, limit=None, concurrency=4):
        """(the reports matching ``query`` in API order, up to limit; their count)."""
        return self._list(reports_listing(report_type, whole_history), query, limit, concurrency)

    def reports_csv(self, report_type, query, dest, whole_history=False, attributes=None):
        """Write the CSV export of the reports matching ``query`` to ``dest``; return its size."""
        return self.download(reports_listing(report_type, whole_history).path + CSV_SUFFIX, query, dest, attributes)

    def report_ids(self, report_type, query, whole_history=False, concurrency=4):
        """The cids of the reports matching ``query``, in API order, each once.

        Two different rows may share a cid (the seed's examples do); a delete takes the cid once.
        """
        listing = reports_listing(report_type, whole_history)
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
        answer = self.authenticated_json('DELETE', path, params=params)
        if not (isinstance(answer, dict) and answer.get('success') is True):
            shown = preview(json.dumps(answer)) if isinstance(answer, dict) else kind(answer)
            raise TurboSMTPError('turboSMTP request DELETE %s did not answer {"success": true} but %s' % (path, shown))

    # Lists: a count, then every page

    def _count(self, listing, params):
        path = listing.path + COUNT_SUFFIX
        answer = self.authenticated_json('GET', path, params=params)
        count = answer.get('count') if isinstance(answer, dict) else None
        if isinstance(count, str) and count.strip().isascii() and count.strip().isdigit():
            count = int(count)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise TurboSMTPError('turboSMTP request GET %s returned no count: %s' % (path, preview(str(answer))))
        return count

    def fetch_pages(self, listing, params, total, limit=None, concurrency=4):
        """Every row of a list that holds ``total`` rows, each once, in API order (see _paging.fetch_pages)."""
        self.ensure_token()

        def page_rows(page):
            return self.get_rows(listing.path, dict(params, page=page), 'GET %s page %d' % (listing.path, page))

        return fetch_pages(page_rows, listing, total, limit=limit, concurrency=concurrency)

    def _list(self, listing, params, limit, concurrency):
        total = self._count(listing, params)
        return self.fetch_pages(listing, params, total, limit=limit, concurrency=concurrency), total

    # CSV exports

    def download(self, path, params, dest, attributes=None):
        """Stream a CSV export to ``dest`` without holding it in memory; return its size.

        The request is authenticated as every other (an expired own token is renewed). The file
        appears whole or not at all (see _files.replacing_file, which also sets its mode). An answer
        that is not CSV (a JSON or HTML type, or a body that is a JSON object or list) fails and
        leaves ``dest`` as it was.
        """
        label = 'GET %s' % path
        answer = self._authenticated(lambda headers: self.response('GET', path, params=params, stream=True, headers=headers))
        size = 0
        try:
            content_type = answer.headers.get('Content-Type', '').split(';')[0].strip().lower()
            if 'json' in content_type or 'html' in content_type:
                start = next(answer.iter_content(chunk_size=JSON_SNIFF_LIMIT), b'')
                raise _not_csv(label, answer.status_code, content_type, start.decode('utf-8', 'replace'), dest)
            with replacing_file(dest, attributes) as output:
                sniffed = b''
                for chunk in answer.iter_content(chunk_size=DOWNLOAD_CHUNK):
                    output.write(chunk)
                    if size <= JSON_SNIFF_LIMIT:
                        sniffed += chunk
                    size += len(chunk)
                disguised = _json_text(sniffed) if size <= JSON_SNIFF_LIMIT else None
                if disguised is not None:
                    raise _not_csv(label, answer.status_code, content_type or 'no type', disguised, dest)
        except RequestException as exc:
            raise TurboSMTPError('turboSMTP request GET %s failed while downloading (%s)' % (path, type(exc).__name__)) from exc
        finally:
            answer.close()
        return size


def _not_csv(label, status, content_type, text, dest):
    try:
        parsed = parse_error_body(json.loads(text))
    except ValueError:
        parsed = None
    if parsed is not None and parsed[0] is not None:
        error = api_error(label, status, parsed)
        return TurboSMTPError('%s instead of CSV; %s was left as it was' % (error.message, dest), status=status,
                              error_code=error.error_code, details=error.details)
    return TurboSMTPError('turboSMTP request %s answered HTTP %d with %s instead of CSV (%s); %s was left as it was'
                          % (label, status, content_type, preview(text), dest), status=status)


def _checked_tool(tool, label):
    if tool['enabled'] not in (True, False):
        raise TurboSMTPError('turboSMTP request %s returned a tool whose "enabled" is %s, not true or false'
                             % (label, preview(json.dumps(tool['enabled']))))
    return tool


def _json_text(data):
    """The text of a body when it holds a JSON object or list rather than CSV, else None."""
    text = data.decode('utf-8', 'replace').lstrip('\ufeff \t\r\n')
    if not text.startswith(('{', '[')):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return text if isinstance(parsed, (dict, list)) else None
