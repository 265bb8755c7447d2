import threading
import time

import pytest
import requests

from simulator import CONSUMER_KEY, CONSUMER_SECRET

SEND_HEADERS = {"consumerKey": CONSUMER_KEY, "consumerSecret": CONSUMER_SECRET}
MESSAGE = {"from": "ops@example.com", "to": "a@example.org", "subject": "s", "content": "c"}


def send(sim, timeout=5):
    return requests.post(sim.url + "/api/v2/mail/send", json=MESSAGE, headers=SEND_HEADERS,
                         timeout=timeout)


@pytest.mark.parametrize("status, body", [
    (500, {"errorCode": 5, "message": "Server system error"}),
    (503, {"errorCode": 5, "message": "Server system error"}),
    (429, {"errorCode": 0, "message": "Too many requests"}),
])
def test_status_fault_before_has_no_effect(client, sim, status, body):
    sim.add_fault("status", status=status, retry_after=7, method="POST", path="/api/v2/")
    response = send(sim)
    assert (response.status_code, response.json()) == (status, body)
    assert response.headers["Retry-After"] == "7"
    assert sim.messages() == []
    assert send(sim).status_code == 200  # consumed
    assert len(sim.messages()) == 1


def test_fault_count_method_and_path_matching(client, sim):
    sim.add_fault("status", count=2, status=502, method="GET", path="/api/plans")
    assert client.get("/api/user/info").status_code == 200
    assert client.request("POST", "/api/plans").status_code == 405  # method not matched
    assert [client.get("/api/plans").status_code for _attempt in range(3)] == [502, 502, 200]
    assert "Retry-After" not in client.get("/api/plans").headers
    assert sim.faults.list() == []


def test_status_fault_after_applies_the_send(client, sim):
    sim.add_fault("status", status=504, path="/api/v2/mail/send", when="after")
    response = send(sim)
    assert response.status_code == 504
    assert len(sim.messages()) == 1  # accepted even though the client saw an error
    [record] = sim.requests(path="/api/v2/mail/send")
    assert record["status"] == 504


def test_after_fault_on_delete_still_deletes(client, sim):
    cid = sim.world.reports["spam"][0]["cid"]
    sim.add_fault("drop", method="DELETE", when="after")
    with pytest.raises(requests.ConnectionError):
        client.request("DELETE", "/web/api/reports/spam", params={"ids": str(cid)})
    assert cid not in {r["cid"] for r in sim.world.reports["spam"]}


def test_html_fault(client, sim):
    sim.add_fault("html", path="/api/user/info")
    response = client.get("/api/user/info")
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert response.text.startswith("<html><head><title>502 Bad Gateway</title>")
    sim.add_fault("html", status=503)
    assert "503 Service Unavailable" in client.get("/api/plans").text


def test_malformed_fault(client, sim):
    sim.add_fault("malformed")
    response = client.get("/api/plans")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    with pytest.raises(ValueError):
        response.json()


def test_drop_fault_before(client, sim):
    sim.add_fault("drop", path="/api/v2/mail/send")
    with pytest.raises(requests.ConnectionError):
        send(sim)
    assert sim.messages() == []
    assert sim.requests(path="/api/v2/mail/send")[0]["status"] is None
    assert send(sim).status_code == 200


def test_hang_fault_times_out_client(sim):
    sim.add_fault("hang", seconds=0.6)
    started = time.time()
    with pytest.raises((requests.ReadTimeout, requests.ConnectionError)):
        send(sim, timeout=0.3)
    assert time.time() - started < 0.6
    assert sim.messages() == []
    sim.add_fault("hang", seconds=0.2, when="after")
    with pytest.raises(requests.ConnectionError):
        send(sim, timeout=2)  # server gives up after 0.2 s and closes without answering
    assert len(sim.messages()) == 1


def test_faults_control_api(sim):
    url = sim.url + "/_sim/faults"
    response = requests.post(url, json={"kind": "status", "status": 503, "count": 2,
                                        "path": "/api/plans", "retry_after": 1}, timeout=5)
    assert response.status_code == 201
    assert response.json()["kind"] == "status" and response.json()["when"] == "before"
    assert len(requests.get(url, timeout=5).json()) == 1
    assert requests.post(url, json={"kind": "explode"}, timeout=5).status_code == 400
    assert requests.post(url, json={"kind": "status", "when": "later"},
                         timeout=5).status_code == 400
    assert requests.delete(url, timeout=5).ok
    assert requests.get(url, timeout=5).json() == []


def test_control_requests_are_not_faulted_or_logged(sim, client):
    sim.add_fault("status", count=5)
    assert requests.get(sim.url + "/_sim/health", timeout=5).json() == {"ok": True}
    sim.clear_faults()
    sim.clear_requests()
    client.get("/api/plans", params={"a": "1", "b": "2"})
    requests.get(sim.url + "/_sim/state", timeout=5)
    [record] = sim.requests()
    assert record["method"] == "GET" and record["path"] == "/api/plans"
    assert record["query"] == {"a": "1", "b": "2"} and record["status"] == 200
    assert record["headers"]["Authorization"] == client.token
    assert record["json"] is None and record["body_size"] == 0
    assert isinstance(record["time"], float)


