"""turbosmtp_tracking converges with exactly the writes needed, and reads only in check mode."""

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_tracking import main

READS = [('POST', '/api/authorize'), ('GET', '/api/tools/clickTracking'), ('GET', '/api/tools/openingTracking')]
LOGOUT = [('POST', '/api/deauthorize')]


def calls(sim):
    return [(record['method'], record['path']) for record in sim.requests()]


def test_converges_with_exactly_the_needed_writes(sim, run_module, credentials):
    # The simulator starts with clicks tracked and opens not.
    result, failed = run_module(main, dict(credentials, click_tracking=False, open_tracking=True))

    assert not failed, result
    assert result['changed'] is True
    assert result['tracking'] == {'click_tracking': False, 'open_tracking': True}
    assert calls(sim) == READS + [('PUT', '/api/tools/clickTracking/disable'),
                                  ('PUT', '/api/tools/openingTracking/enable')] + LOGOUT
    assert sim.world.summary()['tracking'] == {'clickTracking': False, 'openingTracking': True}


def test_rerun_changes_nothing_and_writes_nothing(sim, run_module, credentials):
    run_module(main, dict(credentials, click_tracking=False, open_tracking=True))
    sim.clear_requests()

    result, failed = run_module(main, dict(credentials, click_tracking=False, open_tracking=True))

    assert not failed, result
    assert result['changed'] is False
    assert result['tracking'] == {'click_tracking': False, 'open_tracking': True}
    assert calls(sim) == READS + LOGOUT


def test_only_the_option_given_is_written(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, open_tracking=True))

    assert not failed, result
    assert result['changed'] is True
    assert result['tracking'] == {'click_tracking': True, 'open_tracking': True}
    assert calls(sim) == READS + [('PUT', '/api/tools/openingTracking/enable')] + LOGOUT


def test_option_already_in_place_is_unchanged(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, click_tracking=True))

    assert not failed, result
    assert result['changed'] is False
    assert sim.requests(method='PUT') == []


def test_check_mode_predicts_without_writing(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, click_tracking=False, open_tracking=True), check_mode=True)

    assert not failed, result
    assert result['changed'] is True
    assert result['tracking'] == {'click_tracking': False, 'open_tracking': True}
    assert calls(sim) == READS + LOGOUT
    assert sim.world.summary()['tracking'] == {'clickTracking': True, 'openingTracking': False}


def test_diff_shows_both_settings_before_and_after(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, open_tracking=True), diff=True)

    assert not failed, result
    assert result['diff'] == {'before': {'click_tracking': True, 'open_tracking': False},
                              'after': {'click_tracking': True, 'open_tracking': True}}


def test_no_diff_unless_asked(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, open_tracking=True))

    assert not failed, result
    assert 'diff' not in result


def test_one_option_is_required_before_any_request(sim, run_module, credentials):
    result, failed = run_module(main, credentials)

    assert failed
    assert 'click_tracking' in result['msg'] and 'open_tracking' in result['msg']
    assert sim.requests() == []


def test_failed_write_reports_the_api_error_and_revokes_the_token(sim, run_module, credentials):
    sim.add_fault('status', status=500, method='PUT', path='/api/tools/openingTracking/enable')

    result, failed = run_module(main, dict(credentials, open_tracking=True))

    assert failed
    assert 'PUT /api/tools/openingTracking/enable failed with HTTP 500' in result['msg']
    assert result['http_status'] == 500
    assert calls(sim)[-1] == ('POST', '/api/deauthorize')
    assert sim.world.summary()['tokens'] == 0
