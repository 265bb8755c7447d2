"""The request loop over real HTTP: every documented error shape becomes one clear message, the
retry rules (reads and updates retried, a send only when it certainly did not arrive), what goes on
the wire (the same as requests.Session.request would send), and what is read from the environment
(proxies, CA bundles; never ~/.netrc)."""

import json
import re
import socket

import pytest
import requests
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._dashboard import (
    REPORTS_PATH,
    STATS_PATH,
    DashboardClient,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._send_api import SendClient
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import USER_AGENT, RetryPolicy
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, INACTIVE_EMAIL, PASSWORD


def message(**fields):
    body = {'from': 'Deploy Bot <deploy@example.com>', 'to': 'ops@example.org', 'subject': 'Deployed', 'content': 'ok'}
    body.update(fields)
    return body


def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def test_error_code_and_message(sim):
    with pytest.raises(TurboSMTPError) as failure:
        DashboardClient(sim.url, email=EMAIL, password='wrong').user_info()
    error = failure.value
    assert (error.status, error.error_code) == (401, 1)
    assert str(error) == 'turboSMTP request POST /api/authorize failed with HTTP 401: Wrong credentials specified (error code 1)'
    assert 'wrong' not in str(error).replace('Wrong', '')


def test_error_code_message_and_details(sim):
    with pytest.raises(TurboSMTPError) as failure:
        DashboardClient(sim.url).json_answer('GET', '/api/user/info')
    error = failure.value
    assert error.error_code == 3
    assert error.details == 'No authorization key was specified for request: GET /api/user/info'
    assert 'Invalid authorization token' in str(error) and error.details in str(error)


def test_inactive_account(sim):
    with pytest.raises(TurboSMTPError) as failure:
        DashboardClient(sim.url, email=INACTIVE_EMAIL, password=PASSWORD).user_info()
    assert failure.value.error_code == 2 and 'inactive' in str(failure.value)


def test_send_error_with_error_field(sim):
    client = SendClient(sim.url, consumer_key=CONSUMER_KEY, consumer_secret='wrong-secret')
    with pytest.raises(TurboSMTPError) as failure:
        client.send(message())
    assert (failure.value.status, failure.value.error_code) == (401, 3)
    assert 'Wrong credentials specified' in str(failure.value)
    assert 'wrong-secret' not in str(failure.value)
    assert not failure.value.may_have_been_sent
    assert sim.messages() == []


def test_send_error_list_of_strings(sender):
    with pytest.raises(TurboSMTPError) as failure:
        sender.send(message(to=''))
    assert failure.value.status == 400
    assert str(failure.value).endswith('failed with HTTP 400: missing recipients (to)')


def test_send_error_list_of_lists(sender):
    with pytest.raises(TurboSMTPError) as failure:
        sender.send(message(to='not-an-address'))
    assert "'not-an-address' 'to' email not valid" in str(failure.value)


def test_send_error_nested_object(sim, sender):
    with pytest.raises(TurboSMTPError, match='HTTP 400: Invalid Mime'):
        sender.send({'from': 'deploy@example.com', 'to': 'ops@example.org', 'mime_raw': 'no separator'})
    sim.set_credits(0)
    with pytest.raises(TurboSMTPError, match='nocredit'):
        sender.send(message())


def test_html_error_page_is_reported_with_status_and_body_start(sim, dashboard, sleeps):
    sim.add_fault('html', count=10, status=500)
    with pytest.raises(TurboSMTPError) as failure:
        dashboard.user_info()
    assert failure.value.status == 500
    assert 'failed with HTTP 500: unexpected response: <html>' in str(failure.value)
    assert sleeps == []


def test_malformed_json_is_reported_not_raised_as_traceback(sim, dashboard):
    sim.add_fault('malformed')
    with pytest.raises(TurboSMTPError, match='body that is not JSON'):
        dashboard.user_info()


@pytest.mark.parametrize('status', [429, 502, 503, 504])
def test_reads_recover_from_retryable_statuses(sim, dashboard, sleeps, status):
    sim.add_fault('status', count=2, status=status, path='/api/plans')
    assert len(dashboard.plans()) == 3
    assert len(sim.requests(path='/api/plans')) == 3
    assert len(sleeps) == 2


def test_retry_after_is_honoured(sim, dashboard, sleeps):
    sim.add_fault('status', count=1, status=429, retry_after=7)
    dashboard.user_info()
    assert sleeps == [7.0]


def test_backoff_grows_exponentially_with_jitter(sim, dashboard, sleeps):
    sim.add_fault('status', count=3, status=503)
    dashboard.user_info()
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0 and 1.0 <= sleeps[2] <= 2.0


def test_retry_budget_is_respected_and_named(sim, dashboard, sleeps):
    sim.add_fault('status', count=10, status=503)
    with pytest.raises(TurboSMTPError) as failure:
        dashboard.user_info()
    assert len(sim.requests()) == 4
    assert 'after 3 retries' in str(failure.value)


def test_server_errors_other_than_gateway_ones_are_not_retried(sim, dashboard, sleeps):
    sim.add_fault('status', count=1, status=500)
    with pytest.raises(TurboSMTPError, match='HTTP 500: Server system error'):
        dashboard.user_info()
    assert len(sim.requests()) == 1


def test_dropped_connection_and_hang_are_retried_for_reads(sim, dashboard):
    sim.add_fault('drop', count=1, path='/api/user/info')
    sim.add_fault('hang', count=1, seconds=3, path='/api/user/info')
    dashboard.timeout = 0.5
    assert dashboard.user_info()['email'] == EMAIL
    assert len(sim.requests(path='/api/user/info')) == 3


def test_writes_are_retried_without_duplicating_their_effect(sim, dashboard):
    sim.add_fault('status', count=1, status=502, path='/api/tools/openingTracking/enable', when='after')
    assert dashboard.set_tool('openingTracking', True)['enabled'] is True
    assert dashboard.tool('openingTracking')['enabled'] is True


def test_send_is_not_retried_after_a_server_error(sim, sender, sleeps):
    sim.add_fault('status', count=1, status=500, path='/api/v2/mail/send', when='after')
    with pytest.raises(TurboSMTPError) as failure:
        sender.send(message())
    assert failure.value.may_have_been_sent
    assert 'may or may not have been sent' in str(failure.value)
    assert len(sim.messages()) == 1 and sleeps == []


def test_send_is_not_retried_after_a_timeout(sim, sender):
    sim.add_fault('hang', count=1, seconds=2, path='/api/v2/mail/send', when='after')
    sender.timeout = 0.5
    with pytest.raises(TurboSMTPError) as failure:
        sender.send(message())
    assert failure.value.may_have_been_sent
    assert len(sim.requests(path='/api/v2/mail/send')) == 1


@pytest.mark.parametrize('status', [502, 503])
def test_send_gateway_errors_are_not_retried_either(sim, sender, status):
    sim.add_fault('status', count=1, status=status, path='/api/v2/mail/send')
    with pytest.raises(TurboSMTPError, match='may or may not have been sent'):
        sender.send(message())
    assert len(sim.requests(path='/api/v2/mail/send')) == 1


def test_send_is_retried_on_429(sim, sender, sleeps):
    sim.add_fault('status', count=1, status=429, retry_after=1, path='/api/v2/mail/send')
    mid = sender.send(message())
    assert [m['mid'] for m in sim.messages()] == [mid]
    assert sleeps == [1.0]


def test_send_is_retried_when_the_connection_was_refused(sleeps):
    client = SendClient('http://127.0.0.1:%d' % closed_port(), consumer_key='k', consumer_secret='s',
                        retry_policy=RetryPolicy(2, sleep=sleeps))
    with pytest.raises(TurboSMTPError) as failure:
        client.send(message())
    assert len(sleeps) == 2
    assert not failure.value.may_have_been_sent
    assert 'connection failed' in str(failure.value)


TEXTS = st.text(st.characters(blacklist_categories=('Cs',)), max_size=12)


VALUES = st.one_of(TEXTS, st.integers(0, 10 ** 12), st.none(), st.lists(TEXTS, max_size=3))


PARAMS = st.dictionaries(st.text(st.characters(blacklist_categories=('Cs',)), min_size=1, max_size=8), VALUES, max_size=5)


BASE_URLS = st.sampled_from(['https://dashboard.serversmtp.com', 'http://127.0.0.1:8080', 'https://api.eu.turbo-smtp.com/',
                             'http://localhost:9/prefix', 'https://Dashboard.ServerSMTP.com:443'])


PATHS = st.sampled_from([STATS_PATH, REPORTS_PATH % 'hardbounce', '/api/user/info'])


def session_prepared(client, method, url, params=None, body=None):
    """What requests.Session.request would send for the client's session."""
    return client.session.prepare_request(requests.Request(method, url, params=params, json=body, headers=client._headers()))


@settings(max_examples=300, deadline=None)
@given(base_url=BASE_URLS, path=PATHS, params=PARAMS)
@example(base_url='https://dashboard.serversmtp.com', path=STATS_PATH,
         params={'start': '2026-01-01 00:00:00', 'filter': '["CLICK", "OPEN"]', 'tz': '+02:00', 'page': 3})
@example(base_url='http://127.0.0.1:8080', path=STATS_PATH, params={'q': 'a&b=c#d?e%f~g', 'é': ['ü', None, '']})
def test_the_url_is_the_one_requests_would_build(base_url, path, params):
    client = DashboardClient(base_url, api_token='token')
    try:
        expected = session_prepared(client, 'GET', client.base_url + path, params=params)
        assert client._prepare('GET', path, params, None).url == expected.url
    finally:
        client.close()


@settings(max_examples=100, deadline=None)
@given(body=st.dictionaries(TEXTS, st.one_of(TEXTS, st.integers(), st.booleans(), st.none(), st.lists(TEXTS, max_size=2)),
                            max_size=6))
def test_headers_and_json_body_are_the_ones_requests_would_send(body):
    client = SendClient('https://api.turbo-smtp.com', consumer_key='key', consumer_secret='secret')
    try:
        ours = client._prepare('POST', '/api/v2/mail/send', None, body)
        expected = session_prepared(client, 'POST', client.base_url + '/api/v2/mail/send', body=body)
        assert (ours.method, ours.url, ours.body) == (expected.method, expected.url, expected.body)
        assert dict(ours.headers) == dict(expected.headers)
    finally:
        client.close()


def test_every_request_carries_our_headers_to_the_server(sim):
    client = SendClient(sim.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET)
    client.send({'from': 'deploy@example.com', 'to': 'ops@example.org', 'subject': 'Déployé', 'content': 'ok'})
    client.close()
    seen = sim.requests(path='/api/v2/mail/send')[0]
    assert seen['headers']['User-Agent'] == USER_AGENT
    assert seen['headers']['Accept'] == 'application/json'
    assert seen['headers']['Content-Type'] == 'application/json'
    assert (seen['headers']['consumerKey'], seen['headers']['consumerSecret']) == (CONSUMER_KEY, CONSUMER_SECRET)
    assert seen['json']['subject'] == 'Déployé'


def test_query_values_reach_the_server_as_given(sim, token):
    client = DashboardClient(sim.url, api_token=token)
    sim.clear_requests()
    client.stats_count({'start': '2026-01-01 00:00:00', 'end': '2026-12-31 23:59:59', 'tz': '+02:00',
                        'filter': json.dumps(['CLICK', 'OPEN'])})
    client.close()
    assert sim.requests()[0]['query'] == {'start': '2026-01-01 00:00:00', 'end': '2026-12-31 23:59:59', 'tz': '+02:00',
                                          'filter': '["CLICK", "OPEN"]'}


# Each of these is refused by requests' own URL check, in every version requirements.txt allows (the
# wording of the reason is requests' and differs between versions).
@pytest.mark.parametrize('base_url', ['dashboard.serversmtp.com', 'http://', 'https://[::1',
                                      'https://dashboard.serversmtp.com\r\nX-Injected: 1'])
def test_a_base_url_that_is_not_one_fails_at_once_with_requests_reason(base_url):
    waits = []
    client = DashboardClient(base_url, api_token='token', retry_policy=RetryPolicy(3, sleep=waits.append))
    with pytest.raises(TurboSMTPError) as failure:
        client.user_info()
    client.close()
    assert re.fullmatch(r'%s is not a URL turboSMTP can be reached at \(.+\)' % re.escape(base_url), str(failure.value), re.S)
    assert waits == []


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


def test_a_connection_error_names_the_host_and_port_it_tried(sleeps):
    port = closed_port()
    client = DashboardClient('http://127.0.0.1:%d' % port, api_token='token', retry_policy=RetryPolicy(1, sleep=sleeps))
    with pytest.raises(TurboSMTPError) as failure:
        client.user_info()
    client.close()
    assert 'connection to http://127.0.0.1:%d failed: refused' % port in str(failure.value)


def test_a_base_url_with_user_information_fails_at_once_without_repeating_it(sim, sleeps):
    client = DashboardClient(sim.url.replace('http://', 'http://ops:url-s3cret@'), api_token='token',
                             retry_policy=RetryPolicy(3, sleep=sleeps))
    with pytest.raises(TurboSMTPError) as failure:
        client.user_info()
    client.close()
    assert 'user information' in str(failure.value) and 'url-s3cret' not in str(failure.value)
    assert sim.requests() == [] and sleeps == []


@pytest.mark.parametrize('value', ['t\u00f6ken\u20ac', 'token\nX-Injected: 1'])
def test_a_consumer_secret_no_header_can_carry_fails_at_once_without_a_retry(sim, sleeps, value):
    client = SendClient(sim.url, consumer_key=CONSUMER_KEY, consumer_secret=value, retry_policy=RetryPolicy(3, sleep=sleeps))
    with pytest.raises(TurboSMTPError) as failure:
        client.send(message())
    client.close()
    assert str(failure.value).startswith('consumer_secret holds') and value not in str(failure.value)
    assert sim.requests() == [] and sleeps == []
