"""The checks and the body building of one message, before anything is sent: field by field, and (through
turbosmtp_send) no value that ends up in a mail header can add headers of its own."""

import base64
import os

import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils.message import (
    MAX_MESSAGE_BYTES,
    build_attachment,
    build_message,
    check_address,
    merge_message,
)


def message(**fields):
    base = {'from': 'Ops <ops@example.com>', 'to': ['alice@example.com'], 'subject': 'Hi', 'content': 'Hello'}
    base.update(fields)
    return base


def test_body_holds_the_api_field_names():
    body = build_message(message(cc=['Carol <carol@example.com>', 'dan@example.com'], bcc=['eve@example.com'],
                                 html_content='<p>Hello</p>', reply_to='help@example.com',
                                 custom_headers={'X-Ticket': 42}, reference_id='ref-1', campaign_id='launch'))
    assert body == {
        'from': 'Ops <ops@example.com>',
        'to': 'alice@example.com',
        'cc': 'Carol <carol@example.com>, dan@example.com',
        'bcc': 'eve@example.com',
        'subject': 'Hi',
        'content': 'Hello',
        'html_content': '<p>Hello</p>',
        'reference_id': 'ref-1',
        'X-campaign-ID': 'launch',
        'custom_headers': {'X-Ticket': '42', 'reply-to': 'help@example.com'},
    }


@pytest.mark.parametrize('value', ['alice@example.com', 'Alice Smith <alice@example.com>', '"Alice" <a.b+c@mail.example.co.uk>'])
def test_well_formed_addresses_pass(value):
    assert check_address('to[0]', value) == value


@pytest.mark.parametrize('value', ['bob@', 'bob', '<bob@example.com', 'Bob <bob@example.com> extra', 'a@b.c', ''])
def test_malformed_addresses_fail_naming_the_field(value):
    with pytest.raises(ValueError, match=r'^to\[1\]: .* is not a valid email address'):
        check_address('to[1]', value)


def test_comma_in_display_name_is_refused():
    with pytest.raises(ValueError, match=r'^cc\[0\]: the display name .* contains a comma'):
        build_message(message(cc=['"Doe, Jane" <jane@example.com>']))


@pytest.mark.parametrize('fields, error', [
    ({'from': None}, r'^from: a sender address is required'),
    ({'from': 'nobody'}, r'^from: .* not a valid email address'),
    ({'to': []}, r'^to: at least one recipient'),
    ({'to': ['alice@example.com', 'bob@']}, r"^to\[1\]: 'bob@' is not a valid email address"),
    ({'bcc': ['x']}, r'^bcc\[0\]: '),
    ({'content': None}, r'^content: the message has no body'),
    ({'subject': 'x' * 701}, r'^subject: 701 characters, the API accepts at most 700'),
    ({'reply_to': 'help'}, r'^reply_to: '),
    ({'reply_to': 'help@example.com', 'custom_headers': {'Reply-To': 'x@example.com'}}, r'^reply_to: custom_headers also sets Reply-To'),
])
def test_bad_input_names_the_field(fields, error):
    with pytest.raises(ValueError, match=error):
        build_message(message(**fields))


def test_label_prefixes_the_field_of_a_batch_item():
    with pytest.raises(ValueError, match=r'^messages\[2\]\.subject: '):
        build_message(message(subject='x' * 701), 'messages[2].')


def test_subject_of_700_characters_is_accepted():
    assert len(build_message(message(subject='x' * 700))['subject']) == 700


def test_html_or_mime_alone_is_a_body():
    assert build_message(message(content=None, html_content='<p>x</p>'))['html_content'] == '<p>x</p>'
    assert 'mime_raw' in build_message(message(content=None, mime_raw='Subject: x\n\nbody'))


def test_attachment_from_path_is_read_named_and_typed(tmp_path):
    data = bytes(range(256))
    (tmp_path / 'report.pdf').write_bytes(data)
    built = build_attachment('attachments[0]', {'path': str(tmp_path / 'report.pdf')})
    assert built['name'] == 'report.pdf'
    assert built['type'] == 'application/pdf'
    assert base64.b64decode(built['content']) == data
    assert 'content_id' not in built


def test_attachment_type_falls_back_to_octet_stream_and_can_be_set():
    content = base64.b64encode(b'x').decode()
    assert build_attachment('a', {'content': content, 'name': 'blob.zzzunknown'})['type'] == 'application/octet-stream'
    assert build_attachment('a', {'content': content, 'name': 'x.png', 'type': 'text/plain'})['type'] == 'text/plain'
    assert build_attachment('a', {'content': content, 'name': 'logo.png', 'content_id': 'logo'})['content_id'] == 'logo'


