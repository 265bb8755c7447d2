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

import os
import random
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # pragma: no cover - exercised by the missing_required_lib path
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

DEFAULT_DASHBOARD_URL = 'https://dashboard.serversmtp.com'
SEND_URLS = {
    'global': 'https://api.turbo-smtp.com',
    'eu': 'https://api.eu.turbo-smtp.com',
}
SEND_PATH = '/api/v2/mail/send'
USER_AGENT = 'turbosmtp.api-ansible-collection/1.0.0'

REPORT_PAGE_SIZE = 20
STATS_PAGE_SIZE = 10

RETRYABLE_STATUSES = (429, 502, 503, 504)
# Methods whose repetition cannot duplicate an effect, so a lost answer may be asked again.
IDEMPOTENT_METHODS = ('GET', 'PUT', 'DELETE')
# A server asking us to wait longer than this is treated as a failure, not a pause.
MAX_RETRY_AFTER = 120.0
ERROR_BODY_PREVIEW = 200
DOWNLOAD_CHUNK = 64 * 1024


class TurboSMTPError(Exception):
    """A failed turboSMTP request, described in one sentence a user can act on.

    ``status`` is the HTTP status (None when no answer came back), ``error_code`` and
    ``details`` are the API's own, and ``may_have_been_sent`` marks a send whose fate is
    unknown (the request went out but no answer came back).
    """

    def __init__(self, message, status=None, error_code=None, details=None, may_have_been_sent=False):
        super(TurboSMTPError, self).__init__(message)
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
        pending.extend([getattr(current, 'reason', None), current.__cause__, current.__context__])
        pending.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))
    return False


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
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy(retries)
        self.session = requests.Session()
        self.session.verify = validate_certs
        self.session.headers.update({'User-Agent': USER_AGENT, 'Accept': 'application/json'})
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(10, pool_size))
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)

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
        idempotent = method in IDEMPOTENT_METHODS and not at_most_once
        label = '%s %s' % (method, path)
        attempt = 0
        while True:
            retry_after = None
            try:
                response = self.session.request(
                    method, self.base_url + path, params=params, json=json, headers=self._headers(),
                    timeout=self.timeout, stream=stream)
            except requests.exceptions.RequestException as exc:
                unsent = _never_reached_server(exc)
                if (idempotent or unsent) and attempt < self.retry_policy.retries:
                    self.retry_policy.sleep(self.retry_policy.delay(attempt))
                    attempt += 1
                    continue
                raise self._transport_error(label, exc, unsent, attempt, at_most_once)
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
            code, api_message, details = None, 'unexpected response: %s' % _preview(response.text), None
        else:
            code, api_message, details = parsed
        message = 'turboSMTP request %s failed with HTTP %d: %s' % (label, response.status_code, api_message)
        extras = []
        if code is not None:
            extras.append('error code %s' % code)
        if details:
            extras.append(str(details))
        if attempts:
            extras.append('after %d retries' % attempts)
        if extras:
            message += ' (%s)' % '; '.join(extras)
        may_have_been_sent = at_most_once and response.status_code >= 500
        if may_have_been_sent:
            message += '; the message may or may not have been sent, so it was not retried'
        return TurboSMTPError(message, status=response.status_code, error_code=code, details=details,
                              may_have_been_sent=may_have_been_sent)

    def request_json(self, method, path, params=None, json=None, at_most_once=False):
        response = self.request(method, path, params=params, json=json, at_most_once=at_most_once)
        try:
            return response.json()
        except ValueError:
            message = ('turboSMTP request %s %s returned HTTP %d with a body that is not JSON: %s'
                       % (method, path, response.status_code, _preview(response.text)))
            if at_most_once:
                message += '; the message may or may not have been sent, so it was not retried'
            raise TurboSMTPError(message, status=response.status_code, may_have_been_sent=at_most_once)


