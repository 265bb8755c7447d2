"""A volume mailbox: a million messages and more in a window, counted by arithmetic and listed on demand,
consistent between its counts and its rows."""

import json
import time

import pytest
import requests

from simulator import EMAIL, PASSWORD, Simulator

WEEK = {"start": "2026-06-24 00:00:00", "end": "2026-06-30 23:59:59", "tz": "+00:00"}
STATUSES = ("NEW", "DEFER", "SUCCESS", "OPEN", "CLICK", "REPORT", "FAIL", "SYSFAIL", "UNSUB")


def login(sim):
    answer = requests.post(sim.url + "/api/authorize", json={"email": EMAIL, "password": PASSWORD}, timeout=10)
    return {"Authorization": answer.json()["auth"]}


def count(sim, headers, **query):
    answer = requests.get(sim.url + "/api/stats/panes/emails/count", params=query, headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()["count"]


def page(sim, headers, number, **query):
    answer = requests.get(sim.url + "/api/stats/panes/emails", params=dict(query, page=number), headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture(scope="module")
def million():
    with Simulator(port=0, stats_rows=1000000, stats_window=["2026-06-24", "2026-07-01"]) as sim:
        yield sim


def test_a_million_messages_start_instantly_and_are_counted_instantly(million):
    headers = login(million)
    started = time.monotonic()
    counts = {status: count(million, headers, filter=json.dumps(status), **WEEK) for status in STATUSES}
    total = count(million, headers, **WEEK)

    assert time.monotonic() - started < 2
    assert total == 1000000 == sum(counts.values())
    # The seed's mix, exactly: every 100 consecutive rows hold each status its share of times.
    assert counts == {"NEW": 40000, "DEFER": 60000, "SUCCESS": 380000, "OPEN": 200000, "CLICK": 100000,
                      "REPORT": 20000, "FAIL": 120000, "SYSFAIL": 40000, "UNSUB": 40000}
    assert count(million, headers, filter='["FAIL","SYSFAIL"]', **WEEK) == 160000
    assert count(million, headers, start="2026-06-23 00:00:00", end="2026-06-23 23:59:59", tz="+00:00") == 0


def test_any_page_far_down_is_generated_and_agrees_with_the_counts(million):
    headers = login(million)
    day = {"start": "2026-06-27 00:00:00", "end": "2026-06-27 23:59:59", "tz": "+00:00"}
    bounced = count(million, headers, filter='["FAIL","SYSFAIL"]', **day)
    last_page = -(-bounced // 10)

    rows = page(million, headers, last_page - 1, filter='["FAIL","SYSFAIL"]', **day)
    rows += page(million, headers, last_page, filter='["FAIL","SYSFAIL"]', **day)

    assert 10 < len(rows) <= 20 and len(rows) == bounced - (last_page - 2) * 10
    assert {row["status"] for row in rows} <= {"FAIL", "SYSFAIL"}
    assert all(row["sendTime"].startswith("2026-06-27T") for row in rows)
    assert rows == sorted(rows, key=lambda row: (row["sendTime"], row["id"]), reverse=True)
    assert page(million, headers, last_page + 1, filter='["FAIL","SYSFAIL"]', **day) == []


def test_a_small_window_counts_match_its_rows_in_any_time_zone():
    with Simulator(port=0, stats_rows=3000, stats_window=["2026-06-29T06:00:00", "2026-06-30T18:00:00"]) as sim:
        headers = login(sim)
        for tz in ("+00:00", "-05:30", "+14:00"):
            query = {"start": "2026-06-29 00:00:00", "end": "2026-06-30 23:59:59", "tz": tz}
            rows = []
            for number in range(1, 400):
                chunk = page(sim, headers, number, **query)
                if not chunk:
                    break
                rows.extend(chunk)
            assert len(rows) == count(sim, headers, **query) > 0
            for status in STATUSES:
                assert count(sim, headers, filter=json.dumps(status), **query) == sum(row["status"] == status for row in rows)


def test_sent_mail_joins_the_volume_mailbox(million):
    headers = login(million)
    before = count(million, headers, start="2026-01-01 00:00:00", end="2027-12-31 23:59:59", tz="+00:00")
    sent = requests.post(million.url + "/api/v2/mail/send", timeout=10, json={
        "from": "ops@example.com", "to": "a@example.org,b@example.org", "subject": "Hi", "content": "Hello"},
        headers={"consumerKey": "sim-consumer-key", "consumerSecret": "sim-consumer-secret"})
    assert sent.status_code == 200, sent.text

    assert count(million, headers, start="2026-01-01 00:00:00", end="2027-12-31 23:59:59", tz="+00:00") == before + 2
    assert count(million, headers, filter='"NEW"', start="2026-01-01 00:00:00", end="2027-12-31 23:59:59",
                 tz="+00:00") == 40000 + 2


def test_the_window_is_set_and_kept_by_reset_and_checked():
    with Simulator(port=0, stats_rows=500, stats_window=["2026-06-24", "2026-07-01"]) as sim:
        headers = login(sim)
        assert count(sim, headers, **WEEK) == 500
        sim.reset(stats_rows=700)
        headers = login(sim)
        assert count(sim, headers, **WEEK) == 700
        control = requests.post(sim.url + "/_sim/reset", json={"stats_window": None}, timeout=10)
        assert control.status_code == 200
        headers = login(sim)
        # Back to the seed's half year: the week holds its share of the 700 only.
        assert 0 < count(sim, headers, **WEEK) < 100
        for bad in (["2026-07-01", "2026-06-24"], ["soon", "later"], "2026-06-24"):
            answer = requests.post(sim.url + "/_sim/reset", json={"stats_window": bad}, timeout=10)
            assert answer.status_code == 400
            assert "stats_window" in answer.json()["error"]
        assert sim.stats_window is None


def test_the_command_line_takes_a_window_and_refuses_a_bad_one():
    from simulator.__main__ import main, parse_args

    assert parse_args(["--stats-rows", "1000000", "--stats-window", "2026-06-24", "2026-07-01"]).stats_window == [
        "2026-06-24", "2026-07-01"]
    assert main(["--port", "0", "--stats-window", "2026-07-01", "2026-06-24"]) == 2
