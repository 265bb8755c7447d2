"""The dashboard client against the simulator over real HTTP: the token's life (login, renewal,
revocation), each operation at its own endpoint, lists read whole across pages, CSV exports."""

import os
import threading
import time

import pytest
import requests

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._dashboard import (
    REPORT_PAGE_SIZE,
    STATS_LISTING,
    DashboardClient,
    reports_listing,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._transport import USER_AGENT
from simulator import EMAIL, PASSWORD

STATS_RANGE = {'start': '2026-01-01 00:00:00', 'end': '2026-12-31 23:59:59', 'tz': '+00:00'}


def message(**fields):
    body = {'from': 'Deploy Bot <deploy@example.com>', 'to': 'ops@example.org', 'subject': 'Deployed', 'content': 'ok'}
    body.update(fields)
    return body


def assert_no_live_tokens(sim):
    assert requests.get(sim.url + '/_sim/state').json()['tokens'] == 0


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
    rows = dashboard.fetch_pages(STATS_LISTING, STATS_RANGE, total)
    ids = [row['id'] for row in rows]
    assert len(ids) == len(set(ids))
    assert set(before) <= set(ids)


def test_a_failing_page_fails_the_whole_listing(sim, dashboard):
    sim.add_fault('status', count=1, status=500, path='/api/stats/panes/emails', method='GET')
    with pytest.raises(TurboSMTPError, match='HTTP 500'):
        dashboard.stats_list(STATS_RANGE)


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


def report_row(cid, email):
    return {'cid': cid, 'email': email, 'ts': '2026-06-01T00:00:00.000Z', 'response': '550 unknown user'}


def test_only_a_row_identical_to_one_of_an_earlier_page_is_dropped(sim, dashboard):
    first_page = [report_row(1000 + n, 'r%d@example.org' % n) for n in range(REPORT_PAGE_SIZE)]
    # A new report pushed the last row of page 1 onto page 2; the next one only shares its cid.
    second_page = [first_page[-1], report_row(first_page[-1]['cid'], 'other@example.org'), report_row(7, 'x@example.org')]
    sim.add_fault('body', body=first_page, path='/web/api/reports/unsub/all$')
    sim.add_fault('body', body=second_page, path='/web/api/reports/unsub/all$')

    rows = dashboard.fetch_pages(reports_listing('unsub', whole_history=True), {}, 22, concurrency=1)

    assert rows == first_page + second_page[1:]


def test_identical_rows_within_one_page_are_both_kept(sim, dashboard):
    twins = [report_row(5, 'same@example.org'), report_row(5, 'same@example.org')]
    sim.add_fault('body', body={'count': 2}, path='/web/api/reports/spam/all/count$')
    sim.add_fault('body', body=twins, path='/web/api/reports/spam/all$')
    assert dashboard.reports_list('spam', {}, whole_history=True) == (twins, 2)


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


# The token's life under concurrency and on the way out


def test_a_csv_export_renews_an_expired_token_the_client_asked_for(sim, tmp_path):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    client.user_info()
    sim.advance_clock(3601)
    size = client.stats_csv(STATS_RANGE, str(tmp_path / 'stats.csv'))
    client.close()
    assert size == (tmp_path / 'stats.csv').stat().st_size > 0
    assert [r['path'] for r in sim.requests()].count('/api/authorize') == 2
    assert_no_live_tokens(sim)


def test_revoking_another_token_never_lends_it_to_concurrent_requests(sim, token):
    other = DashboardClient(sim.url).authorize(EMAIL, PASSWORD)
    client = DashboardClient(sim.url, api_token=token, timeout=3, retries=0)
    sim.add_fault('hang', seconds=1, path='/api/deauthorize')
    sim.clear_requests()
    revoking = threading.Thread(target=lambda: pytest.raises(TurboSMTPError, client.deauthorize, other))
    revoking.start()
    time.sleep(0.3)
    client.user_info()
    revoking.join()
    client.close()
    assert [r['headers']['Authorization'] for r in sim.requests(path='/api/user/info')] == [token]
    assert [r['headers']['Authorization'] for r in sim.requests(path='/api/deauthorize')] == [other]


def test_close_revokes_once_and_can_be_called_again(sim):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD)
    client.user_info()
    client.close()
    client.close()
    assert [r['path'] for r in sim.requests()].count('/api/deauthorize') == 1
    assert_no_live_tokens(sim)


def test_the_revocation_on_close_waits_a_few_seconds_at_most_and_is_not_retried(sim):
    client = DashboardClient(sim.url, email=EMAIL, password=PASSWORD, timeout=60, retries=3)
    client.user_info()
    sim.add_fault('hang', seconds=10, path='/api/deauthorize', count=5)
    started = time.monotonic()
    with pytest.raises(TurboSMTPError, match='timed out after 5s'):
        client.close()
    assert time.monotonic() - started < 8
    assert len(sim.requests(path='/api/deauthorize')) == 1
