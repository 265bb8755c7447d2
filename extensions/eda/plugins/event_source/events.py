# -*- coding: utf-8 -*-
# Copyright: (c) 2026, turbosmtp.api contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
short_description: Poll turboSMTP's email stats for new messages
description:
  - An ansible-rulebook event source that polls the turboSMTP stats API (C(/api/stats/panes/emails)) every
    O(interval) seconds and puts every new stats row on the queue once, as an event with the row's fields
    (C(id), C(subject), C(sender), C(recipient), C(sendTime), C(status), C(error)) and C(source) set to
    C(turbosmtp.api.events). Rows are emitted oldest first.
  - The source remembers the newest C(sendTime) it has read and the rows it has emitted near it, each by its
    C(id), C(sendTime) and C(recipient) (the API may give different rows the same C(id)). With O(state_file)
    that memory survives restarts, so a restarted rulebook neither repeats nor skips rows. A state file written
    by an earlier version (ids only) is still read.
  - A stats row's status changes after it is sent (C(NEW), then C(SUCCESS), C(OPEN)...), but its C(sendTime)
    does not. A row is emitted once, with the status it had when the source first saw it. To catch rows
    that reach a filtered O(status) (for example C(FAIL)) some time after they were sent, set O(overlap) to
    how long that usually takes; rows sent within that window are read again and emitted when they first match.
  - API errors and unexpected answers (not the documented objects and lists, rows without C(id) or C(sendTime))
    are logged and the source tries again at the next poll; it does not stop the rulebook. The password, the API
    token (given or obtained at login) and the user information of any URL are masked (C(********)) in everything
    the source logs, as Ansible masks C(no_log) values, also when the API's answer repeats them.
  - Option values that cannot work (an O(interval) or O(timeout) of 0 or less, a negative O(retries), O(overlap)
    or O(lookback), a value that is not a number) stop the source when it starts, with a message naming the option.
  - The collection's C(module_utils) are found from the file's own place under C(ansible_collections/), so no
    E(PYTHONPATH) is needed.
version_added: 1.0.0
author:
  - turbosmtp.api contributors (@turbosmtp)
requirements:
  - requests
  - the collection installed where ansible-rulebook runs (the source uses its C(module_utils))
