"""Fixtures of the client tests: clients against the simulator whose retries wait for nothing."""

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils._dashboard import DashboardClient
from ansible_collections.turbosmtp.api.plugins.module_utils._send_api import SendClient
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import RetryPolicy
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD


class RecordedSleeps(list):
    """Stands in for time.sleep so retry tests are instant and can check the waits."""

    def __call__(self, seconds):
        self.append(seconds)


@pytest.fixture
def sleeps():
    return RecordedSleeps()


@pytest.fixture
def token(sim):
    client = DashboardClient(sim.url)
    try:
        return client.authorize(EMAIL, PASSWORD)
    finally:
        client.close()


@pytest.fixture
def dashboard(sim, token, sleeps):
    client = DashboardClient(sim.url, api_token=token, timeout=2, retry_policy=RetryPolicy(3, sleep=sleeps))
    sim.clear_requests()
    yield client
    client.close()


@pytest.fixture
def sender(sim, sleeps):
    client = SendClient(sim.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, timeout=2,
                        retry_policy=RetryPolicy(3, sleep=sleeps))
    yield client
    client.close()
