"""turbosmtp_send against the simulator: what arrives, check mode, bad input, batches and at-most-once."""

import base64
import os
import time

import pytest

from ansible_collections.turbosmtp.api.plugins.modules import turbosmtp_send
from simulator import CONSUMER_KEY, EMAIL

SEND_PATH = '/api/v2/mail/send'
# The smallest file whose base64 encoding reaches the API's 24 MB limit.
OVERSIZED_FILE_BYTES = 24 * 1024 * 1024 * 3 // 4
PNG = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')


def one(**fields):
    args = {'from': 'Ops <ops@example.com>', 'to': ['alice@example.com'], 'subject': 'Hello', 'content': 'Hi there'}
    args.update(fields)
    return args


def test_every_field_arrives(send, sim, tmp_path):
    (tmp_path / 'notes.txt').write_bytes(b'release notes\n')
    (tmp_path / 'pixel.png').write_bytes(PNG)
    raw = bytes(range(256)) * 4
    result, failed = send(one(
        sender='Deploy Bot <deploy@example.com>',
        to=['alice@example.com', 'Bob Builder <bob@example.com>'], cc=['carol@example.com'], bcc=['dan@example.com'],
        text_body='plain', html_body='<p>html</p>', reply_to='help@example.com',
        custom_headers={'X-Ticket': 'T-1'}, reference_id='ref-42', campaign_id='launch',
        attachments=[
            {'path': str(tmp_path / 'notes.txt')},
            {'path': str(tmp_path / 'pixel.png'), 'content_id': 'pixel'},
            {'content': base64.b64encode(raw).decode(), 'name': 'data.bin'},
            {'content': base64.b64encode(b'a,b\n').decode(), 'name': 'table', 'type': 'text/csv'},
        ]))
    assert not failed, result
    [message] = sim.messages()
    assert message['auth'] == 'consumer_key'
    assert message['from'] == 'Deploy Bot <deploy@example.com>'
    assert message['to'] == ['alice@example.com', 'bob@example.com']
    assert message['body']['to'] == 'alice@example.com, Bob Builder <bob@example.com>'
    assert message['cc'] == ['carol@example.com'] and message['bcc'] == ['dan@example.com']
    assert (message['subject'], message['content'], message['html_content']) == ('Hello', 'plain', '<p>html</p>')
    assert message['custom_headers'] == {'X-Ticket': 'T-1', 'reply-to': 'help@example.com'}
    assert message['reference_id'] == 'ref-42'
    assert message['campaign_id'] == 'launch' and message['body']['X-campaign-ID'] == 'launch'
    arrived = [(item['name'], item['type'], base64.b64decode(item['content']), item['content_id']) for item in message['attachments']]
    assert arrived == [
        ('notes.txt', 'text/plain', b'release notes\n', None),
        ('pixel.png', 'image/png', PNG, 'pixel'),
        ('data.bin', 'application/octet-stream', raw, None),
        ('table', 'text/csv', b'a,b\n', None),
    ]
    assert result['changed'] is True
    assert isinstance(result['mid'], str) and result['mid'] == message['mid']
    assert int(result['mid']) > 2 ** 53


def test_consumer_key_goes_in_headers(send, sim):
    send(one())
    [request] = sim.requests(SEND_PATH)
    assert request['headers'].get('consumerKey') == CONSUMER_KEY
    assert 'authuser' not in request['json'] and 'authpass' not in request['json']
    assert 'Authorization' not in request['headers']


def test_without_consumer_key_the_legacy_body_fields_are_used(run_module, legacy_send_credentials, sim):
    result, failed = run_module(turbosmtp_send.main, dict(legacy_send_credentials, **one()))
    assert not failed, result
    [request] = sim.requests()
    assert request['path'] == SEND_PATH
    assert request['json']['authuser'] == EMAIL and request['json']['authpass']
    assert 'consumerKey' not in request['headers']
    assert sim.messages()[0]['auth'] == 'legacy'


def test_no_credentials_fails_before_any_request(run_module, sim):
    result, failed = run_module(turbosmtp_send.main, dict(one(), send_url=sim.url))
    assert failed and 'no send credentials' in result['msg']
    assert sim.requests() == []


def test_check_mode_sends_nothing(send, sim):
    result, failed = send(one(), check_mode=True)
    assert not failed and result['changed'] is True and 'mid' not in result
    batch, failed = send(one(messages=[{'to': ['a@example.com']}, {'to': ['b@example.com']}]), check_mode=True)
    assert not failed and batch['changed'] is True
    assert [item['status'] for item in batch['messages']] == ['not sent', 'not sent']
    assert sim.requests() == [] and sim.messages() == []


