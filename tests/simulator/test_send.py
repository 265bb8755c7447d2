import base64
import json
import re

import pytest
import requests

from simulator import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, INACTIVE_EMAIL, PASSWORD

SEND_HEADERS = {"consumerKey": CONSUMER_KEY, "consumerSecret": CONSUMER_SECRET}

SEND = "/api/v2/mail/send"
BASIC = {"from": "Ops <ops@example.com>", "to": "a@example.org", "subject": "Hi",
         "content": "hello"}


def error(*errors):
    return {"message": "error", "errors": list(errors)}


def test_success_with_consumer_key(client, sim):
    body = dict(BASIC, to="a@example.org, Jane Doe <jane@example.net>", cc="c@example.com",
                bcc="b@example.com", html_content="<p>hi</p>", reference_id="ref-1",
                custom_headers={"reply-to": "r@example.com"}, **{"X-campaign-ID": "camp"})
    body["attachments"] = [{"name": "a.txt", "type": "text/plain",
                            "content": base64.b64encode(b"hello world").decode(),
                            "content_id": "logo"}]
    response = client.send(body)
    assert response.status_code == 200
    # The mid is a raw JSON integer above 2**53: check the text, not a float round trip.
    assert re.fullmatch(r'\{"message": "OK", "mid": \d+\}', response.text)
    mid = json.loads(response.text)["mid"]
    assert mid > 2 ** 53
    [message] = sim.messages()
    assert message["mid"] == str(mid) and message["auth"] == "consumer_key"
    assert message["from"] == "Ops <ops@example.com>"
    assert message["to"] == ["a@example.org", "jane@example.net"]
    assert (message["cc"], message["bcc"]) == (["c@example.com"], ["b@example.com"])
    assert message["campaign_id"] == "camp" and message["reference_id"] == "ref-1"
    assert message["custom_headers"] == {"reply-to": "r@example.com"}
    assert message["attachments"] == [dict(body["attachments"][0], size=11)]
    assert message["body"] == body
    assert requests.get(sim.url + "/_sim/messages", timeout=5).json() == [message]


def test_mids_increase_irregularly(client):
    mids = [client.send(BASIC).json()["mid"] for _send in range(4)]
    steps = [b - a for a, b in zip(mids, mids[1:])]
    assert all(step > 0 for step in steps) and len(set(steps)) > 1


def test_sent_message_shows_in_stats(client, sim):
    client.send(dict(BASIC, to="x@example.org", cc="y@example.org", subject="Stats check"))
    feed = client.get("/api/stats/email-feed-last/10").json()
    assert [(r["recipient"], r["status"], r["subject"], r["sender"]) for r in feed[:2]] == [
        ("y@example.org", "NEW", "Stats check", "ops@example.com"),
        ("x@example.org", "NEW", "Stats check", "ops@example.com")]
    sent_day = feed[0]["sendTime"][:10]
    params = {"start": sent_day + " 00:00:00", "end": sent_day + " 23:59:59", "tz": "+00:00",
              "filter": '"NEW"'}
    assert client.get("/api/stats/panes/emails/count", params).json() == {"count": 2}
    assert len(client.get("/api/stats/panes/emails", params).json()) == 2


def test_legacy_body_credentials(client, sim):
    body = dict(BASIC, authuser=EMAIL, authpass=PASSWORD)
    response = client.send(body, headers={})
    assert response.status_code == 200
    [message] = sim.messages()
    assert message["auth"] == "legacy"
    assert "authuser" not in message["body"] and "authpass" not in message["body"]


def test_auth_errors(client, sim):
    no_key = {"errorCode": 3, "message": "Invalid authorization token",
              "details": "No authorization key was specified for request: POST " + SEND}
    wrong = {"error": 3, "message": "Wrong credentials specified"}
    cases = [
        ({}, BASIC, 401, no_key),
        ({"Authorization": "abc"}, BASIC, 401, {
            "errorCode": 3, "message": "Invalid authorization token",
            "details": "Authorization header is not accepted: POST " + SEND}),
        (dict(SEND_HEADERS, Authorization="abc"), BASIC, 401, {
            "errorCode": 3, "message": "Invalid authorization token",
            "details": "Authorization header is not accepted: POST " + SEND}),
        ({"consumerKey": "sim-consumer-key", "consumerSecret": "bad"}, BASIC, 401, wrong),
        ({"consumerKey": "sim-consumer-key"}, BASIC, 401, wrong),
        ({}, dict(BASIC, authuser=EMAIL, authpass="bad"), 401, wrong),
        ({}, dict(BASIC, authuser=INACTIVE_EMAIL, authpass=PASSWORD), 403,
         {"error": 3, "message": "Account for  inactive@example.com  is inactive"}),
    ]
    for headers, body, status, expected in cases:
        response = client.send(body, headers=headers)
        assert (response.status_code, response.json()) == (status, expected), headers
    assert sim.messages() == []


