"""The shared client against the simulator over real HTTP: error shapes, retries,
at-most-once sends, paging, CSV streaming and both ways of authenticating."""

import os
import socket

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils.client import (
    REPORT_PAGE_SIZE,
    STATS_LISTING,
    DashboardClient,
    RetryPolicy,
    SendClient,
    TurboSMTPError,
    _reports_listing,
    row_identity,
)
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, INACTIVE_EMAIL, PASSWORD

STATS_RANGE = {'start': '2026-01-01 00:00:00', 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}


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


def message(**fields):
    body = {'from': 'Deploy Bot <deploy@example.com>', 'to': 'ops@example.org', 'subject': 'Deployed', 'content': 'ok'}
    body.update(fields)
    return body


def closed_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


# Authentication


def test_email_and_password_authorize_once_and_revoke_on_close(sim):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    client.user_info()
    client.plans()
    client.close()
    assert [r['path'] for r in sim.requests()] == ['/api/authorize', '/api/user/info', '/api/plans', '/api/deauthorize']
    token_used = sim.requests()[1]['headers']['Authorization']
    assert sim.requests()[3]['headers']['Authorization'] == token_used
    assert sim.requests()[0]['json'] == {'email': EMAIL, 'password': PASSWORD}
    assert_no_live_tokens(sim)


def assert_no_live_tokens(sim):
    import requests
    assert requests.get(sim.url + '/_sim/state').json()['tokens'] == 0


def test_api_token_is_sent_raw_and_never_revoked(sim, token):
    sim.clear_requests()
    client = DashboardClient(sim.url, api_token=token)
    assert client.user_info()['email'] == EMAIL
    client.close()
    requests_seen = sim.requests()
    assert [r['path'] for r in requests_seen] == ['/api/user/info']
    assert requests_seen[0]['headers']['Authorization'] == token


def test_no_credentials_fail_before_any_request(sim):
    client = DashboardClient(sim.url)
    with pytest.raises(TurboSMTPError, match='no dashboard credentials'):
        client.user_info()
    assert sim.requests() == []


def test_deauthorize_reports_an_unknown_token_as_false(sim, token):
    client = DashboardClient(sim.url)
    assert client.deauthorize(token) is True
    assert client.deauthorize(token) is False


def test_expired_token_is_the_apis_own_error(sim):
    client = DashboardClient(sim.url)
    short_lived = client.authorize(EMAIL, PASSWORD)
    lasting = client.authorize(EMAIL, PASSWORD, no_expire=True)
    sim.advance_clock(3601)
    with pytest.raises(TurboSMTPError) as expired:
        DashboardClient(sim.url, api_token=short_lived).user_info()
    assert expired.value.status == 401 and expired.value.error_code == 3
    assert short_lived not in str(expired.value)
    assert DashboardClient(sim.url, api_token=lasting).user_info()['email'] == EMAIL


# Every documented error shape becomes one clear message


def test_error_code_and_message(sim):
    with pytest.raises(TurboSMTPError) as failure:
        DashboardClient(sim.url, email=EMAIL, password='wrong').user_info()
    error = failure.value
    assert (error.status, error.error_code) == (401, 1)
    assert str(error) == 'turboSMTP request POST /api/authorize failed with HTTP 401: Wrong credentials specified (error code 1)'
    assert 'wrong' not in str(error).replace('Wrong', '')


def test_error_code_message_and_details(sim):
    with pytest.raises(TurboSMTPError) as failure:
        DashboardClient(sim.url).request_json('GET', '/api/user/info')
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


# Retries


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


def test_send_returns_the_mid_exactly_as_a_string(sim, sender):
    mid = sender.send(message())
    assert isinstance(mid, str) and int(mid) > 2 ** 53
    assert mid == sim.messages()[0]['mid']


def test_send_headers_and_legacy_body_fields(sim):
    SendClient(sim.url, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET).send(message())
    SendClient(sim.url, email=EMAIL, password=PASSWORD).send(message())
    by_key, legacy = sim.requests(path='/api/v2/mail/send')
    assert by_key['headers']['consumerKey'] == CONSUMER_KEY and 'authuser' not in by_key['json']
    assert 'consumerKey' not in legacy['headers'] and 'Authorization' not in legacy['headers']
    assert (legacy['json']['authuser'], legacy['json']['authpass']) == (EMAIL, PASSWORD)
    assert [m['auth'] for m in sim.messages()] == ['consumer_key', 'legacy']


def test_send_without_credentials_fails_before_sending(sim):
    with pytest.raises(TurboSMTPError, match='no send credentials'):
        SendClient(sim.url).send(message())
    assert sim.requests() == []


# Paging


def expected_stats(sim):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    try:
        with open_csv(client, STATS_RANGE) as rows:
            return [int(row['id']) for row in rows]
    finally:
        client.close()


