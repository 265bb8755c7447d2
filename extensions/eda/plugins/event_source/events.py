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
  - The source remembers the newest C(sendTime) it has read and the ids it has emitted near it. With
    O(state_file) that memory survives restarts, so a restarted rulebook neither repeats nor skips rows.
  - A stats row's status changes after it is sent (C(NEW), then C(SUCCESS), C(OPEN)...), but its C(sendTime)
    does not. A row is emitted once, with the status it had when the source first saw it. To catch rows
    that reach a filtered O(status) (for example C(FAIL)) some time after they were sent, set O(overlap) to
    how long that usually takes; rows sent within that window are read again and emitted when they first match.
  - API errors are logged and the source tries again at the next poll; it does not stop the rulebook.
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
      - Account email; with O(password) and without O(api_token) the source asks for a token itself, asks again
        when it expires, and revokes it when it stops. Falls back to E(TURBOSMTP_EMAIL).
    type: str
  password:
    description: Account password. Falls back to E(TURBOSMTP_PASSWORD).
    type: str
  dashboard_url:
    description: Base URL of the dashboard API. Falls back to E(TURBOSMTP_DASHBOARD_URL), then the default.
    type: str
    default: https://dashboard.serversmtp.com
  validate_certs:
    description: Whether to verify the API's TLS certificate.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each HTTP request.
    type: float
    default: 30
  retries:
    description: How many times a failed read is repeated (429, 502, 503, 504, connection errors) within one poll.
    type: int
    default: 3
  interval:
    description: Seconds between polls.
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
import json
import logging
import os
import tempfile
from datetime import datetime, timedelta, timezone

