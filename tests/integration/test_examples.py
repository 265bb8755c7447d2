"""Every playbook in docs/examples runs against the simulator the way a CI job would run it:
credentials only in TURBOSMTP_* environment variables, nothing in the playbook."""

import datetime
import json
import re
import urllib.parse
import urllib.request

from conftest import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, REPO, run_playbook

EXAMPLES = REPO / 'docs' / 'examples'
WRITES = ('POST', 'PUT', 'DELETE')


def dashboard_env():
    return {'TURBOSMTP_EMAIL': EMAIL, 'TURBOSMTP_PASSWORD': PASSWORD}


def send_env():
    return {'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY, 'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET}


def state(sim):
    with urllib.request.urlopen(sim.url + '/_sim/state') as answer:
        return json.loads(answer.read().decode('utf-8'))


def writes(sim):
    """The requests that changed something (authorize/deauthorize are the module's own login)."""
    return [(request['method'], request['path']) for request in sim.requests()
            if request['method'] in WRITES and request['path'] not in ('/api/authorize', '/api/deauthorize')]


def recap(output):
    """{host: {'ok': n, 'changed': n, 'failed': n, ...}} from the PLAY RECAP."""
    hosts = {}
    for line in output.split('PLAY RECAP', 1)[1].splitlines()[1:]:
        if ':' in line and '=' in line:
            host, counts = line.split(':', 1)
            hosts[host.strip()] = dict((key, int(value)) for key, value in (item.split('=') for item in counts.split()))
    return hosts


def test_tracking_as_code_converges_then_changes_nothing(sim):
    playbook = EXAMPLES / 'tracking_as_code.yml'
    sim.world.tools['openingTracking'] = True
    sim.world.tools['clickTracking'] = False

    first = run_playbook(sim, playbook, extra_env=dashboard_env())
    assert first.returncode == 0, first.stdout[-5000:]
    assert state(sim)['tracking'] == {'clickTracking': True, 'openingTracking': False}
    assert sorted(writes(sim)) == [('PUT', '/api/tools/clickTracking/enable'), ('PUT', '/api/tools/openingTracking/disable')]
    assert recap(first.stdout)['localhost']['changed'] == 1

    sim.clear_requests()
    second = run_playbook(sim, playbook, extra_env=dashboard_env())
    assert second.returncode == 0, second.stdout[-5000:]
    assert recap(second.stdout)['localhost']['changed'] == 0
    assert writes(sim) == []
    assert state(sim)['tokens'] == 0


def test_deploy_success_sends_one_success_message_for_the_whole_fleet(sim):
    env = dict(send_env(), CI_COMMIT_TAG='v3.1.0', CI_ENVIRONMENT_NAME='production',
               CI_PIPELINE_URL='https://ci.example.com/shop/pipelines/77')
    result = run_playbook(sim, EXAMPLES / 'deploy_with_notification.yml', '-i', 'web1,web2,web3,', extra_env=env,
                          extra_vars={'release_changes': ['Faster checkout', 'Fix <b>VAT</b> rounding']})

    assert result.returncode == 0, result.stdout[-5000:]
    assert set(recap(result.stdout)) == {'localhost', 'web1', 'web2', 'web3'}
    messages = sim.messages()
    assert len(messages) == 1
    message = messages[0]
    assert message['auth'] == 'consumer_key'
    assert message['from'] == 'deployments@example.com'
    assert message['to'] == ['shop-team@example.com']
    assert message['subject'] == '[success] shop v3.1.0 deployed to production'
    assert '- Faster checkout' in message['content']
    assert 'Pipeline: https://ci.example.com/shop/pipelines/77' in message['content']
    assert '<li>Fix &lt;b&gt;VAT&lt;/b&gt; rounding</li>' in message['html_content']
    assert '<a href="https://ci.example.com/shop/pipelines/77">Pipeline</a>' in message['html_content']


def test_deploy_failure_sends_one_failure_message_and_fails_the_pipeline(sim):
    result = run_playbook(sim, EXAMPLES / 'deploy_with_notification.yml', '-i', 'web1,web2,', extra_env=send_env(),
                          extra_vars={'deploy_command': 'false'})

    assert result.returncode != 0
    assert 'The deployment of shop dev failed at: Deploy the release' in result.stdout
    messages = sim.messages()
    assert len(messages) == 1, [message['subject'] for message in messages]
    message = messages[0]
    assert message['subject'] == '[failure] shop dev failed to deploy to staging'
    assert 'Result:      FAILURE' in message['content']
    assert 'Failed at "Deploy the release"' in message['content']
    assert CONSUMER_SECRET not in result.stdout


def test_deploy_check_mode_sends_nothing(sim):
    result = run_playbook(sim, EXAMPLES / 'deploy_with_notification.yml', '--check', extra_env=send_env())

    assert result.returncode == 0, result.stdout[-5000:]
    assert sim.messages() == []


def days_since(day):
    return (datetime.datetime.now(datetime.timezone.utc).date() - day).days


def old_and_recent(sim, report_type, last_old_day):
    rows = sim.world.reports[report_type]
    old = [row for row in rows if row['ts'][:10] <= last_old_day]
    return old, [row for row in rows if row['ts'][:10] > last_old_day]


