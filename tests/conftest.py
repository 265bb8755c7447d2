"""The one simulator bootstrap of the pytest suites (tests/unit, tests/integration,
tests/simulator): a simulator per test session (per xdist worker), reset to the default world
before every test that asks for `sim`, and the credentials that reach it."""

import os
import sys
import threading

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from relay import Relay  # noqa: E402
from sim_harness import (  # noqa: E402
    CONSUMER_KEY,
    CONSUMER_SECRET,
    DEFAULT_WORLD,
    EMAIL,
    PASSWORD,
    Client,
)
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


@pytest.fixture
def fifo():
    """fifo(path, release_after) -> path, made a FIFO (named pipe). Should the code under test block reading it, a
    writer feeds it every release_after seconds until the test ends, so the test fails instead of hanging."""
    test_ended = threading.Event()
    feeders = []

    def make(path, release_after):
        os.mkfifo(str(path))

        def feed_a_stuck_reader():
            while not test_ended.wait(release_after):
                try:
                    descriptor = os.open(str(path), os.O_WRONLY | os.O_NONBLOCK)
                except OSError:  # ENXIO: nobody is reading it
                    continue
                os.write(descriptor, b'late data')
                os.close(descriptor)

        feeders.append(threading.Thread(target=feed_a_stuck_reader, daemon=True))
        feeders[-1].start()
        return path

    yield make
    test_ended.set()
    for feeder in feeders:
        feeder.join(5)
