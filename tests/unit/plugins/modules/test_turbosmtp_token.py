"""turbosmtp_token creates and revokes tokens with one request each, and nothing else."""

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_account_info import main as account_info
from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_token import main
from simulator import PASSWORD


def calls(sim):
    return [(record['method'], record['path']) for record in sim.requests()]


def test_lifecycle(sim, run_module, credentials):
    created, failed = run_module(main, credentials)

    assert not failed, created
    assert created['changed'] is True
    token = created['token']
    assert token
    # Only the authorize the user asked for: no temporary token of the module's own around it.
    assert calls(sim) == [('POST', '/api/authorize')]
    assert sim.world.summary()['tokens'] == 1

    account, failed = run_module(account_info, dict(dashboard_url=sim.url, api_token=token))
    assert not failed, account
    assert account['account']['email'] == credentials['email']

    sim.clear_requests()
    revoked, failed = run_module(main, dict(dashboard_url=sim.url, api_token=token, state='absent'))
    assert not failed, revoked
    assert revoked['changed'] is True
    assert 'token' not in revoked
    assert calls(sim) == [('POST', '/api/deauthorize')]
    assert sim.requests()[0]['headers']['Authorization'] == token
    assert sim.world.summary()['tokens'] == 0

    rejected, failed = run_module(account_info, dict(dashboard_url=sim.url, api_token=token))
    assert failed
    assert rejected['error_code'] == 3

    again, failed = run_module(main, dict(dashboard_url=sim.url, api_token=token, state='absent'))
    assert not failed, again
    assert again['changed'] is False


def test_email_and_password_beside_absent_do_not_log_in(sim, run_module, credentials):
    created, failed = run_module(main, credentials)
    assert not failed, created
    sim.clear_requests()

    revoked, failed = run_module(main, dict(credentials, api_token=created['token'], state='absent'))

    assert not failed, revoked
    assert revoked['changed'] is True
    assert calls(sim) == [('POST', '/api/deauthorize')]


def test_no_expire_is_asked_for(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, no_expire=True))

    assert not failed, result
    assert sim.requests()[0]['json']['no_expire'] == '1'


def test_default_token_expires(sim, run_module, credentials):
    result, failed = run_module(main, credentials)

    assert not failed, result
    assert 'no_expire' not in sim.requests()[0]['json']


def test_check_mode_present_creates_nothing(sim, run_module, credentials):
    result, failed = run_module(main, credentials, check_mode=True)

    assert not failed, result
    assert result['changed'] is True
    assert 'token' not in result
    assert sim.requests() == []
    assert sim.world.summary()['tokens'] == 0


def test_check_mode_absent_predicts_without_revoking(sim, run_module, credentials):
    created, failed = run_module(main, credentials)
    assert not failed, created
    sim.clear_requests()
    args = dict(dashboard_url=sim.url, api_token=created['token'], state='absent')

    live, failed = run_module(main, args, check_mode=True)
    assert not failed, live
    assert live['changed'] is True
    assert sim.requests(method='POST') == []
    assert sim.world.summary()['tokens'] == 1

    run_module(main, args)
    gone, failed = run_module(main, args, check_mode=True)
    assert not failed, gone
    assert gone['changed'] is False


def test_present_needs_email_and_password(sim, run_module):
    result, failed = run_module(main, dict(dashboard_url=sim.url, email='ops@example.com'))

    assert failed
    assert 'password' in result['msg']
    assert sim.requests() == []


def test_absent_needs_api_token(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, state='absent'))

    assert failed
    assert 'api_token' in result['msg']
    assert sim.requests() == []


def test_wrong_password_fails_with_the_api_error_and_no_secret(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, password='not-the-password'))

    assert failed
    assert result['error_code'] == 1
    assert result['http_status'] == 401
    assert 'not-the-password' not in str(result)
    assert PASSWORD not in str(result)