def test_request_log_http_api(sim, client):
    client.send(MESSAGE)
    client.get("/api/plans")
    log = requests.get(sim.url + "/_sim/requests", params={"path": "/api/v2"}, timeout=5).json()
    assert [r["path"] for r in log] == ["/api/v2/mail/send"]
    assert log[0]["json"] == MESSAGE and log[0]["body_size"] > 0
    assert log[0]["headers"]["consumerKey"] == CONSUMER_KEY  # original header case
    get_log = requests.get(sim.url + "/_sim/requests", params={"method": "GET"}, timeout=5)
    assert [r["path"] for r in get_log.json()] == ["/api/plans"]
    assert requests.delete(sim.url + "/_sim/requests", timeout=5).ok
    assert sim.requests() == []
    assert requests.delete(sim.url + "/_sim/messages", timeout=5).ok
    assert sim.messages() == []


def test_state_and_reset(sim, client):
    client.send(MESSAGE)
    client.request("DELETE", "/web/api/reports/spam/all")
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    assert state == {"tracking": {"clickTracking": True, "openingTracking": False},
                     "tokens": 1, "stats_rows": 251,
                     "reports": {"hardbounce": 60, "softbounce": 60, "spam": 0, "unsub": 60},
                     "messages": 1}
    sim.add_fault("status")
    sim.set_latency(5)
    response = requests.post(sim.url + "/_sim/reset",
                             json={"stats_rows": 30, "reports_per_type": 4}, timeout=5)
    assert response.ok
    assert requests.get(sim.url + "/_sim/state", timeout=5).json() == {
        "tracking": {"clickTracking": True, "openingTracking": False}, "tokens": 0,
        "stats_rows": 30, "reports": {"hardbounce": 4, "softbounce": 4, "spam": 4, "unsub": 4},
        "messages": 0}
    assert sim.requests() == [] and sim.faults.list() == [] and sim.latency_ms == 0


def test_latency_is_concurrent(sim, client):
    assert requests.post(sim.url + "/_sim/latency", json={"ms": 200}, timeout=5).ok
    results = []

    def call():
        results.append(requests.get(sim.url + "/api/plans",
                                    headers={"Authorization": client.token}, timeout=5))

    threads = [threading.Thread(target=call) for _thread in range(12)]
    started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - started
    assert [r.status_code for r in results] == [200] * 12
    assert 0.2 <= elapsed < 0.6  # serial handling would take 2.4 s
    started = time.time()
    requests.get(sim.url + "/_sim/health", timeout=5)
    assert time.time() - started < 0.1  # control requests skip latency


def test_body_fault_answers_odd_but_well_formed_bodies(client, sim):
    sim.add_fault("body", path="/api/user/info$", body={"errorCode": 9, "message": "Token not found"})
    sim.add_fault("body", path="/api/stats/emails/csv", body="<html>login</html>", content_type="text/html")
    sim.add_fault("body", method="DELETE", status=200, body={"success": False})
    answer = client.get("/api/user/info")
    assert (answer.status_code, answer.json()) == (200, {"errorCode": 9, "message": "Token not found"})
    answer = client.get("/api/stats/emails/csv")
    assert (answer.status_code, answer.headers["Content-Type"], answer.text) == (200, "text/html", "<html>login</html>")
    answer = client.request("DELETE", "/web/api/reports/spam", params={"ids": "1"})
    assert answer.json() == {"success": False}
    assert sim.faults.list() == []


def test_a_path_ending_in_dollar_matches_only_that_path(client, sim):
    sim.add_fault("body", path="/api/stats/panes/emails$", body=[])
    assert client.get("/api/stats/panes/emails/count", params={"start": "2026-01-01 00:00:00",
                                                               "end": "2026-01-02 00:00:00"}).json() != []
    assert len(sim.faults.list()) == 1
    assert client.get("/api/stats/panes/emails").json() == []


def test_a_body_fault_needs_a_body(sim):
    answer = requests.post(sim.url + "/_sim/faults", json={"kind": "body"}, timeout=5)
    assert answer.status_code == 400
    assert "needs a body" in answer.json()["error"]


@pytest.mark.parametrize("method, path", [
    ("GET", "/_sim/nowhere"),
    ("PUT", "/_sim/faults"),  # a known path with a method it does not take
    ("POST", "/_sim/health"),
])
def test_control_api_answers_404_outside_its_routes(sim, method, path):
    response = requests.request(method, sim.url + path, timeout=5)
    assert (response.status_code, response.json()) == (404, {"errorCode": 4, "message": "Resource not found"})


def test_control_api_takes_a_trailing_slash_and_refuses_bad_input_with_400(sim):
    assert requests.get(sim.url + "/_sim/health/", timeout=5).json() == {"ok": True}
    not_an_object = requests.post(sim.url + "/_sim/latency", json=[1], timeout=5)
    assert (not_an_object.status_code, not_an_object.json()) == (400, {"error": "body must be a JSON object"})
    not_a_number = requests.post(sim.url + "/_sim/clock", json={"advance": "soon"}, timeout=5)
    assert not_a_number.status_code == 400
    assert requests.post(sim.url + "/_sim/credits", json={"credits": 3}, timeout=5).json() == {"ok": True, "credits": 3}


def test_a_change_made_under_latency_is_in_place_when_its_answer_arrives(sim, client):
    sim.set_latency(100)
    started = time.time()
    answer = client.request("PUT", "/api/tools/openingTracking/enable")
    assert time.time() - started >= 0.1
    assert answer.status_code == 200
    assert sim.world.summary()["tracking"]["openingTracking"] is True
