"""What the events source's tests share: no TURBOSMTP_* variable of the caller's leaks into a source,
and the source's arguments that reach the simulator with email and password, polling fast."""

import pytest

from ansible_collections.turbosmtp.api.tests.unit.plugins.event_source.test_events import POLL
from simulator import EMAIL, PASSWORD


@pytest.fixture(autouse=True)
def no_turbosmtp_env(monkeypatch):
    for name in ('TURBOSMTP_API_TOKEN', 'TURBOSMTP_EMAIL', 'TURBOSMTP_PASSWORD', 'TURBOSMTP_DASHBOARD_URL'):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def args(sim):
    return dict(dashboard_url=sim.url, email=EMAIL, password=PASSWORD, interval=POLL, retries=0)