@pytest.mark.parametrize('fields, error', [
    ({'to': ['alice@example.com', 'bob@']}, "to[1]: 'bob@' is not a valid email address"),
    ({'cc': ['"Doe, Jane" <jane@example.com>']}, 'cc[0]: the display name'),
    ({'to': []}, 'to: at least one recipient'),
    ({'from': None}, 'from: a sender address is required'),
    ({'content': None}, 'content: the message has no body'),
    ({'subject': 's' * 701}, 'subject: 701 characters'),
    ({'attachments': [{'path': '/nonexistent/x.pdf'}]}, 'attachments[0].path: cannot read attachment file /nonexistent/x.pdf'),
    ({'attachments': [{'content': '%%%', 'name': 'x'}]}, 'attachments[0].content: not valid base64'),
    ({'messages': [{'to': ['a@example.com']}, {'to': ['b@example.com']}, {'subject': 's' * 800}]}, 'messages[2].subject: 800'),
    ({'messages': [{'to': ['ok@example.com']}, {'to': ['nope']}]}, "messages[1].to[0]: 'nope' is not a valid"),
    ({'concurrency': 0, 'messages': []}, 'concurrency must be between 1 and 32, got 0'),
    ({'concurrency': 33, 'messages': []}, 'concurrency must be between 1 and 32, got 33'),
])
def test_bad_input_fails_naming_the_field_and_sends_nothing(send, sim, fields, error):
    result, failed = send(one(**fields))
    assert failed
    assert result['msg'].startswith(error), result['msg']
    assert sim.requests() == []


def test_batch_sends_each_message_once_with_its_overrides(send, sim):
    result, failed = send(one(cc=['boss@example.com'], messages=[
        {'to': ['user%d@example.com' % index], 'reference_id': 'r%d' % index} for index in range(6)
    ] + [{'to': ['other@example.com'], 'subject': 'Other', 'cc': ['x@example.com']}], concurrency=3))
    assert not failed, result
    assert result['changed'] is True
    messages = sim.messages()
    assert len(messages) == 7 == len(sim.requests(SEND_PATH))
    by_recipient = dict((message['to'][0], message) for message in messages)
    assert sorted(by_recipient) == sorted(['user%d@example.com' % index for index in range(6)] + ['other@example.com'])
    assert by_recipient['user3@example.com']['reference_id'] == 'r3'
    assert by_recipient['user3@example.com']['cc'] == ['boss@example.com']
    assert by_recipient['user3@example.com']['subject'] == 'Hello'
    assert by_recipient['other@example.com']['subject'] == 'Other'
    assert by_recipient['other@example.com']['cc'] == ['x@example.com']
    for index, item in enumerate(result['messages'][:6]):
        assert item['to'] == ['user%d@example.com' % index]
        assert item['status'] == 'sent' and item['error'] is None
        assert item['mid'] == by_recipient[item['to'][0]]['mid']


def test_batch_is_sent_concurrently(send, sim):
    sim.set_latency(400)
    started = time.monotonic()
    result, failed = send(one(messages=[{'to': ['u%d@example.com' % index]} for index in range(4)], concurrency=4))
    elapsed = time.monotonic() - started
    assert not failed, result
    assert len(sim.messages()) == 4
    assert elapsed < 1.2, 'four messages with 400 ms latency took %.2fs: not concurrent' % elapsed


def test_empty_batch_sends_nothing(send, sim):
    result, failed = send(one(messages=[]))
    assert not failed and result == dict(result, changed=False, messages=[])
    assert sim.requests() == []


def test_partial_failure_lists_what_was_and_was_not_sent(send, sim):
    sim.set_credits(2)
    result, failed = send(one(messages=[{'to': ['u%d@example.com' % index]} for index in range(3)], concurrency=1))
    assert failed
    assert result['changed'] is True
    sent = [item for item in result['messages'] if item['status'] == 'sent']
    assert [item['to'] for item in sent] == [['u0@example.com'], ['u1@example.com']]
    assert result['messages'][2]['status'] == 'failed' and result['messages'][2]['mid'] is None
    assert 'nocredit' in result['messages'][2]['error']
    assert result['msg'].startswith('1 of 3 messages were not sent: messages[2] to u2@example.com (failed: ')
    assert 'Sent: messages[0] to u0@example.com (mid %s); messages[1] to u1@example.com (mid %s).' % (
        sent[0]['mid'], sent[1]['mid']) in result['msg']
    assert len(sim.messages()) == 2


def test_server_error_after_the_send_is_not_retried(send, sim):
    sim.add_fault('status', status=500, path=SEND_PATH, when='after')
    result, failed = send(one())
    assert failed
    assert 'may or may not have been sent' in result['msg']
    assert result['may_have_been_sent'] is True and result['http_status'] == 500
    assert len(sim.requests(SEND_PATH)) == 1
    assert len(sim.messages()) == 1


def test_rate_limit_is_retried_and_sends_once(send, sim):
    sim.add_fault('status', status=429, retry_after=0, path=SEND_PATH)
    result, failed = send(one())
    assert not failed, result
    assert [request['status'] for request in sim.requests(SEND_PATH)] == [429, 200]
    [message] = sim.messages()
    assert result['mid'] == message['mid']