class open_csv:
    def __init__(self, client, query):
        import tempfile
        self.client, self.query = client, query
        self.directory = tempfile.mkdtemp()

    def __enter__(self):
        import csv
        dest = os.path.join(self.directory, 'export.csv')
        self.client.stats_csv(self.query, dest)
        self.handle = open(dest, newline='')
        return list(csv.DictReader(self.handle))

    def __exit__(self, *exc):
        self.handle.close()


def test_hundreds_of_pages_come_back_complete_and_in_api_order(sim):
    sim.reset(stats_rows=3000)
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    rows, count = client.stats_list(STATS_RANGE, concurrency=8)
    client.close()
    assert count == 3000
    pages = [r for r in sim.requests() if r['path'] == '/api/stats/panes/emails']
    # 3000 rows fill 300 pages exactly, so page 301 is read too, to prove nothing follows.
    assert sorted(int(r['query']['page']) for r in pages) == list(range(1, 302))
    assert [row['id'] for row in rows] == expected_stats(sim)


def test_limit_fetches_only_the_pages_it_needs(sim, dashboard):
    rows, count = dashboard.reports_list('bounce', {}, whole_history=True, limit=45)
    assert len(rows) == 45 and count == 120
    pages = [r['query']['page'] for r in sim.requests() if r['path'] == '/web/api/reports/bounce/all']
    assert sorted(pages) == ['1', '2', '3']


def test_an_empty_list_makes_only_the_count_request(sim, dashboard):
    params = {'start': '2020-01-01', 'end': '2020-01-31'}
    assert dashboard.reports_list('spam', params) == ([], 0)
    assert [r['path'] for r in sim.requests()] == ['/web/api/reports/spam/count']


def test_rows_shifted_by_new_mail_during_paging_are_neither_lost_nor_duplicated(sim, dashboard, sender):
    total = dashboard.stats_count(STATS_RANGE)
    before = expected_stats(sim)
    sender.send(message(to='a@example.org, b@example.org'))
    rows = dashboard._fetch_pages(STATS_LISTING, STATS_RANGE, total)
    ids = [row['id'] for row in rows]
    assert len(ids) == len(set(ids))
    assert set(before) <= set(ids)


def test_a_failing_page_fails_the_whole_listing(sim, dashboard):
    sim.add_fault('status', count=1, status=500, path='/api/stats/panes/emails', method='GET')
    with pytest.raises(TurboSMTPError, match='HTTP 500'):
        dashboard.stats_list(STATS_RANGE)


# CSV export


def test_csv_export_is_streamed_to_the_destination_whole(sim, dashboard, tmp_path):
    dest = tmp_path / 'stats.csv'
    size = dashboard.stats_csv(STATS_RANGE, str(dest))
    lines = dest.read_text().splitlines()
    assert size == dest.stat().st_size
    assert lines[0] == 'id,subject,sender,recipient,sendTime,status,error'
    assert len(lines) == 1 + 250


def test_a_failed_export_leaves_no_file_behind(sim, dashboard, tmp_path):
    sim.add_fault('status', count=10, status=503)
    with pytest.raises(TurboSMTPError):
        dashboard.reports_csv('spam', {}, str(tmp_path / 'spam.csv'), whole_history=True)
    assert list(tmp_path.iterdir()) == []


def test_a_token_the_client_asked_for_is_renewed_once_it_expires(sim):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    client.user_info()
    sim.advance_clock(3601)
    assert client.user_info()['email'] == EMAIL
    client.close()
    assert [r['path'] for r in sim.requests()] == ['/api/authorize', '/api/user/info', '/api/user/info', '/api/authorize',
                                                   '/api/user/info', '/api/deauthorize']
    assert [r['status'] for r in sim.requests(path='/api/user/info')] == [200, 401, 200]


def test_a_given_token_that_expired_is_reported_not_replaced(sim):
    token = DashboardClient(sim.url).authorize(EMAIL, PASSWORD)
    sim.advance_clock(3601)
    sim.clear_requests()
    with pytest.raises(TurboSMTPError, match='Invalid authorization token'):
        DashboardClient(sim.url, api_token=token, email=EMAIL, password=PASSWORD).user_info()
    assert [r['path'] for r in sim.requests()] == ['/api/user/info']


# The API's answers, taken at the documentation's word


@pytest.mark.parametrize('body, code', [
    ({'error': 3, 'message': 'Wrong credentials specified'}, 3),
    ({'message': 'error', 'errors': {'message': 'error', 'errors': 'nocredit'}}, None),
], ids=['error field', 'errors object'])
def test_a_send_answering_an_error_object_under_200_is_an_error_not_a_missing_mid(sim, sender, body, code):
    sim.add_fault('body', body=body, path='/api/v2/mail/send')
    with pytest.raises(TurboSMTPError) as failure:
        sender.send(message())
    error = failure.value
    assert (error.status, error.error_code) == (200, code)
    assert str(error).startswith('turboSMTP request POST /api/v2/mail/send failed with HTTP 200: ')
    assert ('Wrong credentials specified' if code else 'nocredit') in str(error)
    assert not error.may_have_been_sent
    assert len(sim.requests(path='/api/v2/mail/send')) == 1


