"""What the client puts on the wire: the same URL, headers and body requests.Session.request would
send, although the client prepares its requests itself (one URL check per client instead of one per
request), and a base URL that is not one fails at once, before any request."""

import json
import re

import pytest
import requests
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.plugins.module_utils.client import (
    REPORTS_PATH,
    STATS_PATH,
    USER_AGENT,
    DashboardClient,
    RetryPolicy,
    SendClient,
    TurboSMTPError,
)
from simulator import CONSUMER_KEY, CONSUMER_SECRET

# Query values as modules build them: texts (dates, statuses, JSON filters, ids), numbers, lists, unset ones.
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
