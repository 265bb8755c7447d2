"""Property-based tests over the option space of send, stats and cleanup.

Whatever a user writes, a module either works or fails with a clear message; input the API
would reject (HTTP 400) is caught by the module first, before any request; and no input
ends in a traceback (run_module lets any exception other than exit/fail escape).
"""

import base64

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.turbosmtp.api.plugins.module_utils.vocabulary import STATS_STATUSES, STATUS_GROUPS
from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_report_cleanup, turbosmtp_send, turbosmtp_stats_info

PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

junk = st.text(min_size=0, max_size=12)
dates = st.dates().map(lambda day: day.strftime('%Y-%m-%d'))
times = st.datetimes().map(lambda moment: moment.strftime('%Y-%m-%d %H:%M:%S'))
REAL_OFFSETS = ['+00:00', '+01:00', '-05:30', '+14:00', '-12:00']
offsets = st.sampled_from(REAL_OFFSETS + ['+1:00', '01:00', 'UTC', '+25:00', '+01:00\n', '+14:59', '-12:30', '+14:01'])
local_parts = st.sampled_from(['ops', 'a.b', 'first+tag', '', 'bad space', 'x'])
domains = st.sampled_from(['example.org', 'mail.example.com', 'localhost', 'bad_domain', 'example.', ''])
addresses = st.builds(lambda local, domain: '%s@%s' % (local, domain), local_parts, domains) | junk
display_names = st.sampled_from(['Ops', 'Deploy Bot', 'Doe, Jane', '"Quoted"', ''])
named_addresses = addresses | st.builds(lambda name, address: '%s <%s>' % (name, address), display_names, addresses)
attachment = st.fixed_dictionaries({
    'name': st.sampled_from(['notes.txt', 'logo.png', 'data']),
    'content': st.sampled_from([base64.b64encode(b'payload').decode(), 'not base64!', '']),
})


def requests_rejected_as_bad_input(sim):
    return [r for r in sim.requests() if r['status'] == 400]


def assert_handled(sim, result, failed):
    if failed:
        assert isinstance(result['msg'], str) and result['msg']
    assert requests_rejected_as_bad_input(sim) == [], 'the module let through input the API rejects: %s' % result.get('msg')
    # The simulator is lenient with offsets (it takes +14:59): only the real ones may reach it.
    sent_offsets = set(r['query']['tz'] for r in sim.requests() if 'tz' in r['query'])
    assert sent_offsets <= set(REAL_OFFSETS), 'offsets outside UTC-12:00..UTC+14:00 were sent: %s' % sent_offsets


VALID_RANGE = {'start': '2026-01-01', 'end': '2026-06-30'}


@PROPERTY_SETTINGS
@given(changes=st.fixed_dictionaries({}, optional={
    'start': dates | times | junk,
    'end': dates | times | junk,
    'status': st.lists(st.sampled_from(STATS_STATUSES + ('new', 'SENT', '')), max_size=4),
    'status_group': st.sampled_from(sorted(STATUS_GROUPS) + ['all', '']),
    'tz': offsets,
    'last': st.integers(-5, 40),
    'limit': st.integers(-3, 40),
    'count_only': st.booleans(),
    'concurrency': st.integers(-2, 40),
}))
def test_stats_options(simulator, reset_sim, credentials, run_module, changes):
    """A valid query with a few options replaced or added."""
    reset_sim()
    result, failed = run_module(turbosmtp_stats_info.main, dict(credentials, **dict(VALID_RANGE, **changes)))
    assert_handled(simulator, result, failed)
    if not failed and not changes.get('count_only'):
        assert len(result['emails']) <= result['count']


@PROPERTY_SETTINGS
@given(options=st.fixed_dictionaries({'type': st.sampled_from(['bounce', 'spam', 'unsub', 'hardbounce', 'softbounce', 'junk'])},
                                     optional={
    'ids': st.lists(st.integers(-1, 10 ** 10).map(str) | junk, max_size=5),
    'start': dates | junk,
    'end': dates | junk,
    'all': st.booleans(),
    'filter': junk,
    'tz': offsets,
    'batch_size': st.integers(-1, 300),
}))
def test_cleanup_options(simulator, reset_sim, credentials, run_module, options):
    reset_sim()
    result, failed = run_module(turbosmtp_report_cleanup.main, dict(credentials, **options), check_mode=True)
    assert_handled(simulator, result, failed)
    assert [r for r in simulator.requests() if r['method'] == 'DELETE'] == [], 'check mode deleted something'