@pytest.mark.parametrize("change, expected", [
    ({"reply_to": "x@example.com"}, error("unknown field: reply_to")),
    ({"from": None}, error("missing or not valid sender email (from)")),
    ({"from": "not-an-address"}, error("missing or not valid sender email (from)")),
    ({"from": "Ops <ops@example>"}, error("missing or not valid sender email (from)")),
    ({"to": None}, error("missing recipients (to)")),
    ({"to": ""}, error("missing recipients (to)")),
    ({"to": ["a@example.org"]}, error("to must be a comma-separated string")),
    ({"cc": ["a@example.org"]}, error("cc must be a comma-separated string")),
    ({"to": "a@example.org, INVALID_EMAIL"}, error(["'INVALID_EMAIL' 'to' email not valid"])),
    ({"to": '"Doe, Jane" <jane@example.org>'}, error(["'\"Doe' 'to' email not valid"])),
    ({"bcc": "ok@example.org,bad@"}, error(["'bad@' 'bcc' email not valid"])),
    ({"subject": "x" * 701}, error("subject exceeds 700 characters")),
    ({"content": None}, error("missing content")),
    ({"custom_headers": {"x-n": 1}}, error("custom_headers must be an object with string values")),
    ({"custom_headers": "reply-to: x"},
     error("custom_headers must be an object with string values")),
    ({"attachments": {"name": "a"}},
     error("attachments must be a list of objects with name, type and content")),
    ({"attachments": [{"name": "a.txt", "content": "aGk="}]},
     error("attachments must be a list of objects with name, type and content")),
    ({"attachments": [{"name": "a.txt", "type": "text/plain", "content": "!!notbase64"}]},
     error("attachment a.txt: content is not valid base64")),
    ({"content": None, "mime_raw": "Subject: hi no body"},
     {"message": "error", "errors": {"message": "error", "errors": "Invalid Mime"}}),
])
def test_validation_errors(client, sim, change, expected):
    body = dict(BASIC)
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    response = client.send(body)
    assert (response.status_code, response.json()) == (400, expected)
    assert sim.messages() == []


def test_validation_order_first_error_wins(client):
    response = client.send({"bogus": 1, "to": "", "content": ""})
    assert response.json() == error("unknown field: bogus")
    response = client.send({"to": "", "content": ""})
    assert response.json() == error("missing or not valid sender email (from)")


def test_invalid_json_body(client):
    response = requests.post(client.sim.url + SEND, data="{broken", headers=SEND_HEADERS,
                             timeout=5)
    assert (response.status_code, response.json()) == (400, error("invalid JSON body"))


def test_mime_raw_accepted(client, sim):
    mime = "From: ops@example.com\r\nSubject: Raw one\r\n\r\nbody"
    response = client.send({"from": "ops@example.com", "to": "a@example.org", "mime_raw": mime})
    assert response.status_code == 200
    assert sim.messages()[0]["mime_raw"] == mime
    assert client.get("/api/stats/email-feed-last/10").json()[0]["subject"] == "Raw one"


def test_credits(client, sim):
    nocredit = {"message": "error", "errors": {"message": "error", "errors": "nocredit"}}
    sim.set_credits(1)
    assert client.send(BASIC).status_code == 200
    response = client.send(BASIC)
    assert (response.status_code, response.json()) == (402, nocredit)
    assert requests.post(sim.url + "/_sim/credits", json={"credits": None}, timeout=5).ok
    assert client.send(BASIC).status_code == 200
    requests.post(sim.url + "/_sim/credits", json={"credits": 0}, timeout=5)
    assert client.send(BASIC).status_code == 402
    assert len(sim.messages()) == 2


def test_body_over_24_mb_is_413(client, sim):
    payload = "A" * (24 * 1024 * 1024)
    body = dict(BASIC, attachments=[{"name": "big.bin", "type": "application/octet-stream",
                                     "content": payload}])
    response = client.send(body)
    assert (response.status_code, response.json()) == (413, error("message exceeds 24 MB"))
    assert sim.messages() == []
    assert sim.requests(path=SEND)[-1]["body_size"] > 24 * 1024 * 1024
