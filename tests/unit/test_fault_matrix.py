"""Every kind of request under every fault the API or the network can produce.

Reads recover within the retry budget or fail with a clear message; writes are never
duplicated; a send is never sent twice. Modules run in-process against the simulator.
"""

import pytest

from ansible_collections.turbosmtp.api.plugins.modules import (
    turbosmtp_account_info,
    turbosmtp_report_cleanup,
    turbosmtp_send,
    turbosmtp_stats_info,
    turbosmtp_tracking,
)

# (kind, options) of every fault; "transient" ones are cured by a retry.
FAULTS = {
    '429 with Retry-After': (dict(kind='status', status=429, retry_after=0), True),
    '429 without Retry-After': (dict(kind='status', status=429), True),
    '500': (dict(kind='status', status=500), False),
    '502': (dict(kind='status', status=502), True),
    '503': (dict(kind='status', status=503), True),
    '504': (dict(kind='status', status=504), True),
    'dropped connection': (dict(kind='drop'), True),
    'hang past timeout': (dict(kind='hang', seconds=2), True),
    'HTML error page': (dict(kind='html', status=502), True),
    'malformed JSON': (dict(kind='malformed'), False),
}
FAST = dict(timeout=0.5, retries=2)


@pytest.fixture(autouse=True)
def instant_backoff(monkeypatch):
    """Backoff waits are the client tests' business; here they would only slow the matrix down."""
    from ansible_collections.turbosmtp.api.plugins.module_utils import client
    monkeypatch.setattr(client.RetryPolicy, 'delay', lambda self, attempt, retry_after=None: 0)


def assert_clear_failure(result, path):
    assert result['msg'].startswith('turboSMTP request ')
    assert path in result['msg']
    assert 'Traceback' not in result['msg']


@pytest.mark.parametrize('fault', FAULTS, ids=list(FAULTS))
def test_reads_recover_or_fail_clearly(sim, credentials, run_module, fault):
    options, transient = FAULTS[fault]
    sim.add_fault(path='/api/stats/panes/emails', method='GET', count=1, **options)
    result, failed = run_module(turbosmtp_stats_info.main, dict(credentials, start='2026-01-01', end='2026-06-30',
                                                                tz='+00:00', **FAST))
    if failed:
        assert not transient, result['msg']
        assert_clear_failure(result, '/api/stats/panes/emails')
    else:
        assert transient
        assert result['count'] == len(result['emails']) == 250


@pytest.mark.parametrize('fault', FAULTS, ids=list(FAULTS))
def test_a_persistent_fault_exhausts_the_retry_budget_and_says_so(sim, credentials, run_module, fault):
    options, transient = FAULTS[fault]
    sim.add_fault(path='/api/user/info', count=10, **options)
    result, failed = run_module(turbosmtp_account_info.main, dict(credentials, **FAST))
    assert failed
    assert_clear_failure(result, 'GET /api/user/info')
    attempts = len(sim.requests(path='/api/user/info'))
    assert attempts == (3 if transient else 1)
    assert sim.requests()[-1]['path'] == '/api/deauthorize', 'the temporary token is revoked after a failure too'


@pytest.mark.parametrize('fault', FAULTS, ids=list(FAULTS))
def test_a_tracking_write_is_applied_once_whatever_happens_to_its_answer(sim, credentials, run_module, fault):
    options, transient = FAULTS[fault]
    sim.add_fault(path='/api/tools/openingTracking/', method='PUT', count=1, when='after', **options)
    result, failed = run_module(turbosmtp_tracking.main, dict(credentials, open_tracking=True, **FAST))
    assert sim.world.tools['openingTracking'] is True
    puts = sim.requests(path='/api/tools/openingTracking/', method='PUT')
    assert len(puts) <= 3
    if failed:
        assert_clear_failure(result, 'PUT /api/tools/openingTracking/enable')
    else:
        assert result['changed'] and result['tracking']['open_tracking'] is True
    rerun, rerun_failed = run_module(turbosmtp_tracking.main, dict(credentials, open_tracking=True, **FAST))
    assert not rerun_failed and not rerun['changed']


@pytest.mark.parametrize('fault', FAULTS, ids=list(FAULTS))
def test_a_report_delete_removes_each_report_once(sim, credentials, run_module, fault):
    options, transient = FAULTS[fault]
    before = len(sim.world.reports['unsub'])
    sim.add_fault(path='/web/api/reports/unsub', method='DELETE', count=1, when='after', **options)
    result, failed = run_module(turbosmtp_report_cleanup.main, dict(credentials, type='unsub', all=True, **FAST))
    assert sim.world.reports['unsub'] == [] or failed
    if failed:
        assert_clear_failure(result, '/web/api/reports/unsub')
    else:
        assert result['deleted'] == before
    rerun, rerun_failed = run_module(turbosmtp_report_cleanup.main, dict(credentials, type='unsub', all=True, **FAST))
    assert not rerun_failed and not rerun['changed'] and rerun['deleted'] == 0
    assert sim.world.reports['unsub'] == []


# A 429 is the server's word that it took nothing, so "processed, then 429" is not a case.
SEND_CASES = [(fault, when) for fault in FAULTS for when in ('before', 'after')
              if not (when == 'after' and FAULTS[fault][0].get('status') == 429)]


@pytest.mark.parametrize('fault,when', SEND_CASES, ids=['%s, %s processing' % case for case in SEND_CASES])
def test_a_send_is_never_sent_twice(sim, send_credentials, run_module, fault, when):
    options, transient = FAULTS[fault]
    sim.add_fault(path='/api/v2/mail/send', count=1, when=when, **options)
    result, failed = run_module(turbosmtp_send.main, dict(send_credentials, to=['ops@example.org'], subject='Deployed',
                                                          content='ok', **FAST, **{'from': 'deploy@example.com'}))
    accepted = sim.messages()
    assert len(accepted) <= 1
    is_429 = options.get('status') == 429
    if is_429:
        # The server said it took nothing: retried, and sent exactly once.
        assert not failed and len(accepted) == 1 and result['mid'] == accepted[0]['mid']
    else:
        assert failed, 'a send is not retried after the request went out'
        assert len(sim.requests(path='/api/v2/mail/send')) == 1
        if when == 'after' or options['kind'] in ('drop', 'hang') or options.get('status', 0) >= 500:
            assert 'may or may not have been sent' in result['msg']
