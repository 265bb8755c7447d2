"""The one simulator bootstrap of the pytest suites (tests/unit, tests/integration,
tests/simulator): a simulator per test session (per xdist worker), reset to the default world
before every test that asks for `sim`, and the credentials that reach it."""

import os
import sys

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sim_harness import (  # noqa: E402
    CONSUMER_KEY, CONSUMER_SECRET, DEFAULT_WORLD, EMAIL, PASSWORD, Client,
)
from relay import Relay  # noqa: E402
from simulator import Simulator  # noqa: E402


@pytest.fixture(scope='session')
def simulator():
    with Simulator(host='127.0.0.1', port=0, **DEFAULT_WORLD) as sim:
        yield sim


@pytest.fixture
def sim(simulator):
    """The session's simulator with a fresh default world: no tokens, requests, messages,
    faults or latency, clock and credits as at start."""
    simulator.reset(**DEFAULT_WORLD)
    return simulator


@pytest.fixture
def reset_sim(simulator):
    """For tests that run many examples in one test function (hypothesis)."""
    return lambda: simulator.reset(**DEFAULT_WORLD)


@pytest.fixture
def credentials(sim):
    """Dashboard connection options that reach the simulator with email and password."""
    return dict(dashboard_url=sim.url, email=EMAIL, password=PASSWORD)


@pytest.fixture
def send_credentials(sim):
    """Send options that reach the simulator with consumer key and secret."""
    return dict(send_url=sim.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET)


@pytest.fixture
def legacy_send_credentials(sim):
    """Send options that reach the simulator with the account email and password."""
    return dict(send_url=sim.url, email=EMAIL, password=PASSWORD)


@pytest.fixture
def token(sim):
    """A dashboard token from the simulator's own /api/authorize."""
    response = requests.post(sim.url + '/api/authorize', json={'email': EMAIL, 'password': PASSWORD}, timeout=5)
    assert response.status_code == 200
    return response.json()['auth']


@pytest.fixture
def client(sim, token):
    return Client(sim, token)


@pytest.fixture
def relay(sim):
    """relay(certificate=None) -> a Relay in front of the simulator, stopped after the test."""
    running = []

    def start(certificate=None):
        running.append(Relay(sim.url, certificate))
        return running[-1]

    yield start
    for server in running:
        server.stop()
