"""The digest shows what the API returns, and the API's text is not to be trusted: a status or a spam
complaint's address that carries markup reaches the mail escaped, never as markup."""

from conftest import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, REPO, run_playbook

EXAMPLE = REPO / 'docs' / 'examples' / 'digest_weekly.yml'
HOSTILE_EMAIL = '<script>alert("addr")</script>@example.org'
HOSTILE_STATUS = '<img src=x onerror=alert(1)>&'


def test_markup_in_a_complaint_is_mailed_escaped(sim, tmp_path):
    # One message and one spam complaint in the period, as the API would list them, with markup in their text.
    sim.add_fault('body', method='GET', path='/api/stats/panes/emails/count$', body={'count': 1})
    sim.add_fault('body', method='GET', path='/api/stats/panes/emails$', body=[
        {'id': 7, 'subject': 'Hi', 'sender': 'ops@example.com', 'recipient': 'a@example.org',
         'sendTime': '2026-06-28T09:00:00.000Z', 'status': HOSTILE_STATUS, 'error': None}])
    sim.add_fault('body', method='GET', path='/web/api/reports/spam/count$', body={'count': 1})
    sim.add_fault('body', method='GET', path='/web/api/reports/spam$', body=[
        {'cid': 301, 'email': HOSTILE_EMAIL, 'ts': '2026-06-28T10:00:00.000Z', 'response': 'complaint'}])
    env = {'TURBOSMTP_EMAIL': EMAIL, 'TURBOSMTP_PASSWORD': PASSWORD,
           'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY, 'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET}
    week = {'digest_end': '2026-06-30 23:59:59', 'digest_artifact': str(tmp_path / 'digest.html')}

    result = run_playbook(sim, EXAMPLE, extra_vars=week, extra_env=env)

    assert result.returncode == 0, result.stdout[-5000:]
    assert sim.faults.list() == [], 'the role did not read the faked answers'
    [message] = sim.messages()
    html = message['html_content']
    assert '&lt;script&gt;alert(&#34;addr&#34;)&lt;/script&gt;@example.org' in html
    assert '&lt;img src=x onerror=alert(1)&gt;&amp;' in html
    assert '<script' not in html and '<img' not in html
