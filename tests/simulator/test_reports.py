import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

NOT_FOUND = {"errorCode": 4, "message": "Resource not found"}
FULL_RANGE = {"start": "2025-12-01", "end": "2026-07-31"}


def invalid(details):
    return {"errorCode": 0, "message": "Invalid parameter", "details": details}


def all_rows(client, report_type, **params):
    rows, page = [], 1
    while True:
        chunk = client.get("/web/api/reports/%s" % report_type,
                           dict(FULL_RANGE, page=page, **params)).json()
        if not chunk:
            return rows
        rows.extend(chunk)
        page += 1


def test_row_shape_order_and_paging(client):
    first = client.get("/web/api/reports/spam", dict(FULL_RANGE, page=1)).json()
    assert len(first) == 20
    row = first[0]
    assert set(row) == {"cid", "email", "ts", "response"}
    assert isinstance(row["cid"], int)
    datetime.strptime(row["ts"], "%Y-%m-%dT%H:%M:%S.000Z")
    rows = all_rows(client, "spam")
    assert len(rows) == 60
    assert rows == sorted(rows, key=lambda r: (r["ts"], r["cid"]), reverse=True)
    assert client.get("/web/api/reports/spam", dict(FULL_RANGE, page=4)).json() == []
    # page defaults to 1
    assert client.get("/web/api/reports/spam", FULL_RANGE).json() == first


def test_bounce_is_hard_plus_soft_and_cids_unique(client, sim):
    hard, soft = all_rows(client, "hardbounce"), all_rows(client, "softbounce")
    bounce = all_rows(client, "bounce")
    assert len(bounce) == 120
    assert {r["cid"] for r in bounce} == {r["cid"] for r in hard + soft}
    every = [r["cid"] for t in ("hardbounce", "softbounce", "spam", "unsub")
             for r in sim.world.reports[t]]
    assert len(every) == len(set(every)) == 240


@pytest.mark.parametrize("report_type", ["bounce", "hardbounce", "softbounce", "spam", "unsub"])
def test_count_and_csv_match_list(client, report_type):
    rows = all_rows(client, report_type, filter="example")
    count = client.get("/web/api/reports/%s/count" % report_type,
                       dict(FULL_RANGE, filter="example")).json()
    assert count == {"count": len(rows)}
    response = client.get("/web/api/reports/%s/csv" % report_type,
                          dict(FULL_RANGE, filter="example"))
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    parsed = list(csv.reader(io.StringIO(response.text)))
    assert parsed[0] == ["cid", "email", "ts", "response"]
    assert parsed[1:] == [[str(r["cid"]), r["email"], r["ts"], r["response"]] for r in rows]


def test_all_variants_ignore_dates(client):
    rows = all_rows(client, "unsub")
    page = client.get("/web/api/reports/unsub/all", {"page": 2}).json()
    assert page == rows[20:40]
    assert client.get("/web/api/reports/unsub/all/count").json() == {"count": 60}
    lines = client.get("/web/api/reports/unsub/all/csv").text.strip().splitlines()
    assert len(lines) == 61


def test_email_filter_is_case_insensitive_substring(client, sim):
    domain = sim.world.reports["spam"][0]["email"].split("@")[1]
    expected = [r for r in sim.world.reports["spam"] if domain in r["email"]]
    assert 0 < len(expected) < 60
    got = client.get("/web/api/reports/spam/all/count", {"filter": domain.upper()}).json()
    assert got == {"count": len(expected)}
    assert client.get("/web/api/reports/spam/all", {"filter": "zz-nomatch"}).json() == []


def test_date_range_and_timezone(client, sim):
    row = sim.world.reports["hardbounce"][5]
    ts = datetime.strptime(row["ts"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=timezone.utc)

    def cids(day, tz):
        params = {"start": day, "end": day, "tz": tz}
        return {r["cid"] for r in client.get("/web/api/reports/hardbounce", params).json()}

    for tz in ("+01:00", "-05:00", "+09:30", "+00:00"):
        sign = 1 if tz[0] == "+" else -1
        local = ts + sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:]))
        day = local.strftime("%Y-%m-%d")
        assert row["cid"] in cids(day, tz)
        next_day = (local + timedelta(days=1)).strftime("%Y-%m-%d")
        assert row["cid"] not in cids(next_day, tz)
    # The default tz is +01:00.
    local = ts + timedelta(hours=1)
    params = {"start": local.strftime("%Y-%m-%d"), "end": local.strftime("%Y-%m-%d")}
    listed = client.get("/web/api/reports/hardbounce", params).json()
    assert row["cid"] in {r["cid"] for r in listed}


@pytest.mark.parametrize("params, details", [
    ({"end": "2026-01-31"}, "start: expected YYYY-MM-DD"),
    ({"start": "2026-01-01"}, "end: expected YYYY-MM-DD"),
    ({"start": "2026/01/01", "end": "2026-01-31"}, "start: expected YYYY-MM-DD"),
    ({"start": "2026-02-30", "end": "2026-03-01"}, "start: expected YYYY-MM-DD"),
    ({"start": "2026-02-01", "end": "2026-01-31"}, "end: must not be before start"),
    ({"start": "2026-01-01", "end": "2026-01-31", "tz": "CET"}, "tz: expected +HH:MM or -HH:MM"),
    ({"start": "2026-01-01", "end": "2026-01-31", "page": "0"},
     "page: expected a positive integer"),
    ({"start": "2026-01-01", "end": "2026-01-31", "page": "x"},
     "page: expected a positive integer"),
])
def test_invalid_parameters(client, params, details):
    response = client.get("/web/api/reports/bounce", params)
    assert (response.status_code, response.json()) == (400, invalid(details))


def test_unknown_type_is_404(client):
    for path in ("/web/api/reports/blocked", "/web/api/reports/blocked/count",
                 "/web/api/reports/blocked/all/csv"):
        response = client.get(path, FULL_RANGE)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_delete_by_ids(client, sim):
    hard = sim.world.reports["hardbounce"][0]["cid"]
    soft = sim.world.reports["softbounce"][0]["cid"]
    spam = sim.world.reports["spam"][0]["cid"]
    ids = "%d,%d,%d,999" % (hard, soft, spam)
    response = client.request("DELETE", "/web/api/reports/bounce", params={"ids": ids})
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert client.get("/web/api/reports/bounce/all/count").json() == {"count": 118}
    # spam cid belongs to another type: silently ignored
    assert client.get("/web/api/reports/spam/all/count").json() == {"count": 60}
    response = client.request("DELETE", "/web/api/reports/spam", params={"ids": str(spam)})
    assert response.json() == {"success": True}
    assert client.get("/web/api/reports/spam/all/count").json() == {"count": 59}
    for bad in ("", "1,x", "abc"):
        response = client.request("DELETE", "/web/api/reports/spam", params={"ids": bad})
        assert response.status_code == 400
        assert response.json() == invalid("ids: expected a comma-separated list of integer ids")
    response = client.request("DELETE", "/web/api/reports/spam")
    assert response.status_code == 400


def test_delete_all_spam_only(client, sim):
    response = client.request("DELETE", "/web/api/reports/spam/all")
    assert (response.status_code, response.json()) == (200, {"success": True})
    assert client.get("/web/api/reports/spam/all/count").json() == {"count": 0}
    for report_type in ("bounce", "unsub", "hardbounce"):
        response = client.request("DELETE", "/web/api/reports/%s/all" % report_type)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client.get("/web/api/reports/unsub/all/count").json() == {"count": 60}