def test_report_cleanup_schedule_previews_deletes_then_changes_nothing(sim):
    playbook = EXAMPLES / 'report_cleanup_schedule.yml'
    # The simulator's reports span 2026-01-01..2026-06-30: keep those from April on.
    retention = {'report_retention_days': days_since(datetime.date(2026, 4, 1))}
    assert retention['report_retention_days'] > 0
    before = dict((report_type, old_and_recent(sim, report_type, '2026-04-01'))
                  for report_type in ('hardbounce', 'softbounce', 'spam', 'unsub'))
    assert all(old and recent for old, recent in before.values())

    preview = run_playbook(sim, playbook, '--check', extra_vars=retention, extra_env=dashboard_env())
    assert preview.returncode == 0, preview.stdout[-5000:]
    assert writes(sim) == []
    old_bounces = len(before['hardbounce'][0]) + len(before['softbounce'][0])
    assert 'bounce reports up to 2026-04-01: %d would be deleted' % old_bounces in preview.stdout
    assert 'unsub reports up to 2026-04-01: %d would be deleted' % len(before['unsub'][0]) in preview.stdout

    cleanup = run_playbook(sim, playbook, extra_vars=retention, extra_env=dashboard_env())
    assert cleanup.returncode == 0, cleanup.stdout[-5000:]
    for report_type, (_old, recent) in before.items():
        remaining = set(row['cid'] for row in sim.world.reports[report_type])
        assert remaining == set(row['cid'] for row in recent), report_type
    assert set(path for _method, path in writes(sim)) == {
        '/web/api/reports/bounce', '/web/api/reports/spam', '/web/api/reports/unsub'}

    sim.clear_requests()
    rerun = run_playbook(sim, playbook, extra_vars=retention, extra_env=dashboard_env())
    assert rerun.returncode == 0, rerun.stdout[-5000:]
    assert recap(rerun.stdout)['localhost']['changed'] == 0
    assert writes(sim) == []


def api_stats_count(sim, start, end):
    """How many messages the API itself counts in a period (the digest's total must match it)."""
    login = urllib.request.Request(sim.url + '/api/authorize', method='POST', headers={'Content-Type': 'application/json'},
                                   data=json.dumps({'email': EMAIL, 'password': PASSWORD}).encode('utf-8'))
    with urllib.request.urlopen(login) as answer:
        token = json.loads(answer.read().decode('utf-8'))['auth']
    query = urllib.parse.urlencode({'start': start, 'end': end, 'tz': '+00:00'})
    count = urllib.request.Request(sim.url + '/api/stats/panes/emails/count?' + query, headers={'Authorization': token})
    with urllib.request.urlopen(count) as answer:
        total = int(json.loads(answer.read().decode('utf-8'))['count'])
    logout = urllib.request.Request(sim.url + '/api/deauthorize', method='POST', headers={'Authorization': token})
    urllib.request.urlopen(logout).close()
    return total


def test_weekly_digest_mails_the_weeks_totals_once_and_keeps_the_artifact(sim, tmp_path):
    playbook = EXAMPLES / 'digest_weekly.yml'
    artifact = tmp_path / 'digest.html'
    week = {'digest_end': '2026-06-30 23:59:59', 'digest_artifact': str(artifact)}
    total = api_stats_count(sim, '2026-06-24 00:00:00', '2026-06-30 23:59:59')
    assert total > 0

    checked = run_playbook(sim, playbook, '--check', extra_vars=week, extra_env=dict(dashboard_env(), **send_env()))
    assert checked.returncode == 0, checked.stdout[-5000:]
    assert sim.messages() == []
    assert artifact.is_file()
    artifact.unlink()

    result = run_playbook(sim, playbook, extra_vars=week, extra_env=dict(dashboard_env(), **send_env()))
    assert result.returncode == 0, result.stdout[-5000:]
    messages = sim.messages()
    assert len(messages) == 1
    assert '%d messages' % total in messages[0]['subject']
    assert '2026-06-24 00:00:00 to 2026-06-30 23:59:59' in messages[0]['subject']
    assert artifact.read_text() == messages[0]['html_content']
    assert state(sim)['tokens'] == 0


def deleted_ids_line(output, report_type):
    """The ids the report_hygiene role printed for a type, or None when it printed none."""
    for line in output.splitlines():
        if ('%s reports deleted: ' % report_type) in line:
            return set(re.findall(r'\d+', line.split('deleted: ', 1)[1]))
    return None


def test_report_cleanup_prints_counts_and_the_ids_only_at_verbosity_1(sim, reset_sim):
    playbook = EXAMPLES / 'report_cleanup_schedule.yml'
    retention = {'report_retention_days': days_since(datetime.date(2026, 4, 1))}
    old_spam, _recent = old_and_recent(sim, 'spam', '2026-04-01')
    assert len(old_spam) > 5

    quiet = run_playbook(sim, playbook, extra_vars=retention, extra_env=dashboard_env())
    assert quiet.returncode == 0, quiet.stdout[-5000:]
    assert 'spam reports up to 2026-04-01: %d deleted' % len(old_spam) in quiet.stdout
    assert deleted_ids_line(quiet.stdout, 'spam') is None, 'the ids are printed without -v'

    reset_sim()
    old_spam, _recent = old_and_recent(sim, 'spam', '2026-04-01')
    verbose = run_playbook(sim, playbook, '-v', extra_vars=retention, extra_env=dashboard_env())
    assert verbose.returncode == 0, verbose.stdout[-5000:]
    assert deleted_ids_line(verbose.stdout, 'spam') == set(str(row['cid']) for row in old_spam)
