"""turbosmtp_tracking_info reports both settings and the raw tool objects, and changes nothing."""

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_tracking_info import main


def test_reports_both_settings_and_the_raw_tools(sim, run_module, credentials):
    result, failed = run_module(main, credentials)

    assert not failed, result
    assert result['changed'] is False
    assert result['tracking'] == {'click_tracking': True, 'open_tracking': False}
    assert result['settings'] == {'click_tracking': sim.world.tool('clickTracking'),
                                  'open_tracking': sim.world.tool('openingTracking')}
    assert result['settings']['click_tracking']['id'] == 'clickTracking'
    assert [(r['method'], r['path']) for r in sim.requests()] == [
        ('POST', '/api/authorize'), ('GET', '/api/tools/clickTracking'), ('GET', '/api/tools/openingTracking'),
        ('POST', '/api/deauthorize')]


def test_follows_a_change_and_runs_in_check_mode(sim, run_module, credentials):
    sim.world.set_tool('openingTracking', True)
    sim.world.set_tool('clickTracking', False)

    result, failed = run_module(main, credentials, check_mode=True)

    assert not failed, result
    assert result['tracking'] == {'click_tracking': False, 'open_tracking': True}
    assert sim.requests(method='PUT') == []