VALID_MESSAGE = {'from': 'Deploy Bot <deploy@example.com>', 'to': ['ops@example.org'], 'subject': 'Deployed',
                 'content': 'Release 1.2 is out.'}


@PROPERTY_SETTINGS
@given(changes=st.fixed_dictionaries({}, optional={
    'from': named_addresses,
    'to': st.lists(named_addresses, max_size=3),
    'cc': st.lists(named_addresses, max_size=2),
    'subject': st.text(max_size=20) | st.just('s' * 700) | st.just('s' * 701),
    'content': st.none() | st.text(max_size=20),
    'html_content': st.text(max_size=20),
    'reply_to': named_addresses,
    'attachments': st.lists(attachment, max_size=2),
}))
def test_send_options(simulator, reset_sim, send_credentials, run_module, changes):
    """A valid message with a few fields replaced by anything at all."""
    reset_sim()
    result, failed = run_module(turbosmtp_send.main, dict(send_credentials, **dict(VALID_MESSAGE, **changes)))
    assert_handled(simulator, result, failed)
    assert len(simulator.messages()) == (0 if failed else 1)


# Unicode category Cc (C0, DEL, C1 with NEL) and the Unicode line and paragraph separators.
HEADER_BREAKERS = [chr(code) for code in list(range(0x20)) + list(range(0x7f, 0xa0))] + ['\u2028', '\u2029']
HEADER_FIELDS = {
    'from': lambda text: {'from': '%s <deploy@example.com>' % text},
    'to[0]': lambda text: {'to': ['%s <ops@example.org>' % text]},
    'cc[0]': lambda text: {'cc': ['%s <cc@example.org>' % text]},
    'bcc[0]': lambda text: {'bcc': ['%s <bcc@example.org>' % text]},
    'reply_to': lambda text: {'reply_to': '%s <help@example.org>' % text},
    'subject': lambda text: {'subject': text},
    'custom_headers.X-Note': lambda text: {'custom_headers': {'X-Note': text}},
    'reference_id': lambda text: {'reference_id': text},
    'campaign_id': lambda text: {'campaign_id': text},
    'attachments[0].name': lambda text: {'attachments': [{'content': 'eA==', 'name': text}]},
    'attachments[0].type': lambda text: {'attachments': [{'content': 'eA==', 'name': 'x.txt', 'type': text}]},
    'attachments[0].content_id': lambda text: {'attachments': [{'content': 'eA==', 'name': 'x.png', 'content_id': text}]},
}
plain_text = st.text(st.characters(blacklist_categories=('Cc', 'Cs', 'Zl', 'Zp'), blacklist_characters='<>,'),
                     min_size=1, max_size=10)


@PROPERTY_SETTINGS
@given(field=st.sampled_from(sorted(HEADER_FIELDS)), before=plain_text, breaker=st.sampled_from(HEADER_BREAKERS),
       after=st.text(max_size=10), batch=st.booleans())
def test_a_header_field_with_a_control_character_never_reaches_the_api(
        simulator, reset_sim, send_credentials, run_module, field, before, breaker, after, batch):
    """Whatever surrounds it, one line break or control character in a header field fails the task, naming the
    field (and the message of a batch), and nothing is sent."""
    reset_sim()
    fields = HEADER_FIELDS[field]('%s%s%s' % (before, breaker, after))
    args = dict(VALID_MESSAGE, messages=[{'to': ['first@example.org']}, fields]) if batch else dict(VALID_MESSAGE, **fields)
    result, failed = run_module(turbosmtp_send.main, dict(send_credentials, **args))
    assert failed
    assert result['msg'].startswith('%s%s: ' % ('messages[1].' if batch else '', field)), result['msg']
    assert simulator.requests() == [] and simulator.messages() == []
