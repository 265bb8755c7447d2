"""The checks and the body building of one message, before anything is sent."""

import base64

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
