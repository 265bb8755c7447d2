"""turbosmtp_plans_info returns the plans, or only the active ones."""

from ansible_collections.turbosmtp.api.plugins.modules.turbosmtp_plans_info import main


def test_returns_every_plan(sim, run_module, credentials):
    result, failed = run_module(main, credentials, check_mode=True)

    assert not failed, result
    assert result['changed'] is False
    assert result['plans'] == sim.world.plans
    assert [r['path'] for r in sim.requests()] == ['/api/authorize', '/api/plans', '/api/deauthorize']


def test_active_only_drops_inactive_plans(sim, run_module, credentials):
    result, failed = run_module(main, dict(credentials, active_only=True))

    assert not failed, result
    active = [plan for plan in sim.world.plans if plan['active']]
    assert 0 < len(active) < len(sim.world.plans)
    assert result['plans'] == active
