import csv
import io
import json
import time

import pytest
import requests

from simulator import Simulator

ALL_TIME = {"start": "2025-12-01 00:00:00", "end": "2026-12-31 23:59:59"}
STATUSES = {"NEW", "DEFER", "SUCCESS", "OPEN", "CLICK", "REPORT", "FAIL", "SYSFAIL", "UNSUB"}


def invalid(details):
    return {"errorCode": 0, "message": "Invalid parameter", "details": details}


def pages(client, **params):
    rows, page = [], 1
    while True:
        chunk = client.get("/api/stats/panes/emails", dict(ALL_TIME, page=page, **params)).json()
        if not chunk:
            return rows
        assert len(chunk) <= 10
        rows.extend(chunk)
        page += 1


def test_rows_shape_order_and_paging(client):
    rows = pages(client)
    assert len(rows) == 250
    assert set(rows[0]) == {"id", "subject", "sender", "recipient", "sendTime", "status", "error"}
    assert rows == sorted(rows, key=lambda r: (r["sendTime"], r["id"]), reverse=True)
    assert len({r["id"] for r in rows}) == 250
    assert {r["status"] for r in rows} <= STATUSES
    assert all(r["sendTime"].startswith("2026-0") and r["sendTime"].endswith(".000Z")
               for r in rows)
    for row in rows:
        if row["status"] in ("FAIL", "SYSFAIL", "DEFER"):
            assert isinstance(row["error"], str)
        else:
            assert row["error"] is None
    assert client.get("/api/stats/panes/emails", dict(ALL_TIME, page=26)).json() == []
    assert client.get("/api/stats/panes/emails/count", ALL_TIME).json() == {"count": 250}


def test_status_filters(client, sim):
    rows = pages(client)
    clicks = [r for r in rows if r["status"] == "CLICK"]
    assert pages(client, filter='"CLICK"') == clicks
    delivered = [r for r in rows if r["status"] in ("SUCCESS", "OPEN")]
    assert pages(client, filter='["SUCCESS","OPEN"]') == delivered
    assert pages(client, filter="*") == rows
    count = client.get("/api/stats/panes/emails/count",
                       dict(ALL_TIME, filter=json.dumps(["SUCCESS", "OPEN"]))).json()
    assert count == {"count": len(delivered)}


def test_time_range_and_timezone(client):
    rows = pages(client)
    target = rows[100]
    # sendTime 2026-MM-DDTHH:MM:SS.000Z in UTC; ask for exactly that second in +02:00.
    day, clock = target["sendTime"][:10], target["sendTime"][11:19]
    hour = int(clock[:2]) + 2
    if hour < 24:
        local = "%s %02d%s" % (day, hour, clock[2:])
        got = client.get("/api/stats/panes/emails",
                         {"start": local, "end": local, "tz": "+02:00"}).json()
        assert target in got
    utc = "%s %s" % (day, clock)
    got = client.get("/api/stats/panes/emails", {"start": utc, "end": utc, "tz": "+00:00"}).json()
    assert target in got
    # default tz +01:00 shifts the window by an hour: the UTC wall time misses it
    got = client.get("/api/stats/panes/emails", {"start": utc, "end": utc}).json()
    assert target not in got


@pytest.mark.parametrize("params, details", [
    ({"end": "2026-01-31 00:00:00"}, "start: expected YYYY-MM-DD HH:MM:SS"),
    ({"start": "2026-01-01", "end": "2026-01-31 00:00:00"}, "start: expected YYYY-MM-DD HH:MM:SS"),
    ({"start": "2026-01-01 00:00:00", "end": "2026-01-31 25:00:00"},
     "end: expected YYYY-MM-DD HH:MM:SS"),
    ({"start": "2026-02-01 00:00:00", "end": "2026-01-31 00:00:00"},
     "end: must not be before start"),
    (dict(ALL_TIME, tz="+1"), "tz: expected +HH:MM or -HH:MM"),
    (dict(ALL_TIME, page="-1"), "page: expected a positive integer"),
    (dict(ALL_TIME, filter='"BOUNCED"'), 'filter: unknown status "BOUNCED"'),
    (dict(ALL_TIME, filter='["OPEN", "nope"]'), 'filter: unknown status "nope"'),
    (dict(ALL_TIME, filter="CLICK"),
     'filter: expected *, a JSON string like "CLICK" or a JSON array'),
    (dict(ALL_TIME, filter="[]"),
     'filter: expected *, a JSON string like "CLICK" or a JSON array'),
])
def test_invalid_parameters(client, params, details):
    for path in ("/api/stats/panes/emails", "/api/stats/panes/emails/count"):
        if path.endswith("count") and "page" in params:
            continue
        response = client.get(path, params)
        assert (response.status_code, response.json()) == (400, invalid(details))


def test_email_feed_last(client):
    rows = pages(client)
    for no in (10, 20, 30):
        assert client.get("/api/stats/email-feed-last/%d" % no).json() == rows[:no]
    for no in ("5", "40", "abc"):
        response = client.get("/api/stats/email-feed-last/" + no)
        assert (response.status_code, response.json()) == (
            400, invalid("no: expected 10, 20 or 30"))


def test_csv_export_is_complete(client):
    rows = pages(client, filter='["FAIL","SYSFAIL"]')
    response = client.get("/api/stats/emails/csv", {
        "start_date": ALL_TIME["start"], "end_date": ALL_TIME["end"],
        "filter": '["FAIL","SYSFAIL"]'})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    parsed = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(r["id"]) for r in parsed] == [r["id"] for r in rows]
    assert parsed[0]["error"] == rows[0]["error"]
    response = client.get("/api/stats/emails/csv", ALL_TIME)
    assert response.status_code == 400
    assert response.json() == invalid("start_date: expected YYYY-MM-DD HH:MM:SS")


def test_large_world_is_fast_and_streams():
    started = time.time()
    with Simulator(stats_rows=100000) as sim:
        assert time.time() - started < 0.5
        token = requests.post(sim.url + "/api/authorize", timeout=5, json={
            "email": "ops@example.com", "password": "sim-password"}).json()["auth"]
        headers = {"Authorization": token}
        count = requests.get(sim.url + "/api/stats/panes/emails/count", params=ALL_TIME,
                             headers=headers, timeout=10).json()
        assert count == {"count": 100000}
        response = requests.get(sim.url + "/api/stats/emails/csv", headers=headers, timeout=30,
                                params={"start_date": ALL_TIME["start"],
                                        "end_date": ALL_TIME["end"]}, stream=True)
        assert response.headers.get("Transfer-Encoding") == "chunked"
        lines = sum(chunk.count(b"\n") for chunk in response.iter_content(65536))
        assert lines == 100001


def test_a_row_changed_by_its_reader_is_served_unchanged_again(sim, client):
    first = sim.world.stats()[0]
    expected = dict(first)
    first["status"] = "CHANGED"
    first.pop("id")
    assert sim.world.stats()[0] == expected
    assert client.get("/api/stats/panes/emails", dict(ALL_TIME, page=1)).json()[0] == expected


def test_pages_read_again_are_the_same_rows(client):
    assert pages(client) == pages(client)
