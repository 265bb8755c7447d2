"""The digest shows what the API returns, and the API's text is not to be trusted: a spam complaint's address
that carries markup reaches the mail escaped, never as markup; a complaint the role cannot read is skipped
with a warning, and the digest says so."""

from conftest import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD, REPO, run_playbook

EXAMPLE = REPO / 'docs' / 'examples' / 'digest_weekly.yml'
HOSTILE_EMAIL = '<script>alert("addr")</script>@example.org'
ENV = {'TURBOSMTP_EMAIL': EMAIL, 'TURBOSMTP_PASSWORD': PASSWORD,
       'TURBOSMTP_CONSUMER_KEY': CONSUMER_KEY, 'TURBOSMTP_CONSUMER_SECRET': CONSUMER_SECRET}


def fake_spam(sim, rows):
    sim.add_fault('body', method='GET', path='/web/api/reports/spam/count$', body={'count': len(rows)})
    sim.add_fault('body', method='GET', path='/web/api/reports/spam$', body=rows)


def test_markup_in_a_complaint_is_mailed_escaped(sim, tmp_path):
    fake_spam(sim, [{'cid': 301, 'email': HOSTILE_EMAIL, 'ts': '2026-06-28T10:00:00.000Z', 'response': 'complaint'}])
    week = {'digest_end': '2026-06-30', 'digest_artifact': str(tmp_path / 'digest.html')}

    result = run_playbook(sim, EXAMPLE, extra_vars=week, extra_env=ENV)

    assert result.returncode == 0, result.stdout[-5000:]
    assert sim.faults.list() == [], 'the role did not read the faked answers'
    [message] = sim.messages()
    html = message['html_content']
    assert '&lt;script&gt;alert(&#34;addr&#34;)&lt;/script&gt;@example.org' in html
    assert '<script' not in html


def test_an_unreadable_complaint_is_skipped_with_a_warning_and_counted(sim, tmp_path):
    fake_spam(sim, [
        {'cid': 303, 'email': 'late@example.org', 'ts': None, 'response': 'complaint'},
        {'cid': 302, 'ts': '2026-06-29T10:00:00.000Z', 'response': 'complaint'},
        {'cid': 301, 'email': 'jane@example.org', 'ts': '2026-06-28T10:00:00.000Z', 'response': 'complaint'},
    ])
    week = {'digest_end': '2026-06-30', 'digest_artifact': str(tmp_path / 'digest.html')}

    result = run_playbook(sim, EXAMPLE, extra_vars=week, extra_env=ENV)

    assert result.returncode == 0, result.stdout[-5000:]
    assert '[WARNING]: skipped 2 of 3 spam complaints without ts or email (row 0, 1)' in result.stdout
    [message] = sim.messages()
    assert '2 of the most recent spam complaints could not be read' in message['content']
    assert '2 of the most recent spam complaints could not be read' in message['html_content']
    assert 'jane@example.org' in message['html_content']
    assert 'late@example.org' not in message['content']
