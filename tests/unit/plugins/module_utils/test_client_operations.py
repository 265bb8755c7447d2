"""The client's named operations: each one reaches its own endpoint with its own page size, so no
caller formats a path; and the one constructor from connection options with its environment table."""

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils.client import (
    CONNECTION_OPTIONS,
    DEFAULT_DASHBOARD_URL,
    SEND_URLS,
    USER_AGENT,
    DashboardClient,
    SendClient,
    connection_settings,
)
from ansible_collections.turbosmtp.api.plugins.module_utils.module import connection_argument_spec, send_argument_spec
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD

STATS_RANGE = {'start': '2026-01-01 00:00:00', 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}


@pytest.fixture
def dashboard(sim):
    client = DashboardClient(sim.url, api_token=DashboardClient(sim.url).authorize(EMAIL, PASSWORD))
    sim.clear_requests()
    yield client
    client.close()


def calls(sim):
    return [(r['method'], r['path']) for r in sim.requests()]


def pages(sim, path):
    return sorted(int(r['query']['page']) for r in sim.requests(path=path) if r['path'] == path)


def test_stats_are_read_ten_rows_to_a_page(sim, dashboard):
    rows, count = dashboard.stats_list(STATS_RANGE, limit=25)
    assert (len(rows), count) == (25, 250)
    assert calls(sim)[0] == ('GET', '/api/stats/panes/emails/count')
    assert pages(sim, '/api/stats/panes/emails') == [1, 2, 3]
    assert dashboard.stats_count(STATS_RANGE) == 250


def test_reports_are_read_twenty_rows_to_a_page_over_a_range_or_the_whole_history(sim, dashboard):
    rows, count = dashboard.reports_list('unsub', {}, whole_history=True, limit=25)
    assert (len(rows), count) == (25, 60)
    assert pages(sim, '/web/api/reports/unsub/all') == [1, 2]
    sim.clear_requests()
    assert dashboard.reports_count('unsub', {'start': '2020-01-01', 'end': '2020-01-31'}) == 0
    assert calls(sim) == [('GET', '/web/api/reports/unsub/count')]


def test_the_stats_export_names_the_range_as_the_csv_endpoint_wants_it(sim, dashboard, tmp_path):
    dashboard.stats_csv(STATS_RANGE, str(tmp_path / 'stats.csv'))
    [export] = sim.requests(path='/api/stats/emails/csv')
    assert export['query'] == {'start_date': STATS_RANGE['start'], 'end_date': STATS_RANGE['end'], 'tz': '+00:00'}


def test_the_reports_export_is_read_from_the_list_path(sim, dashboard, tmp_path):
    dest = tmp_path / 'spam.csv'
    size = dashboard.reports_csv('spam', {'filter': 'example'}, str(dest), whole_history=True)
    assert calls(sim) == [('GET', '/web/api/reports/spam/all/csv')]
    assert sim.requests()[0]['query'] == {'filter': 'example'}
    assert size == dest.stat().st_size > 0


def test_the_email_feed_returns_the_latest_rows(sim, dashboard):
    assert len(dashboard.stats_feed(20)) == 20
    assert calls(sim) == [('GET', '/api/stats/email-feed-last/20')]


def test_report_ids_are_the_cids_in_api_order_each_once(sim, dashboard):
    shared = {'cid': 5, 'email': 'a@example.org', 'ts': '2026-06-01T00:00:00.000Z', 'response': '550'}
    rows = [shared, dict(shared, email='b@example.org'), dict(shared, cid=7)]
    sim.add_fault('body', body={'count': 3}, path='/web/api/reports/bounce/all/count$')
    sim.add_fault('body', body=rows, path='/web/api/reports/bounce/all$')
    assert dashboard.report_ids('bounce', {}, whole_history=True) == ['5', '7']


def test_deletes_name_the_ids_or_all_spam(sim, dashboard):
    unsub = [str(row['cid']) for row in sim.world.reports['unsub'][:2]]
    dashboard.delete_reports('unsub', unsub)
    dashboard.delete_all_spam()
    assert calls(sim) == [('DELETE', '/web/api/reports/unsub'), ('DELETE', '/web/api/reports/spam/all')]
    assert sim.requests()[0]['query'] == {'ids': ','.join(unsub)}
    assert sim.world.reports['spam'] == []


def test_every_request_carries_the_collection_version_in_its_user_agent(sim, dashboard):
    dashboard.plans()
    assert sim.requests()[0]['headers'].get('User-Agent') == USER_AGENT


# One constructor from options, one table of environment variables and defaults


def test_a_dashboard_client_from_options_takes_the_defaults_of_unset_options(monkeypatch):
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):  # a bundle named there would be what verify holds
        monkeypatch.delenv(name, raising=False)
    client = DashboardClient.from_options({'api_token': 't', 'timeout': None})
    assert client.base_url == DEFAULT_DASHBOARD_URL
    assert (client.timeout, client.retry_policy.retries, client.session.verify) == (30, 3, True)
    client.close()


def test_a_send_client_from_options_reaches_the_region_host_and_sends(sim):
    assert SendClient.from_options({'region': 'eu'}).base_url == SEND_URLS['eu']
    client = SendClient.from_options({'send_url': sim.url, 'consumer_key': CONSUMER_KEY, 'consumer_secret': CONSUMER_SECRET,
                                      'retries': 0})
    client.send({'from': 'ops@example.com', 'to': 'a@example.org', 'subject': 'Hi', 'content': 'hi'})
    client.close()
    assert [message['to'] for message in sim.messages()] == [['a@example.org']]


def test_connection_settings_take_the_argument_then_the_environment_then_the_default():
    environ = {'TURBOSMTP_EMAIL': 'env@example.com', 'TURBOSMTP_API_TOKEN': 'from-env'}
    settings = connection_settings({'api_token': 'given', 'email': '', 'timeout': None},
                                   ('api_token', 'email', 'password', 'dashboard_url', 'timeout'), environ)
    assert settings == {'api_token': 'given', 'email': 'env@example.com', 'password': None,
                        'dashboard_url': DEFAULT_DASHBOARD_URL, 'timeout': 30}


def test_the_module_options_fall_back_to_the_variables_and_defaults_of_the_table():
    spec = dict(connection_argument_spec(), **send_argument_spec())
    assert set(spec) == set(CONNECTION_OPTIONS)
    for name, option in CONNECTION_OPTIONS.items():
        assert spec[name].get('fallback', (None, [None]))[1] == [option.env], name
        assert spec[name].get('default') == option.default, name
