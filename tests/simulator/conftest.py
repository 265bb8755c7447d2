import os
import sys

import pytest
import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, Simulator  # noqa: E402

SEND_HEADERS = {"consumerKey": CONSUMER_KEY, "consumerSecret": CONSUMER_SECRET}


@pytest.fixture
def sim():
    with Simulator(host="127.0.0.1", port=0, seed=1, stats_rows=250, reports_per_type=60,
                   subaccounts=5) as simulator:
        yield simulator


@pytest.fixture
def token(sim):
    response = requests.post(sim.url + "/api/authorize",
                             json={"email": EMAIL, "password": PASSWORD}, timeout=5)
    assert response.status_code == 200
    return response.json()["auth"]


class Client:
    """Tiny helper: dashboard calls with the token, send calls with consumer keys."""

    def __init__(self, sim, token):
        self.sim = sim
        self.token = token

    def get(self, path, params=None, **kwargs):
        headers = kwargs.pop("headers", {"Authorization": self.token})
        return requests.get(self.sim.url + path, params=params, headers=headers, timeout=10,
                            **kwargs)

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {"Authorization": self.token})
        return requests.request(method, self.sim.url + path, headers=headers, timeout=10,
                                **kwargs)

    def send(self, body, headers=None, **kwargs):
        return requests.post(self.sim.url + "/api/v2/mail/send", json=body,
                             headers=SEND_HEADERS if headers is None else headers,
                             timeout=10, **kwargs)


@pytest.fixture
def client(sim, token):
    return Client(sim, token)
