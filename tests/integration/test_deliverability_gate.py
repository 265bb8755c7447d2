"""The deliverability_gate role against a simulator whose busiest day holds 100,000 messages, 16% of them
bounced: it fails the windows that bounce too much with a message a pipeline log can be read by, passes the
others, and reads nothing but counts."""

import json
import re

import pytest

from conftest import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, REPO, run_playbook
from simulator import Simulator

EXAMPLE = REPO / 'docs' / 'examples' / 'deploy_gate.yml'
ENV = {'TURBOSMTP_EMAIL': EMAIL, 'TURBOSMTP_PASSWORD': PASSWORD,
       'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY, 'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET}
BUSY_DAY = ['2026-06-30', '2026-07-01']
GATE_PLAY = '''
- name: Gate
  hosts: all
  gather_facts: false
  tasks:
    - name: Run the gate
      ansible.builtin.include_role:
        name: turbosmtp.api.deliverability_gate
    - name: Show the fact
      ansible.builtin.debug:
        msg: "GATE {{ turbosmtp_gate | to_json }} GATE"
'''


@pytest.fixture(scope='module')
def busy_sim():
    with Simulator(port=0, stats_rows=100000, stats_window=BUSY_DAY) as sim:
        yield sim


@pytest.fixture
def sim(busy_sim):
    busy_sim.reset()
    return busy_sim


def gate(sim, tmp_path, *args, **variables):
    playbook = tmp_path / 'gate.yml'
    playbook.write_text(GATE_PLAY)
    result = run_playbook(sim, playbook, *args, extra_vars=variables, extra_env=ENV)
    found = re.search(r'GATE (.*) GATE', result.stdout)
    return result, json.loads(found.group(1).replace('\\"', '"')) if found else None


def stats_requests(sim):
    return [request['path'] for request in sim.requests(path='/api/stats')]


def test_a_window_that_bounces_too_much_fails_the_deploy_and_the_team_is_told(sim):
    result = run_playbook(sim, EXAMPLE, extra_vars={'gate_end': '2026-06-30 12:00:00', 'gate_wait_seconds': 0,
                                                    'gate_minutes': 60}, extra_env=ENV)

    assert result.returncode != 0
    rate = re.search(r'Deliverability gate failed: (\d+\.\d)% of the (\d+) messages sent from 2026-06-30 11:00:01 '
                     r'to 2026-06-30 12:00:00 UTC bounced \((\d+) bounced\), above the threshold of 5\.0%', result.stdout)
    assert rate, result.stdout[-3000:]
    total, bounced = int(rate.group(2)), int(rate.group(3))
    assert total > 4000 and rate.group(1) == '%.1f' % (bounced * 100.0 / total) == '16.0'
    [message] = sim.messages()
    assert message['subject'] == '[failure] shop dev failed to deploy to staging'
    assert 'Deliverability gate failed: 16.0%' in message['content']
    # One day: one count per status and one for the window; not a single row.
    assert len(stats_requests(sim)) == 10
    assert set(stats_requests(sim)) == {'/api/stats/panes/emails/count'}


def test_the_same_window_passes_under_a_higher_threshold(sim, tmp_path):
    result, fact = gate(sim, tmp_path, turbosmtp_gate_end='2026-06-30 12:00:00', turbosmtp_gate_max_bounce_rate=0.2)

    assert result.returncode == 0, result.stdout[-3000:]
    assert fact['passed'] is True
    assert fact['window'] == {'start': '2026-06-30 11:00:01', 'end': '2026-06-30 12:00:00'}
    assert fact['by_group']['bounce'] * 100 // fact['total'] == 16
    assert fact['reason'].startswith('Deliverability gate passed: 16.0%% of the %d messages' % fact['total'])
    assert 'within the threshold of 20.0%' in fact['reason']


def test_a_quiet_window_passes_as_too_few_to_judge(sim, tmp_path):
    result, fact = gate(sim, tmp_path, turbosmtp_gate_end='2026-06-29 12:00:00', turbosmtp_gate_minutes=30)

    assert result.returncode == 0, result.stdout[-3000:]
    assert fact['passed'] is True and fact['total'] == 0
    assert 'only 0 messages were sent from 2026-06-29 11:30:01 to 2026-06-29 12:00:00 UTC' in fact['reason']
    assert 'fewer than the 20 needed to judge' in fact['reason']


def test_check_mode_judges_alike(sim, tmp_path):
    result, fact = gate(sim, tmp_path, '--check', turbosmtp_gate_end='2026-06-30 12:00:00')

    assert result.returncode != 0
    assert 'Deliverability gate failed: 16.0%' in result.stdout
    assert len(stats_requests(sim)) == 10


def test_a_window_across_midnight_counts_both_days(sim, tmp_path):
    result, fact = gate(sim, tmp_path, turbosmtp_gate_end='2026-07-01 00:30:00', turbosmtp_gate_max_bounce_rate=1)

    assert result.returncode == 0, result.stdout[-3000:]
    assert [day['date'] for day in fact['by_day']] == ['2026-06-30']
    assert len(stats_requests(sim)) == 19


@pytest.mark.parametrize('variables, named', [
    ({'turbosmtp_gate_minutes': 0}, 'turbosmtp_gate_minutes must be 1 or more'),
    ({'turbosmtp_gate_max_bounce_rate': 5}, 'turbosmtp_gate_max_bounce_rate'),
    ({'turbosmtp_gate_end': '2026-06-30'}, 'turbosmtp_gate_end a time such as'),
])
def test_settings_that_cannot_work_fail_before_any_request(sim, tmp_path, variables, named):
    result, fact = gate(sim, tmp_path, **variables)

    assert result.returncode != 0
    assert named in result.stdout
    assert stats_requests(sim) == []