@pytest.mark.parametrize('attachment, error', [
    ({'content': 'not base64!', 'name': 'a.txt'}, r'^attachments\[0\]\.content: not valid base64'),
    ({'content': 'eA=='}, r'^attachments\[0\]\.name: required'),
    ({'path': '/nonexistent/file.txt'}, r'^attachments\[0\]\.path: cannot read attachment file /nonexistent/file.txt'),
    ({}, r'^attachments\[0\]: set path or content'),
])
def test_bad_attachments_name_the_field(attachment, error):
    with pytest.raises(ValueError, match=error):
        build_message(message(attachments=[attachment]))


def test_message_of_24_mb_or_more_is_refused():
    content = base64.b64encode(b'\0' * (MAX_MESSAGE_BYTES * 3 // 4)).decode()
    with pytest.raises(ValueError, match=r'^messages\[0\]\.attachments: the message is 24\.0 MB'):
        build_message(message(attachments=[{'content': content, 'name': 'big.bin'}]), 'messages[0].')


def test_merge_takes_what_the_item_sets_and_inherits_the_rest():
    merged = merge_message(message(cc=['c@example.com']), {'to': ['bob@example.com'], 'cc': None, 'subject': 'Other'})
    assert merged['to'] == ['bob@example.com']
    assert merged['subject'] == 'Other'
    assert merged['cc'] == ['c@example.com']
    assert merged['content'] == 'Hello'


@pytest.mark.parametrize('fields, error', [
    ({'subject': 'Hello\r\nBcc: spy@evil.example'}, r'^subject: contains U\+000D \(CR\) at character 6'),
    ({'from': 'ops@example.com\n'}, r'^from: contains U\+000A \(LF\) at character 16'),
    ({'reply_to': 'Help\x85 <help@example.com>'}, r'^reply_to: contains U\+0085 \(NEL\)'),
    ({'reference_id': 'ref\x7f'}, r'^reference_id: contains U\+007F \(DEL\)'),
    ({'campaign_id': 'a\u2029b'}, r'^campaign_id: contains U\+2029 \(PARAGRAPH SEPARATOR\)'),
    ({'custom_headers': {'X-A': 'b\x1bc'}}, r'^custom_headers\.X-A: contains U\+001B at character 2'),
    ({'custom_headers': {'X-A': {'b': 'c'}}}, r'^custom_headers\.X-A: must be a string or a number, got dict'),
    ({'custom_headers': {'X-A\r\nBcc': 'x'}}, r"^custom_headers: 'X-A\\r\\nBcc' is not a header name"),
])
def test_header_fields_refuse_line_breaks_and_control_characters(fields, error):
    with pytest.raises(ValueError, match=error):
        build_message(message(**fields), '')


# Attachment names: a plain file name, shown as it is by any mail client.

BAD_ATTACHMENT_NAMES = ['../etc/passwd', 'dir/report.pdf', 'dir\\report.pdf', '.', '..', '\u202egnp.exe', 'report\u2066.pdf']


@pytest.mark.parametrize('name', BAD_ATTACHMENT_NAMES)
def test_an_attachment_name_that_is_no_plain_file_name_is_refused_naming_the_message(send, sim, name):
    attachment = {'name': name, 'content': 'aGVsbG8='}
    result, failed = send({'from': 'deploy@example.com', 'subject': 'Hi', 'content': 'Hi',
                           'messages': [{'to': ['a@example.org']}, {'to': ['b@example.org'], 'attachments': [attachment]}]})
    assert failed
    assert result['msg'].startswith('messages[1].attachments[0].name: the attachment name '), result['msg']
    assert sim.messages() == []


def test_an_attachment_file_whose_name_is_not_utf8_is_refused(tmp_path):
    # Module arguments cannot carry such a name (ansible-core refuses it); a path read on disk can.
    path = os.path.join(os.fsencode(tmp_path), b'r\xffport.pdf')
    with open(path, 'wb') as handle:
        handle.write(b'%PDF')
    with pytest.raises(ValueError) as refused:
        build_attachment('messages[2].attachments[0]', {'path': os.fsdecode(path)})
    assert str(refused.value).startswith("messages[2].attachments[0].name: the attachment name 'r\\udcffport.pdf' is not valid")


# No value can add mail headers of its own: every field that ends up in a header refuses line breaks and
# control characters, naming the field (and, in a batch, the message), before any request goes out.

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