class DashboardClient(_HttpClient):
    """The dashboard API: account, plans, subaccounts, reports, stats and tools.

    Authenticates with ``api_token``, or with ``email`` and ``password``: then it asks for
    a short-lived token on first use and revokes it in close().
    """

    def __init__(self, base_url=DEFAULT_DASHBOARD_URL, api_token=None, email=None, password=None, **kwargs):
        super(DashboardClient, self).__init__(base_url, **kwargs)
        self.api_token = api_token
        self.email = email
        self.password = password
        self._owns_token = False
        self._login_lock = threading.Lock()

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
        """Exchange account credentials for a token (POST /api/authorize)."""
        body = {'email': email, 'password': password}
        if no_expire:
            body['no_expire'] = '1'
        answer = self.request_json('POST', '/api/authorize', json=body)
        if not isinstance(answer, dict) or not answer.get('auth'):
            raise TurboSMTPError('turboSMTP request POST /api/authorize returned no token')
        return answer['auth']

    def deauthorize(self, token):
        """Revoke a token. Returns False when it did not exist (error code 9)."""
        saved, self.api_token = self.api_token, token
        try:
            self.request_json('POST', '/api/deauthorize')
            return True
        except TurboSMTPError as error:
            if error.error_code == 9:
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
            super(DashboardClient, self).close()

    def call(self, method, path, params=None, json=None):
        self.ensure_token()
        token = self.api_token
        try:
            return self.request_json(method, path, params=params, json=json)
        except TurboSMTPError as error:
            if not (error.status == 401 and self._owns_token):
                raise
        # A token we asked for lasts an hour; a long-running caller (an event source) logs in again once.
        self._renew_token(token)
        return self.request_json(method, path, params=params, json=json)

    def _renew_token(self, expired):
        with self._login_lock:
            if self.api_token == expired:
                self.api_token = self.authorize(self.email, self.password)

    # Account

    def user_info(self):
        return self.call('GET', '/api/user/info')

    def plans(self):
        return self.call('GET', '/api/plans')

    def subaccounts(self):
        return self.call('GET', '/api/useraccounts/summary')

    # Tools

    def tool(self, name):
        return self.call('GET', '/api/tools/%s' % name)

    def set_tool(self, name, enabled):
        return self.call('PUT', '/api/tools/%s/%s' % (name, 'enable' if enabled else 'disable'))

    # Paging

    def count(self, path, params):
        answer = self.call('GET', path, params=params)
        try:
            return int(answer['count'])
        except (TypeError, KeyError, ValueError):
            raise TurboSMTPError('turboSMTP request GET %s returned no count: %s' % (path, _preview(str(answer))))

    def fetch_pages(self, path, params, total, page_size, limit=None, concurrency=4, key=None):
        """Fetch every page of a list that holds ``total`` rows, in API order.

        Pages are fetched concurrently; rows that moved across a page boundary while we
        read (new rows arrive at the top) are dropped by ``key``, and a full last page
        means the list grew, so reading goes on until a short page.
        """
        wanted = total if limit is None else min(total, limit)
        pages = -(-wanted // page_size)
        if total and wanted == total and total % page_size == 0:
            # A full last page cannot tell whether the list grew; ask for the next one alongside.
            pages += 1
        self.ensure_token()

        def fetch(page):
            return self.call('GET', path, params=dict(params, page=page))

        batches = []
        if pages:
            with ThreadPoolExecutor(max_workers=max(1, min(concurrency, pages))) as pool:
                batches = list(pool.map(fetch, range(1, pages + 1)))
        next_page = pages + 1
        while batches and len(batches[-1]) == page_size and (limit is None or sum(map(len, batches)) < limit):
            batches.append(fetch(next_page))
            next_page += 1
        return _unique_rows(batches, key, limit)

    def list_all(self, path, params, page_size, limit=None, concurrency=4, key=None):
        total = self.count(path + '/count', params)
        return self.fetch_pages(path, params, total, page_size, limit=limit, concurrency=concurrency, key=key), total

    def download(self, path, params, dest):
        """Stream a CSV export to ``dest`` without holding it in memory; return its size.

        The file appears whole or not at all: it is written next to ``dest`` and renamed.
        """
        self.ensure_token()
        response = self.request('GET', path, params=params, stream=True)
        directory = os.path.dirname(os.path.abspath(dest))
        handle, partial = tempfile.mkstemp(prefix='.turbosmtp-', suffix='.csv', dir=directory)
        size = 0
        try:
            with os.fdopen(handle, 'wb') as output:
                for chunk in response.iter_content(chunk_size=DOWNLOAD_CHUNK):
                    output.write(chunk)
                    size += len(chunk)
            os.replace(partial, dest)
        except requests.exceptions.RequestException as exc:
            raise TurboSMTPError('turboSMTP request GET %s failed while downloading (%s)' % (path, type(exc).__name__))
        finally:
            response.close()
            if os.path.exists(partial):
                os.remove(partial)
        return size


def _unique_rows(batches, key, limit):
    rows = []
    seen = set()
    for batch in batches:
        if not isinstance(batch, list):
            raise TurboSMTPError('turboSMTP returned a page that is not a list: %s' % _preview(str(batch)))
        for row in batch:
            if key is not None:
                if row.get(key) in seen:
                    continue
                seen.add(row.get(key))
            rows.append(row)
    return rows if limit is None else rows[:limit]


class SendClient(_HttpClient):
    """The send host: POST /api/v2/mail/send, at most once per message.

    Authenticates with the consumerKey/consumerSecret headers, or else with the account
    email and password as the legacy authuser/authpass body fields.
    """

    def __init__(self, send_url=None, region='global', consumer_key=None, consumer_secret=None,
                 email=None, password=None, **kwargs):
        super(SendClient, self).__init__(send_url or SEND_URLS[region], **kwargs)
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.email = email
        self.password = password

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
