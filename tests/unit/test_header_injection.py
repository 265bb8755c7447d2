"""No value can add mail headers of its own: every field that ends up in a header refuses line breaks and
control characters, naming the field (and, in a batch, the message), before any request goes out."""

import base64

import pytest


SEND_PATH = '/api/v2/mail/send'
INJECTED = 'Bcc: spy@evil.example'
# CR LF, each alone, NUL, TAB, DEL, NEL (U+0085), the Unicode line and paragraph separators.
BREAKERS = ['\r\n', '\r', '\n', '\x00', '\t', '\x7f', '\x85', '\u2028', '\u2029']
ATTACHMENT = base64.b64encode(b'payload').decode()


def one(**fields):
    args = {'from': 'Ops <ops@example.com>', 'to': ['alice@example.com'], 'subject': 'Hello', 'content': 'Hi there'}
    args.update(fields)
    return args


def field_with(breaker):
    """(options carrying the breaker in one header field, the field the msg must name)."""
    attachment = {'content': ATTACHMENT, 'name': 'notes.txt'}
    return [
        ({'subject': 'Hello%s%s' % (breaker, INJECTED)}, 'subject'),
        ({'from': 'Ops%s%s <ops@example.com>' % (breaker, INJECTED)}, 'from'),
        ({'from': 'ops@example.com%s%s' % (breaker, INJECTED)}, 'from'),
        ({'from': 'ops@example.com%s' % breaker}, 'from'),
        ({'to': ['bob@example.com', 'Alice%s%s <alice@example.com>' % (breaker, INJECTED)]}, 'to[1]'),
        ({'cc': ['carol@example.com%s' % breaker]}, 'cc[0]'),
        ({'bcc': ['%sdan@example.com' % breaker]}, 'bcc[0]'),
        ({'reply_to': 'Help%s%s <help@example.com>' % (breaker, INJECTED)}, 'reply_to'),
        ({'custom_headers': {'X-Ticket': 'T-1%s%s' % (breaker, INJECTED)}}, 'custom_headers.X-Ticket'),
        ({'custom_headers': {'X-Ticket%s%s' % (breaker, INJECTED): 'T-1'}}, 'custom_headers'),
        ({'reference_id': 'ref%s%s' % (breaker, INJECTED)}, 'reference_id'),
        ({'campaign_id': 'launch%s%s' % (breaker, INJECTED)}, 'campaign_id'),
        ({'attachments': [dict(attachment, name='notes%s.txt' % breaker)]}, 'attachments[0].name'),
        ({'attachments': [dict(attachment, type='text/plain%s%s' % (breaker, INJECTED))]}, 'attachments[0].type'),
        ({'attachments': [attachment, dict(attachment, content_id='logo%s%s' % (breaker, INJECTED))]},
         'attachments[1].content_id'),
    ]


CASES = [(breaker, fields, field) for breaker in BREAKERS for fields, field in field_with(breaker)]


@pytest.mark.parametrize('breaker, fields, field', CASES, ids=['%r-%s-%d' % (case[0], case[2], index)
                                                               for index, case in enumerate(CASES)])
def test_a_control_character_in_a_header_field_fails_before_any_request(send, sim, breaker, fields, field):
    result, failed = send(one(**fields))
    assert failed
    assert result['msg'].startswith('%s: ' % field), result['msg']
    assert sim.requests() == [] and sim.messages() == []


def test_the_message_names_the_character_and_where_it_is(send, sim):
    result, failed = send(one(subject='Hello\r\nBcc: spy@evil.example'))
    assert failed
    assert result['msg'].startswith('subject: contains U+000D (CR) at character 6; a mail header field must be one line')
    assert sim.requests() == []


def test_in_a_batch_the_msg_names_the_message(send, sim):
    result, failed = send(one(messages=[
        {'to': ['a@example.com']},
        {'to': ['b@example.com'], 'custom_headers': {'X-Ref': 'x\nBcc: spy@evil.example'}},
    ]))
    assert failed
    assert result['msg'].startswith('messages[1].custom_headers.X-Ref: contains U+000A (LF)'), result['msg']
    assert sim.requests() == [] and sim.messages() == []


def test_a_top_level_field_inherited_by_a_batch_is_checked_for_each_message(send, sim):
    result, failed = send(one(subject='Hi\u2028Bcc: spy@evil.example', messages=[{'to': ['a@example.com']}]))
    assert failed
    assert result['msg'].startswith('messages[0].subject: contains U+2028 (LINE SEPARATOR)'), result['msg']
    assert sim.requests() == []


def test_a_file_name_with_a_line_break_read_on_the_host_is_refused(send, sim, tmp_path):
    path = tmp_path / 'notes\r\nBcc: spy@evil.example.txt'
    path.write_bytes(b'notes')
    result, failed = send(one(remote_src=True, attachments=[{'path': str(path)}]))
    assert failed
    assert result['msg'].startswith('attachments[0].name: contains U+000D (CR)'), result['msg']
    assert sim.requests() == []


def test_text_beyond_ascii_without_control_characters_is_sent_unchanged(send, sim):
    subject = 'Grüße — 部署 ✓ "quoted" <tag> ; semi: colon'
    result, failed = send(one(
        subject=subject, reference_id='réf-1', campaign_id='été',
        **{'from': 'Zoë Ünal <zoe@example.com>', 'custom_headers': {'X-Note': 'ça va: oui', 'X-Count': 3, 'X-Ratio': 1.5}}))
    assert not failed, result
    [message] = sim.messages()
    assert message['subject'] == subject and message['from'] == 'Zoë Ünal <zoe@example.com>'
    assert message['reference_id'] == 'réf-1' and message['campaign_id'] == 'été'
    assert message['custom_headers'] == {'X-Note': 'ça va: oui', 'X-Count': '3', 'X-Ratio': '1.5'}


@pytest.mark.parametrize('value, error', [
    ({'nested': 'dict'}, 'custom_headers.X-Data: must be a string or a number, got dict'),
    (['a', 'b'], 'custom_headers.X-Data: must be a string or a number, got list'),
    (True, 'custom_headers.X-Data: must be a string or a number, got bool; quote it in YAML'),
    (None, 'custom_headers.X-Data: must be a string or a number, got null; quote it in YAML'),
])
def test_custom_header_values_are_strings_or_numbers(send, sim, value, error):
    result, failed = send(one(custom_headers={'X-Data': value}))
    assert failed
    assert result['msg'].startswith(error), result['msg']
    assert sim.requests() == []


@pytest.mark.parametrize('name', ['X Data', 'X-Data:', 'Bcc: spy@evil.example', '', 'X-Dätä'])
def test_custom_header_names_are_field_names(send, sim, name):
    result, failed = send(one(custom_headers={name: 'value'}))
    assert failed
    assert result['msg'].startswith('custom_headers: %r is not a header name' % name), result['msg']
    assert sim.requests() == []
