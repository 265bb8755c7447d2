import requests

from simulator import EMAIL, INACTIVE_EMAIL, PASSWORD, Simulator

INVALID_TOKEN = {"errorCode": 3, "message": "Invalid authorization token"}


def authorize(sim, body=None, data=None):
    return requests.post(sim.url + "/api/authorize", json=body, data=data, timeout=5)


def test_authorize_returns_41_hex_token(sim):
    response = authorize(sim, {"email": EMAIL, "password": PASSWORD, "no_expire": "1"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    token = response.json()["auth"]
    assert len(token) == 41 and all(c in "0123456789abcdef" for c in token)
    assert token != authorize(sim, {"email": EMAIL, "password": PASSWORD}).json()["auth"]


def test_authorize_errors(sim):
    wrong = {"errorCode": 1, "message": "Wrong credentials specified"}
    response = authorize(sim, {"email": EMAIL, "password": "nope"})
    assert (response.status_code, response.json()) == (401, wrong)
    response = authorize(sim, {"email": "who@example.com", "password": PASSWORD})
    assert (response.status_code, response.json()) == (401, wrong)
    response = authorize(sim, {"email": INACTIVE_EMAIL, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json() == {"errorCode": 2,
                               "message": "Provided account is inactive. Maybe you are banned."}
    for bad in ({"email": EMAIL}, {"password": PASSWORD}, [1, 2]):
        response = authorize(sim, bad)
        assert (response.status_code, response.json()) == (400, wrong)
    response = authorize(sim, data="{not json")
    assert (response.status_code, response.json()) == (400, wrong)


def test_dashboard_requires_token(sim, token):
    response = requests.get(sim.url + "/api/user/info", timeout=5)
    assert response.status_code == 401
    assert response.json() == dict(INVALID_TOKEN, details=(
        "No authorization key was specified for request: GET /api/user/info"))
    response = requests.get(sim.url + "/api/plans", headers={"Authorization": "f" * 41}, timeout=5)
    assert (response.status_code, response.json()) == (401, INVALID_TOKEN)
    # The token is accepted as a raw header or as a cookie, never with "Bearer".
    assert requests.get(sim.url + "/api/plans", headers={"Authorization": token},
                        timeout=5).status_code == 200
    assert requests.get(sim.url + "/api/plans", cookies={"Authorization": token},
                        timeout=5).status_code == 200
    assert requests.get(sim.url + "/api/plans", headers={"Authorization": "Bearer " + token},
                        timeout=5).status_code == 401


def test_token_expires_after_one_hour(sim):
    short = authorize(sim, {"email": EMAIL, "password": PASSWORD}).json()["auth"]
    forever = authorize(sim, {"email": EMAIL, "password": PASSWORD,
                              "no_expire": 1}).json()["auth"]
    also_forever = authorize(sim, {"email": EMAIL, "password": PASSWORD,
                                   "no_expire": True}).json()["auth"]
    zero = authorize(sim, {"email": EMAIL, "password": PASSWORD, "no_expire": "0"}).json()["auth"]

    def status(token):
        return requests.get(sim.url + "/api/user/info", headers={"Authorization": token},
                            timeout=5).status_code

    assert [status(t) for t in (short, forever, also_forever, zero)] == [200] * 4
    sim.advance_clock(3590)
    assert status(short) == 200
    assert requests.post(sim.url + "/_sim/clock", json={"advance": 11}, timeout=5).ok
    assert [status(t) for t in (short, forever, also_forever, zero)] == [401, 200, 200, 401]
    assert requests.get(sim.url + "/_sim/state", timeout=5).json()["tokens"] == 2


def test_deauthorize(sim, token):
    url = sim.url + "/api/deauthorize"
    response = requests.post(url, timeout=5)
    assert (response.status_code, response.json()) == (
        400, {"errorCode": 8, "message": "No authorization key was specified for request"})
    response = requests.post(url, headers={"Authorization": token}, timeout=5)
    assert (response.status_code, response.json()) == (200, {"message": "Token deauthorized"})
    response = requests.post(url, headers={"Authorization": token}, timeout=5)
    assert (response.status_code, response.json()) == (
        404, {"errorCode": 9, "message": "This authorization token doesn't exist."})
    response = requests.get(sim.url + "/api/user/info", headers={"Authorization": token},
                            timeout=5)
    assert (response.status_code, response.json()) == (401, INVALID_TOKEN)


def test_preissued_token():
    with Simulator(token="demo-token") as sim:
        response = requests.get(sim.url + "/api/user/info",
                                headers={"Authorization": "demo-token"}, timeout=5)
        assert response.status_code == 200
        sim.advance_clock(10 ** 6)
        sim.reset()
        response = requests.get(sim.url + "/api/user/info",
                                headers={"Authorization": "demo-token"}, timeout=5)
        assert response.status_code == 200
