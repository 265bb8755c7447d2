"""turbosmtp_subaccounts_info returns the subaccounts as the API lists them."""

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_subaccounts_info import main


def test_returns_the_same_as_the_api(sim, run_module, credentials):
    result, failed = run_module(main, credentials)

    assert not failed, result
    assert result['changed'] is False
    assert len(result['subaccounts']) == 5
    assert result['subaccounts'] == sim.world.subaccounts
    assert [r['path'] for r in sim.requests()] == ['/api/authorize', '/api/useraccounts/summary', '/api/deauthorize']


def test_returns_every_subaccount_in_check_mode(sim, run_module, credentials):
    sim.reset(subaccounts=12)
    result, failed = run_module(main, credentials, check_mode=True)
    expected = sim.world.subaccounts

    assert not failed, result
    assert len(result['subaccounts']) == 12
    assert result['subaccounts'] == expected
