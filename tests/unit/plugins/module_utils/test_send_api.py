"""The send client: one message per request, its mid, its two ways of authenticating, and the
errors the send host answers under HTTP 200."""


import pytest

from ansible_collections.turbosmtp.api.plugins.module_utils._answers import TurboSMTPError
from ansible_collections.turbosmtp.api.plugins.module_utils._connection import (
    SEND_URLS,
)
from ansible_collections.turbosmtp.api.plugins.module_utils._send_api import SendClient
from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, PASSWORD


def message(**fields):
    body = {'from': 'Deploy Bot <deploy@example.com>', 'to': 'ops@example.org', 'subject': 'Deployed', 'content': 'ok'}
    body.update(fields)
    return body


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


def test_a_send_client_from_options_reaches_the_region_host_and_sends(sim):
    assert SendClient.from_options({'region': 'eu'}).base_url == SEND_URLS['eu']
    client = SendClient.from_options({'send_url': sim.url, 'consumer_key': CONSUMER_KEY, 'consumer_secret': CONSUMER_SECRET,
                                      'retries': 0})
    client.send({'from': 'ops@example.com', 'to': 'a@example.org', 'subject': 'Hi', 'content': 'hi'})
    client.close()
    assert [message['to'] for message in sim.messages()] == [['a@example.org']]
