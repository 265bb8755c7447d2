import requests

from simulator import EMAIL

NOT_FOUND = {"errorCode": 4, "message": "Resource not found"}


def test_user_info(client):
    info = client.get("/api/user/info").json()
    assert info["passwd"] == "" and info["active"] is True and info["email"] == EMAIL
    assert info["gateway"] == "q1"
    assert isinstance(info["ip"], int) and isinstance(info["accountid"], int)
    for key in ("firstname", "lastname", "company", "country", "timezone", "created"):
        assert key in info


def test_plans_shape(client):
    plans = client.get("/api/plans").json()
    assert len(plans) == 3
    keys = {"id", "accountID", "smtp_limit", "smtp_limit_interval", "plan_expiration",
            "smtp_count", "last_used", "parentid", "expired", "active"}
    assert all(set(plan) == keys for plan in plans)
    assert any(plan["expired"] == 1 and plan["active"] is False for plan in plans)
    account_id = client.get("/api/user/info").json()["accountid"]
    assert {plan["accountID"] for plan in plans} == {account_id}


def test_subaccounts_shape(client, sim):
    rows = client.get("/api/useraccounts/summary").json()
    assert len(rows) == 5
    assert all(set(row) == {"id", "email", "active", "ip", "sent", "limit", "reputation"}
               for row in rows)
    sim.reset(subaccounts=2)
    assert len(client.get("/api/useraccounts/summary").json()) == 2


def test_tools_get_and_toggle(client, sim):
    click = client.get("/api/tools/clickTracking")
    assert click.json() == {
        "id": "clickTracking", "forced": False, "requiredSettings": [], "enabled": True,
        "settings": [{"key": "clicktracking", "value": True},
                     {"key": "clicktracking_plaintext", "value": False}]}
    opening = client.get("/api/tools/openingTracking").json()
    assert opening == {"id": "openingTracking", "forced": False, "requiredSettings": [],
                       "enabled": False, "settings": []}
    response = client.request("PUT", "/api/tools/clickTracking/disable")
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    assert response.json()["settings"][0] == {"key": "clicktracking", "value": False}
    assert client.request("PUT", "/api/tools/openingTracking/enable").json()["enabled"] is True
    state = requests.get(sim.url + "/_sim/state", timeout=5).json()
    assert state["tracking"] == {"clickTracking": False, "openingTracking": True}
    for path in ("/api/tools/nope", "/api/tools/nope/enable", "/api/tools/clickTracking/toggle"):
        method = "GET" if path.count("/") == 3 else "PUT"
        response = client.request(method, path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_unknown_path_and_wrong_method(client):
    response = client.get("/api/nothing/here")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    response = client.request("DELETE", "/api/user/info")
    assert (response.status_code, response.json()) == (
        405, {"errorCode": 4, "message": "Method not allowed"})
    response = client.request("GET", "/api/v2/mail/send")
    assert response.status_code == 405