def test_a_send_success_with_its_message_field_is_a_success(sim, sender):
    sim.add_fault('body', body={'message': 'OK', 'mid': 1475205839938715648}, path='/api/v2/mail/send')
    assert sender.send(message()) == '1475205839938715648'


def test_a_self_requested_token_reported_invalid_under_200_is_renewed(sim):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    sim.add_fault('body', body={'errorCode': 3, 'message': 'Invalid authorization token'}, path='/api/user/info')
    assert client.user_info()['email'] == EMAIL
    client.close()
    records = sim.requests()
    assert [r['path'] for r in records] == ['/api/authorize', '/api/user/info', '/api/authorize', '/api/user/info',
                                            '/api/deauthorize']
    tokens = [r['headers']['Authorization'] for r in records[1::2]]
    assert tokens[0] != tokens[1] == records[-1]['headers']['Authorization'], 'the renewed token is the one revoked'


def report_row(cid, email):
    return {'cid': cid, 'email': email, 'ts': '2026-06-01T00:00:00.000Z', 'response': '550 unknown user'}


def test_only_a_row_identical_to_one_of_an_earlier_page_is_dropped(sim, dashboard):
    first_page = [report_row(1000 + n, 'r%d@example.org' % n) for n in range(REPORT_PAGE_SIZE)]
    # A new report pushed the last row of page 1 onto page 2; the next one only shares its cid.
    second_page = [first_page[-1], report_row(first_page[-1]['cid'], 'other@example.org'), report_row(7, 'x@example.org')]
    sim.add_fault('body', body=first_page, path='/web/api/reports/unsub/all$')
    sim.add_fault('body', body=second_page, path='/web/api/reports/unsub/all$')

    rows = dashboard._fetch_pages(_reports_listing('unsub', whole_history=True), {}, 22, concurrency=1)

    assert rows == first_page + second_page[1:]


def test_identical_rows_within_one_page_are_both_kept(sim, dashboard):
    twins = [report_row(5, 'same@example.org'), report_row(5, 'same@example.org')]
    sim.add_fault('body', body={'count': 2}, path='/web/api/reports/spam/all/count$')
    sim.add_fault('body', body=twins, path='/web/api/reports/spam/all$')
    assert dashboard.reports_list('spam', {}, whole_history=True) == (twins, 2)


def test_row_identity_tells_rows_apart_by_every_field():
    row = {'id': 4612864212, 'status': 'SUCCESS', 'error': None}
    assert row_identity(row) == row_identity({'error': None, 'status': 'SUCCESS', 'id': 4612864212})
    assert row_identity(row) != row_identity(dict(row, status='OPEN'))


@pytest.mark.parametrize('value, other', [(1, True), (1, 1.0), (0, False), (None, 'None'), ('1', 1)])
def test_row_identity_tells_values_of_different_json_types_apart(value, other):
    assert row_identity({'id': 7, 'field': value}) != row_identity({'id': 7, 'field': other})


def test_row_identity_compares_rows_holding_lists_and_objects_by_content():
    row = {'id': 7, 'tags': ['a', 'b'], 'meta': {'ip': '192.0.2.1'}}
    assert row_identity(row) == row_identity({'meta': {'ip': '192.0.2.1'}, 'tags': ['a', 'b'], 'id': 7})
    assert row_identity(row) != row_identity(dict(row, tags=['b', 'a']))
    assert row_identity(row) != row_identity(dict(row, meta={'ip': '192.0.2.2'}))


def test_a_delete_is_done_only_when_the_api_answers_success_true(sim, dashboard):
    cid = str(sim.world.reports['unsub'][0]['cid'])
    sim.add_fault('body', body={'success': 'true'}, path='/web/api/reports/unsub$')
    with pytest.raises(TurboSMTPError, match=r'did not answer \{"success": true\} but \{"success": "true"\}'):
        dashboard.delete_reports('unsub', [cid])
    dashboard.delete_reports('unsub', [cid])
    assert cid not in [str(row['cid']) for row in sim.world.reports['unsub']]


def test_a_json_answer_on_a_csv_path_leaves_the_destination_as_it_was(sim, dashboard, tmp_path):
    dest = tmp_path / 'spam.csv'
    dest.write_text('old')
    sim.add_fault('body', body={'errorCode': 7, 'message': 'Access to requested resources is denied'},
                  path='/web/api/reports/spam/all/csv')
    with pytest.raises(TurboSMTPError) as failure:
        dashboard.reports_csv('spam', {}, str(dest), whole_history=True)
    assert (failure.value.status, failure.value.error_code) == (200, 7)
    assert dest.read_text() == 'old'
    assert list(tmp_path.iterdir()) == [dest]