def test_timeout_after_the_send_is_not_retried(send, sim):
    sim.add_fault('hang', seconds=3, path=SEND_PATH, when='after')
    result, failed = send(one(timeout=1))
    assert failed
    assert 'timed out' in result['msg'] and 'may or may not have been sent' in result['msg']
    assert result['may_have_been_sent'] is True
    assert len(sim.requests(SEND_PATH)) == 1
    assert len(sim.messages()) == 1


def test_batch_reports_a_message_whose_fate_is_unknown(send, sim):
    sim.add_fault('status', status=500, path=SEND_PATH, when='after')
    result, failed = send(one(messages=[{'to': ['u%d@example.com' % index]} for index in range(3)], concurrency=1))
    assert failed and result['changed'] is True
    assert [item['status'] for item in result['messages']] == ['unknown', 'sent', 'sent']
    assert 'may or may not have been sent' in result['messages'][0]['error']
    assert result['msg'].startswith('1 of 3 messages were not sent: messages[0] to u0@example.com (unknown: ')
    assert len(sim.messages()) == 3 and len(sim.requests(SEND_PATH)) == 3


def test_api_refusal_carries_the_api_message(send, sim):
    sim.set_credits(0)
    result, failed = send(one())
    assert failed
    assert 'nocredit' in result['msg'] and result['http_status'] == 402
    assert result['may_have_been_sent'] is False
    assert sim.messages() == []


def test_a_fifo_read_on_the_host_fails_at_once_and_nothing_is_sent(send, sim, tmp_path, fifo):
    pipe = fifo(tmp_path / 'pipe.txt', release_after=4)
    started = time.monotonic()
    result, failed = send(one(remote_src=True, attachments=[{'path': str(pipe)}]))
    elapsed = time.monotonic() - started
    assert failed
    assert result['msg'] == ('attachments[0].path: cannot read attachment file %s: it is a FIFO (named pipe), not a '
                             'regular file; only regular files can be attached' % pipe)
    assert elapsed < 2, 'the module waited %.1fs on the FIFO' % elapsed
    assert sim.requests() == [] and sim.messages() == []


@pytest.mark.parametrize('path, kind', [('/dev/null', 'a character device'), (None, 'a directory')])
def test_an_attachment_that_is_not_a_regular_file_is_refused(send, sim, tmp_path, path, kind):
    path = path or str(tmp_path)
    result, failed = send(one(remote_src=True, attachments=[{'path': path}]))
    assert failed
    assert result['msg'].startswith('attachments[0].path: cannot read attachment file %s: it is %s, not a regular file'
                                    % (path, kind)), result['msg']
    assert sim.requests() == []


def test_a_link_to_a_regular_file_is_attached(send, sim, tmp_path):
    (tmp_path / 'notes.txt').write_bytes(b'release notes\n')
    os.symlink(str(tmp_path / 'notes.txt'), str(tmp_path / 'link.txt'))
    result, failed = send(one(remote_src=True, attachments=[{'path': str(tmp_path / 'link.txt')}]))
    assert not failed, result
    [attachment] = sim.messages()[0]['attachments']
    assert (attachment['name'], base64.b64decode(attachment['content'])) == ('link.txt', b'release notes\n')


def test_an_oversized_file_is_refused_by_its_size_without_being_read(send, sim, tmp_path):
    sparse = tmp_path / 'huge.bin'
    with open(str(sparse), 'wb') as handle:
        handle.truncate(OVERSIZED_FILE_BYTES)
    result, failed = send(one(remote_src=True, attachments=[{'path': str(sparse)}]))
    assert failed
    assert result['msg'] == ('attachments[0].path: cannot read attachment file %s: it is %d bytes, too large for a '
                             'message under 24 MB once base64 encoded' % (sparse, OVERSIZED_FILE_BYTES))
    assert sim.requests() == []


def test_a_large_batch_with_one_failure_keeps_the_msg_readable(send, sim):
    size = 2000
    sim.add_fault('status', status=500, path=SEND_PATH, when='after')
    result, failed = send(one(messages=[{'to': ['u%d@example.com' % index]} for index in range(size)], concurrency=8))
    assert failed and result['changed'] is True
    statuses = [item['status'] for item in result['messages']]
    assert len(statuses) == size and statuses.count('unknown') == 1 and statuses.count('sent') == size - 1
    unknown = statuses.index('unknown')
    assert len(result['msg']) < 8 * 1024, 'the msg is %d characters' % len(result['msg'])
    assert result['msg'].startswith('1 of %d messages were not sent: messages[%d] to u%d@example.com (unknown: '
                                    % (size, unknown, unknown)), result['msg'][:300]
    assert 'may or may not have been sent' in result['msg']
    assert '; and %d more. The outcome of every message is in the messages result.' % (size - 1 - 10) in result['msg']
    assert len(sim.messages()) == size