from ansible_collections.turbosmtp.api.plugins.module_utils.client import (
    DEFAULT_DASHBOARD_URL,
    STATS_PAGE_SIZE,
    DashboardClient,
    TurboSMTPError,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import (
    STATS_DATETIME_FORMAT,
    parse_datetime,
    stats_filter,
    stats_statuses,
)

LOGGER = logging.getLogger(__name__)

SOURCE = 'turbosmtp.api.events'
STATS_PATH = '/api/stats/panes/emails'
# The API's clock and ours may differ; the query reaches this far past our "now" so no new row is out of range.
CLOCK_TOLERANCE = timedelta(minutes=10)
ENV_FALLBACKS = {
    'api_token': 'TURBOSMTP_API_TOKEN',
    'email': 'TURBOSMTP_EMAIL',
    'password': 'TURBOSMTP_PASSWORD',
    'dashboard_url': 'TURBOSMTP_DASHBOARD_URL',
}


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


def connection_options(args):
    """The connection args with their environment fallbacks and defaults."""
    options = dict((name, args.get(name) or os.environ.get(variable)) for name, variable in ENV_FALLBACKS.items())
    options['dashboard_url'] = options['dashboard_url'] or DEFAULT_DASHBOARD_URL
    options['validate_certs'] = _as_bool(args.get('validate_certs', True))
    options['timeout'] = float(args.get('timeout') or 30)
    options['retries'] = int(args['retries']) if args.get('retries') is not None else 3
    if not options['api_token'] and not (options['email'] and options['password']):
        raise ValueError('%s: set api_token, or email and password (or TURBOSMTP_API_TOKEN, or TURBOSMTP_EMAIL '
                         'and TURBOSMTP_PASSWORD)' % SOURCE)
    if options['timeout'] <= 0 or options['retries'] < 0:
        raise ValueError('%s: timeout must be positive and retries zero or more' % SOURCE)
    return options


class Position:
    """Where polling stopped: the newest sendTime read, and the ids emitted at or after (that time - overlap).

    Stored as JSON: {"cursor": "2026-01-05T06:31:42.000000+00:00", "seen": {"<id>": "<sendTime>"}}.
    """

    def __init__(self, cursor, seen=None, path=None):
        self.cursor = cursor
        self.seen = dict(seen or {})
        self.path = path
        self.saved = False

    @classmethod
    def load(cls, path, first_start):
        if path and os.path.exists(path):
            with open(path) as handle:
                data = json.load(handle)
            cursor = parse_send_time(data.get('cursor'))
            if cursor is None:
                raise ValueError('%s: state_file %s holds no valid cursor' % (SOURCE, path))
            position = cls(cursor, data.get('seen'), path)
            position.saved = True
            return position
        return cls(first_start, None, path)

    def save(self):
        if not self.path:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        handle, partial = tempfile.mkstemp(prefix='.turbosmtp-events-', dir=directory)
        try:
            with os.fdopen(handle, 'w') as output:
                json.dump({'cursor': self.cursor.isoformat(), 'seen': self.seen}, output, sort_keys=True)
            os.replace(partial, self.path)
            self.saved = True
        finally:
            if os.path.exists(partial):
                os.remove(partial)

    def new_rows(self, rows, overlap):
        """The rows not emitted before, oldest first; remembers them."""
        fresh = []
        for row in reversed(rows):
            key = str(row.get('id'))
            sent = parse_send_time(row.get('sendTime'))
            if key in self.seen or sent is None:
                continue
            self.seen[key] = sent.isoformat()
            self.cursor = max(self.cursor, sent)
            fresh.append(row)
        # Keep only what the next query can return again, so the state stays small.
        horizon = self.cursor.replace(microsecond=0) - overlap
        self.seen = dict((key, sent) for key, sent in self.seen.items() if parse_send_time(sent) >= horizon)
        return fresh


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
        rows, _count = self.client.list_all(STATS_PATH, params, STATS_PAGE_SIZE, key='id')
        return rows


def first_start(args):
    if args.get('start') and args.get('lookback'):
        raise ValueError('%s: start and lookback are mutually exclusive' % SOURCE)
    if args.get('start'):
        try:
            return parse_datetime('start', args['start']).replace(tzinfo=timezone.utc)
        except ValueError as error:
            raise ValueError('%s: %s' % (SOURCE, error))
    return utcnow() - timedelta(seconds=float(args.get('lookback') or 0))


async def main(queue, args):
    """Poll until cancelled, putting every new stats row on queue once."""
    options = connection_options(args)
    interval = float(args.get('interval') or 60)
    overlap = timedelta(seconds=float(args.get('overlap') or 0))
    if interval <= 0 or overlap < timedelta(0):
        raise ValueError('%s: interval must be positive and overlap zero or more' % SOURCE)
    wanted = args.get('status')
    if isinstance(wanted, str):
        wanted = [part.strip() for part in wanted.split(',') if part.strip()]
    try:
        statuses = stats_statuses(wanted)
    except ValueError as error:
        raise ValueError('%s: %s' % (SOURCE, error))
    position = Position.load(args.get('state_file'), first_start(args))

    client = DashboardClient(options['dashboard_url'], api_token=options['api_token'], email=options['email'],
                             password=options['password'], timeout=options['timeout'], retries=options['retries'],
                             validate_certs=options['validate_certs'])
    poller = StatsPoller(client, statuses, overlap)
    loop = asyncio.get_running_loop()
    try:
        while True:
            try:
                rows = await loop.run_in_executor(None, poller.rows_since, position.cursor)
            except TurboSMTPError as error:
                LOGGER.warning('%s: polling failed, trying again in %gs: %s', SOURCE, interval, error)
            else:
                fresh = position.new_rows(rows, overlap)
                for row in fresh:
                    await queue.put(dict(row, source=SOURCE))
                # The first save pins the starting point, so a restart before any row arrives skips nothing.
                if fresh or not position.saved:
                    position.save()
            await asyncio.sleep(interval)
    finally:
        try:
            client.close()
        except TurboSMTPError as error:
            LOGGER.warning('%s: could not revoke the temporary API token: %s', SOURCE, error)


if __name__ == '__main__':
    # Try it by hand: TURBOSMTP_API_TOKEN=... python events.py

    class MockQueue(asyncio.Queue):
        async def put(self, item):
            print(json.dumps(item, indent=2))

    asyncio.run(main(MockQueue(), {'interval': 10, 'lookback': 3600}))
