"""What the clients take from the environment, as requests itself would: HTTP(S)_PROXY and NO_PROXY,
REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE. They read it once per client, not once per request, and a
~/.netrc entry for the API host never replaces the collection's own authentication.

A relay in front of the simulator (tests/relay.py) plays the proxy, or the TLS endpoint, and records what
reached it."""

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils.client import DashboardClient, TurboSMTPError
from simulator import EMAIL, PASSWORD

ENVIRONMENT = ('HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy',
               'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'NETRC')


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def account_email(client):
    try:
        return client.user_info()['email']
    finally:
        client.close()


def test_http_proxy_from_the_environment_carries_every_request(sim, relay, monkeypatch):
    proxy = relay()
    monkeypatch.setenv('HTTP_PROXY', proxy.url)
    client = DashboardClient('http://turbosmtp.test', email=EMAIL, password=PASSWORD)
    assert account_email(client) == EMAIL
    assert proxy.seen[0] == 'http://turbosmtp.test/api/authorize'
    assert 'http://turbosmtp.test/api/user/info' in proxy.seen
    assert all(path.startswith('http://turbosmtp.test/') for path in proxy.seen)


def test_no_proxy_sends_the_requests_straight_to_the_host(sim, relay, token, monkeypatch):
    proxy = relay()
    monkeypatch.setenv('HTTP_PROXY', proxy.url)
    monkeypatch.setenv('NO_PROXY', '127.0.0.1')
    assert account_email(DashboardClient(sim.url, api_token=token)) == EMAIL
    assert proxy.seen == []
    assert len(sim.requests('/api/user/info')) == 1


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_a_ca_bundle_from_the_environment_verifies_the_server(relay, token, certificate, monkeypatch, variable):
    endpoint = relay(certificate)
    monkeypatch.setenv(variable, certificate[0])
    assert account_email(DashboardClient(endpoint.url, api_token=token)) == EMAIL
    assert endpoint.seen == ['/api/user/info']


def test_without_the_ca_bundle_an_unknown_certificate_is_refused(relay, token, certificate):
    endpoint = relay(certificate)
    with pytest.raises(TurboSMTPError, match='connection failed .*SSLError'):
        account_email(DashboardClient(endpoint.url, api_token=token, retries=0))
    assert account_email(DashboardClient(endpoint.url, api_token=token, validate_certs=False)) == EMAIL


def test_validate_certs_false_wins_over_a_ca_bundle(relay, token, certificate, tmp_path, monkeypatch):
    endpoint = relay(certificate)
    other = tmp_path / 'other.pem'
    other.write_text('not a certificate\n')
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(other))
    assert account_email(DashboardClient(endpoint.url, api_token=token, validate_certs=False)) == EMAIL


def test_a_netrc_entry_for_the_host_does_not_replace_the_token(sim, token, tmp_path, monkeypatch):
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login someone password elsewhere\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    assert account_email(DashboardClient(sim.url, api_token=token)) == EMAIL
    assert sim.requests('/api/user/info')[0]['headers']['Authorization'] == token


def test_the_environment_is_read_when_the_client_is_made(sim, relay, token, monkeypatch):
    """Settings that change while a client lives do not reach it: a client lives for one task."""
    proxy = relay()
    client = DashboardClient(sim.url.replace('127.0.0.1', 'localhost'), api_token=token)
    monkeypatch.setenv('HTTP_PROXY', proxy.url)
    assert account_email(client) == EMAIL
    assert proxy.seen == []
