"""The digest reads counts: a million-message week costs what a small one does, the period is whole days, and
its settings are checked before any request."""

import datetime
import os
import re
import stat
import time

import pytest

from conftest import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, REPO, run_playbook
from simulator import Simulator

EXAMPLE = REPO / 'docs' / 'examples' / 'digest_weekly.yml'
ENV = {'TURBOSMTP_EMAIL': EMAIL, 'TURBOSMTP_PASSWORD': PASSWORD,
       'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY, 'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET}


@pytest.fixture(scope='module')
def million_sim():
    with Simulator(port=0, stats_rows=1000000, stats_window=['2026-06-24', '2026-07-01']) as sim:
        yield sim


@pytest.fixture
def million(million_sim):
    million_sim.reset()
    return million_sim


def test_the_digest_of_a_million_message_week_reads_counts_only(million, tmp_path):
    artifact = tmp_path / 'digest.html'
    started = time.monotonic()

    result = run_playbook(million, EXAMPLE, extra_vars={'digest_end': '2026-06-30', 'digest_artifact': str(artifact)},
                          extra_env=ENV)

    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout[-5000:]
    assert elapsed < 60
    [message] = million.messages()
    assert message['subject'] == ('turboSMTP deliverability digest, 2026-06-24 00:00:00 to 2026-06-30 23:59:59 UTC: '
                                  '1000000 messages, 74.0% delivered')
    assert "Messages:  1000000" in message['content']
    stats = million.requests(path='/api/stats')
    assert len(stats) <= 80
    assert {request['path'] for request in stats} == {'/api/stats/panes/emails/count'}
    reports = sorted(request['path'] for request in million.requests(path='/web/api/reports'))
    # Counts, and one page of the newest spam complaints.
    assert reports == ['/web/api/reports/bounce/count', '/web/api/reports/spam', '/web/api/reports/spam/count',
                       '/web/api/reports/unsub/count']
    assert artifact.read_text() == message['html_content']
    # It lists complaint addresses.
    assert stat.S_IMODE(os.stat(artifact).st_mode) == 0o600


@pytest.mark.parametrize('end', ['2026-06-30', '2026-06-30 00:00:01', '2026-06-30 23:59:59'])
def test_the_period_is_whole_days_ending_with_the_day_of_the_end(million, tmp_path, end):
    result = run_playbook(million, EXAMPLE, '--check',
                          extra_vars={'digest_end': end, 'digest_artifact': str(tmp_path / 'digest.html')}, extra_env=ENV)

    assert result.returncode == 0, result.stdout[-5000:]
    assert '1000000 messages from 2026-06-24 00:00:00 to 2026-06-30 23:59:59 UTC' in result.stdout
    assert million.messages() == []


def test_without_an_end_the_period_ends_yesterday(million, tmp_path):
    result = run_playbook(million, EXAMPLE, '--check', extra_vars={'digest_artifact': str(tmp_path / 'digest.html')},
                          extra_env=ENV)

    assert result.returncode == 0, result.stdout[-5000:]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    first, last = today - datetime.timedelta(days=7), today - datetime.timedelta(days=1)
    assert re.search(r'\d+ messages from %s 00:00:00 to %s 23:59:59 UTC' % (first, last), result.stdout), result.stdout[-3000:]


@pytest.mark.parametrize('variables, named', [
    ({'turbosmtp_digest_days': 0}, 'turbosmtp_digest_days'),
    ({'turbosmtp_digest_days': 367}, 'turbosmtp_digest_days'),
    ({'turbosmtp_digest_days': 10000}, 'turbosmtp_digest_days'),
    ({'turbosmtp_digest_end': 'yesterday'}, 'turbosmtp_digest_end must be a date such as 2026-06-30'),
])
def test_a_period_that_cannot_work_fails_before_any_request(million, tmp_path, variables, named):
    playbook = tmp_path / 'digest.yml'
    playbook.write_text('''
- name: Digest
  hosts: all
  gather_facts: false
  tasks:
    - name: Run the digest
      ansible.builtin.include_role:
        name: turbosmtp.api.digest
      vars:
        turbosmtp_digest_from: reports@example.com
        turbosmtp_digest_to: [ops@example.com]
''')
    result = run_playbook(million, playbook, extra_vars=variables, extra_env=ENV)

    assert result.returncode != 0
    assert named in result.stdout
    assert million.requests(path='/api') == [] and million.requests(path='/web') == []
    assert million.messages() == []