options:
  api_token:
    description: Dashboard API token. Falls back to E(TURBOSMTP_API_TOKEN).
    type: str
  email:
    description:
      - Account email; with O(password) and without O(api_token) the source asks for a token itself (an expiring
        one, never C(no_expire)), asks again when it expires, and revokes it when the source is stopped cleanly
        (its task cancelled, as when the rulebook ends or on Ctrl-C in a plain Python process).
      - When ansible-rulebook is stopped with SIGINT or SIGTERM it exits at once (status 143) without letting
        the source clean up, so the token is not revoked; it expires by itself within the hour after it was issued.
      - Falls back to E(TURBOSMTP_EMAIL).
    type: str
  password:
    description: Account password. Falls back to E(TURBOSMTP_PASSWORD).
    type: str
  dashboard_url:
    description:
      - Base URL of the dashboard API. Falls back to E(TURBOSMTP_DASHBOARD_URL), then the default.
      - A URL with user information (C(https://user:password@host)) is refused when the source starts, before
        any request; the message does not repeat the URL.
    type: str
    default: https://dashboard.serversmtp.com
  validate_certs:
    description: Whether to verify the API's TLS certificate.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each HTTP request; more than 0.
    type: float
    default: 30
  retries:
    description: How many times a failed read is repeated (429, 502, 503, 504, connection errors) within one poll.
    type: int
    default: 3
  interval:
    description: Seconds between polls; more than 0.
    type: float
    default: 60
  status:
    description: Only rows with these statuses (C(NEW), C(DEFER), C(SUCCESS), C(OPEN), C(CLICK), C(REPORT), C(FAIL), C(SYSFAIL), C(UNSUB)).
    type: list
    elements: str
  state_file:
    description:
      - JSON file where the source keeps its position, written after every poll that emitted rows (atomically,
        by rename). Without it the position is kept in memory only.
      - Its directory is created (mode C(0700)) when it does not exist. When the directory cannot be created or
        written to by the user the source runs as, the source refuses to start, naming it - rather than losing
        restart safety silently.
    type: path
  start:
    description:
      - Where the first poll starts when there is no state yet, as C(YYYY-MM-DD HH:MM:SS) (or C(YYYY-MM-DD)) in UTC.
      - Mutually exclusive with O(lookback).
    type: str
  lookback:
    description:
      - Where the first poll starts when there is no state yet, in seconds before now. The default, C(0), emits only
        rows sent after the source started.
    type: float
    default: 0
  overlap:
    description: Seconds before the newest row seen that every poll reads again (see the description).
    type: float
    default: 0
'''

EXAMPLES = r'''
- name: Watch for failed deliveries
  hosts: localhost
  sources:
    - turbosmtp.api.events:
        api_token: "{{ turbosmtp_api_token }}"
        interval: 120
        status: [FAIL, SYSFAIL]
        overlap: 3600
        state_file: /var/lib/eda/turbosmtp-events.json
  rules:
    - name: Failed delivery
      condition: event.status in ["FAIL", "SYSFAIL"]
      action:
        debug:
          msg: "{{ event.recipient }}: {{ event.error }}"
'''

import asyncio
import importlib
import json
import logging
import math
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

COLLECTION_PACKAGE = 'ansible_collections.turbosmtp.api'


def _collections_root(source_file):
    """The directory that holds ansible_collections/ above this file, or None (a plain checkout)."""
    for candidate in (os.path.abspath(source_file), os.path.realpath(source_file)):
        directory = os.path.dirname(candidate)
        while os.path.dirname(directory) != directory:
            if os.path.basename(directory) == 'ansible_collections':
                return os.path.dirname(directory)
            directory = os.path.dirname(directory)
    return None


def _make_collection_importable(source_file):
    """Let the imports below find the collection without PYTHONPATH.

    ansible-rulebook runs a source file with runpy.run_path and does not put the collections paths on
    sys.path, so ansible_collections.* only resolves when the root this file was installed under is added.
    ansible_collections is a namespace package, so that root joins any ansible_collections found elsewhere.
    """
    client_module = COLLECTION_PACKAGE + '.plugins.module_utils.client'
    try:
        importlib.import_module(client_module)
        return
    except ImportError as error:
        first_error = error
    root = _collections_root(source_file)
    if root is not None:
        if root not in sys.path:
            sys.path.insert(0, root)
        importlib.invalidate_caches()
        try:
            importlib.import_module(client_module)
            return
        except ImportError as error:
            first_error = error
    raise ImportError('turbosmtp.api.events cannot import the turbosmtp.api collection (%s): install the collection '
                      'into a collections path, for example with "ansible-galaxy collection install turbosmtp.api"; '
                      'this file is %s%s' % (first_error, source_file,
                                             '' if root else ', which is not below an ansible_collections directory'))


_make_collection_importable(__file__)

from ansible_collections.turbosmtp.api.plugins.module_utils._secrets import SecretMasker  # noqa: E402
from ansible_collections.turbosmtp.api.plugins.module_utils.client import (  # noqa: E402
    CONNECTION_OPTIONS,
    DashboardClient,
    TurboSMTPError,
    connection_settings,
    url_without_credentials_or_error,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import (  # noqa: E402
    STATS_DATETIME_FORMAT,
    parse_datetime,
    stats_filter,
    stats_statuses,
)

LOGGER = logging.getLogger('turbosmtp.api.events')

SOURCE = 'turbosmtp.api.events'
# The API's clock and ours may differ; the query reaches this far past our "now" so no new row is out of range.
CLOCK_TOLERANCE = timedelta(minutes=10)
# The options read from the environment when not given, as the modules do (the client's table).
CREDENTIAL_OPTIONS = ('api_token', 'email', 'password', 'dashboard_url')
ENV_FALLBACKS = dict((name, CONNECTION_OPTIONS[name].env) for name in CREDENTIAL_OPTIONS)
# An unexpected answer is described, not quoted in full: it may be long and hold account data.
PREVIEW_CHARS = 120


def utcnow():
    return datetime.now(timezone.utc)


def parse_send_time(value):
    """A row's sendTime (2026-01-05T06:31:42.000Z, or without zone meaning UTC) as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace(' ', 'T')
    if text.endswith('Z'):
        text = text[:-1] + '+00:00'
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _as_bool(value):
    if isinstance(value, str):
        return value.strip().lower() in ('1', 'true', 'yes', 'on')
    return bool(value)


def number_option(args, name, default, positive=False, integer=False):
    """args[name] as a number (default when unset); a value that cannot work stops the source at start.

    0 is a value, not "unset": an interval or timeout of 0 cannot work, so it is refused rather than
    silently replaced by the default.
    """
    value = args.get(name)
    if value is None:
        return default
    kind = 'a whole number' if integer else 'a number'
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = float(value)
        if integer and number != int(number):
            raise ValueError(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError('%s: %s must be %s, got %r' % (SOURCE, name, kind, value)) from None
    if not math.isfinite(number):
        raise ValueError('%s: %s must be %s, got %r' % (SOURCE, name, kind, value))
    if positive and number <= 0:
        raise ValueError('%s: %s must be positive, got %r' % (SOURCE, name, value))
    if number < 0:
        raise ValueError('%s: %s must be zero or more, got %r' % (SOURCE, name, value))
    return int(number) if integer else number


class MaskedSecrets(logging.Filter):
    """Masks the source's secrets (and URL user information) in every record of its logger, as no_log would.

    Texts logged here come from the API's answers and from exceptions, which may repeat what was sent.
    The login token the client obtains is a secret too, so the client is asked for it at each record.
    """

    def __init__(self, options, client=None):
        super().__init__()
        self.masker = SecretMasker(options.get(name) for name in ('password', 'api_token'))
        self.client = client

    def filter(self, record):
        if self.client is not None:
            self.masker.add(getattr(self.client, 'api_token', None))
        message = record.getMessage()
        masked = self.masker.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def connection_options(args):
    """The connection args with their environment fallbacks and defaults."""
    options = connection_settings(args, CREDENTIAL_OPTIONS)
    url_without_credentials_or_error(options.get('dashboard_url'), '%s: dashboard_url' % SOURCE)
    options['validate_certs'] = _as_bool(args.get('validate_certs', CONNECTION_OPTIONS['validate_certs'].default))
    options['timeout'] = float(number_option(args, 'timeout', CONNECTION_OPTIONS['timeout'].default, positive=True))
    options['retries'] = number_option(args, 'retries', CONNECTION_OPTIONS['retries'].default, integer=True)
    if not options['api_token'] and not (options['email'] and options['password']):
        raise ValueError('%s: set api_token, or email and password (or TURBOSMTP_API_TOKEN, or TURBOSMTP_EMAIL '
                         'and TURBOSMTP_PASSWORD)' % SOURCE)
    return options


def _describe(value):
    text = ' '.join(str(value).split())
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + '...'


def _not_before(text, moment):
    parsed = parse_send_time(text)
    return parsed is not None and parsed >= moment


def row_key(row, sent):
    """What makes a stats row the same row: its id with its sendTime and recipient.

    The API may give different rows the same id (the documentation's own examples do), so the id alone
    would lose rows. The status is left out on purpose: it changes after sending, and a row is emitted once.
    """
    recipient = row.get('recipient')
    return (str(row.get('id')), sent.isoformat(), '' if recipient is None else str(recipient))


def _prepare_state_directory(path):
    """Create the state file's directory if needed; ValueError naming it when the source could not write there.

    Checked at start: a directory that is missing or read-only would otherwise cost a warning at every poll
    and, silently, the restart safety the state file is for.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError as error:
        raise ValueError('%s: cannot create the directory %s of state_file %s: %s'
                         % (SOURCE, directory, path, error.strerror or error)) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ValueError('%s: the directory %s of state_file %s is not writable by this user (uid %d); make it '
                         'writable, or choose another state_file' % (SOURCE, directory, path, os.getuid()))


class Position:
    """Where polling stopped: the newest sendTime read, and the rows emitted at or after (that time - overlap).

    Stored as JSON: {"cursor": "<ISO time>", "emitted": [["<id>", "<ISO sendTime>", "<recipient>"], ...]}.
    A state file of an earlier version keeps ids only ("seen": {"<id>": "<ISO sendTime>"}); those entries
    are honoured (a row with that id and sendTime counts as emitted) until they fall out of the window.
    """

    def __init__(self, cursor, emitted=None, path=None, legacy_seen=None):
        self.cursor = cursor
        self.emitted = set(emitted or ())
        self.legacy_seen = dict(legacy_seen or {})
        self.path = path
        self.saved = False
        self.dirty = False

    @classmethod
    def load(cls, path, first_start):
        if path:
            _prepare_state_directory(path)
        if not (path and os.path.exists(path)):
            return cls(first_start, None, path)
        try:
            with open(path) as handle:
                data = json.load(handle)
        except (OSError, ValueError) as error:
            raise ValueError('%s: cannot read state_file %s: %s' % (SOURCE, path, error)) from error
        cursor = parse_send_time(data.get('cursor')) if isinstance(data, dict) else None
        if cursor is None:
            raise ValueError('%s: state_file %s holds no valid cursor' % (SOURCE, path))
        emitted = [tuple(str(part) for part in entry) for entry in data.get('emitted') or []
                   if isinstance(entry, list) and len(entry) == 3]
        legacy_seen = data.get('seen') if isinstance(data.get('seen'), dict) else {}
        position = cls(cursor, emitted, path, legacy_seen)
        position.saved = True
        return position

    def save(self):
        if not self.path:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        handle, partial = tempfile.mkstemp(prefix='.turbosmtp-events-', dir=directory)
        state = {'cursor': self.cursor.isoformat(), 'emitted': sorted(list(key) for key in self.emitted)}
        if self.legacy_seen:
            state['seen'] = self.legacy_seen
        try:
            with os.fdopen(handle, 'w') as output:
                json.dump(state, output, sort_keys=True)
            os.replace(partial, self.path)
            self.saved = True
            self.dirty = False
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    def _emitted_before(self, key, row, sent):
        if key in self.emitted:
            return True
        legacy = self.legacy_seen.get(str(row.get('id')))
        return legacy is not None and parse_send_time(legacy) == sent

    def fresh_rows(self, rows):
        """(the usable rows not emitted before, oldest first; the unusable rows). Remembers nothing."""
        fresh = []
        unusable = []
        keys = set()
        for row in reversed(rows):
            sent = parse_send_time(row.get('sendTime')) if isinstance(row, dict) else None
            if sent is None or row.get('id') is None:
                unusable.append(row)
                continue
            key = row_key(row, sent)
            if key in keys or self._emitted_before(key, row, sent):
                continue
            keys.add(key)
            fresh.append(row)
        return fresh, unusable

    def remember(self, row):
        """Mark a row as emitted: called once the rulebook's queue took it, so a stop in between loses nothing."""
        sent = parse_send_time(row['sendTime'])
        self.emitted.add(row_key(row, sent))
        self.cursor = max(self.cursor, sent)
        self.dirty = True

    def forget_old(self, overlap):
        """Keep only what the next query can return again, so the state stays small."""
        horizon = self.cursor.replace(microsecond=0) - overlap
        self.emitted = set(key for key in self.emitted if _not_before(key[1], horizon))
        self.legacy_seen = dict((key, sent) for key, sent in self.legacy_seen.items() if _not_before(sent, horizon))

    def new_rows(self, rows, overlap):
        """The rows not emitted before, oldest first, remembered as emitted; and the unusable rows."""
        fresh, unusable = self.fresh_rows(rows)
        for row in fresh:
            self.remember(row)
        self.forget_old(overlap)
        return fresh, unusable


class StatsPoller:
    """One poll: read the stats rows from the position's cursor up to now (blocking; run it in a thread)."""

    def __init__(self, client, statuses, overlap):
        self.client = client
        self.filter = stats_filter(statuses)
        self.overlap = overlap

    def rows_since(self, since):
        start = since.replace(microsecond=0) - self.overlap
        params = {
            'start': start.strftime(STATS_DATETIME_FORMAT),
            'end': (utcnow() + CLOCK_TOLERANCE).strftime(STATS_DATETIME_FORMAT),
            'tz': '+00:00',
        }
        if self.filter:
            params['filter'] = self.filter
        # The client drops only a row identical to one of an earlier page; Position tells rows seen
        # in earlier polls apart (id, sendTime and recipient).
        rows, _count = self.client.stats_list(params)
        return rows


def first_start(args):
    lookback = number_option(args, 'lookback', 0.0)
    if args.get('start') and lookback:
        raise ValueError('%s: start and lookback are mutually exclusive' % SOURCE)
    if args.get('start'):
        try:
            return parse_datetime('start', args['start']).replace(tzinfo=timezone.utc)
        except ValueError as error:
            raise ValueError('%s: %s' % (SOURCE, error)) from error
    return utcnow() - timedelta(seconds=lookback)


def _close_client(client):
    """Revoke the token the source asked for (if any) and drop the connections; never raises."""
    try:
        client.close()
    except Exception as error:  # pylint: disable=broad-except
        LOGGER.warning('%s: could not revoke the temporary API token: %s', SOURCE, error)


def _save_on_exit(position):
    try:
        if position.dirty:
            position.save()
    except OSError as error:
        LOGGER.warning('%s: could not write state_file %s on exit: %s', SOURCE, position.path, error)


async def main(queue, args):
    """Poll until cancelled, putting every new stats row on queue once."""
    options = connection_options(args)
    masking = MaskedSecrets(options)
    LOGGER.addFilter(masking)
    try:
        await _poll(queue, args, options, masking)
    finally:
        LOGGER.removeFilter(masking)


async def _poll(queue, args, options, masking):
    interval = number_option(args, 'interval', 60.0, positive=True)
    overlap = timedelta(seconds=number_option(args, 'overlap', 0.0))
    wanted = args.get('status')
    if isinstance(wanted, str):
        wanted = [part.strip() for part in wanted.split(',') if part.strip()]
    try:
        statuses = stats_statuses(wanted)
    except ValueError as error:
        raise ValueError('%s: %s' % (SOURCE, error)) from error
    # The option's type is path, as a module's: ~ is the home of the user the rulebook runs as.
    state_file = os.path.expanduser(str(args['state_file'])) if args.get('state_file') else None
    position = Position.load(state_file, first_start(args))

    client = DashboardClient.from_options(options)
    masking.client = client
    poller = StatsPoller(client, statuses, overlap)
    # One worker: a poll still running when the source is cancelled finishes before the client is closed
    # behind it, so no request (or token renewal) races the revocation.
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix='turbosmtp-events')
    loop = asyncio.get_running_loop()
    try:
        while True:
            try:
                rows = await loop.run_in_executor(worker, poller.rows_since, position.cursor)
            except TurboSMTPError as error:
                LOGGER.warning('%s: polling failed, trying again in %gs: %s', SOURCE, interval, error)
            except Exception as error:  # pylint: disable=broad-except
                # Whatever the API answered, the source keeps polling; the rulebook must not lose it.
                LOGGER.warning('%s: polling failed on an unexpected answer, trying again in %gs: %s: %s',
                               SOURCE, interval, type(error).__name__, _describe(error))
            else:
                fresh, unusable = position.fresh_rows(rows)
                if unusable:
                    LOGGER.warning('%s: skipped %d stats row(s) that are not objects with an id and a valid '
                                   'sendTime, for example: %s', SOURCE, len(unusable), _describe(unusable[0]))
                for row in fresh:
                    await queue.put(dict(row, source=SOURCE))
                    position.remember(row)
                position.forget_old(overlap)
                # The first save pins the starting point, so a restart before any row arrives skips nothing.
                if fresh or not position.saved:
                    try:
                        position.save()
                    except OSError as error:
                        LOGGER.warning('%s: could not write state_file %s: %s', SOURCE, position.path, error)
            await asyncio.sleep(interval)
    finally:
        _save_on_exit(position)
        closing = loop.run_in_executor(worker, _close_client, client)
        worker.shutdown(wait=False)
        # Shielded: a second cancellation while the token is being revoked must not drop the revocation.
        await asyncio.shield(closing)


if __name__ == '__main__':
    # Try it by hand: TURBOSMTP_API_TOKEN=... python events.py

    class MockQueue(asyncio.Queue):
        async def put(self, item):
            print(json.dumps(item, indent=2))

    asyncio.run(main(MockQueue(), {'interval': 10, 'lookback': 3600}))
