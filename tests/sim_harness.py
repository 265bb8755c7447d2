"""What every pytest suite shares about the simulator: the collection root on sys.path (so the
repository's simulator/ package imports from any working directory, ansible-test's copies
included), the default world, and a small HTTP client for the simulator's own tests."""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

import requests  # noqa: E402

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD  # noqa: E402

__all__ = ['CONSUMER_KEY', 'CONSUMER_SECRET', 'DEFAULT_WORLD', 'EMAIL', 'PASSWORD', 'REPO', 'SEND_HEADERS', 'Client']

# Each test starts from the same world, whatever an earlier test resized.
DEFAULT_WORLD = dict(seed=1, stats_rows=250, reports_per_type=60, subaccounts=5)

SEND_HEADERS = {"consumerKey": CONSUMER_KEY, "consumerSecret": CONSUMER_SECRET}


class Client:
    """Tiny helper: dashboard calls with the token, send calls with consumer keys."""

    def __init__(self, sim, token):
        self.sim = sim
        self.token = token

    def get(self, path, params=None, **kwargs):
        headers = kwargs.pop("headers", {"Authorization": self.token})
        return requests.get(self.sim.url + path, params=params, headers=headers, timeout=10, **kwargs)

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {"Authorization": self.token})
        return requests.request(method, self.sim.url + path, headers=headers, timeout=10, **kwargs)

    def send(self, body, headers=None, **kwargs):
        return requests.post(self.sim.url + "/api/v2/mail/send", json=body,
                             headers=SEND_HEADERS if headers is None else headers, timeout=10, **kwargs)
