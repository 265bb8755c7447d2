import os
import signal
import subprocess
import sys
import time

import requests

from simulator import EMAIL, PASSWORD, Simulator

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MESSAGE = {"from": "ops@example.com", "to": "a@example.org", "subject": "s", "content": "c"}
SEND_HEADERS = {"consumerKey": "sim-consumer-key", "consumerSecret": "sim-consumer-secret"}


def send(sim):
    return requests.post(sim.url + "/api/v2/mail/send", json=MESSAGE, headers=SEND_HEADERS,
                         timeout=5).json()["mid"]


def login(sim, no_expire=False):
    body = {"email": EMAIL, "password": PASSWORD, "no_expire": "1" if no_expire else "0"}
    return requests.post(sim.url + "/api/authorize", json=body, timeout=5).json()["auth"]


def snapshot(sim):
    world = sim.world
    return (world.account, world.plans, world.subaccounts, world.reports,
            list(world.stats_rows))


def test_same_seed_same_world_and_different_seed_differs():
    with Simulator(seed=7, stats_rows=50, reports_per_type=5) as one, \
            Simulator(seed=7, stats_rows=50, reports_per_type=5) as two, \
            Simulator(seed=8, stats_rows=50, reports_per_type=5) as other:
        assert snapshot(one) == snapshot(two)
        assert snapshot(one) != snapshot(other)
        headers = {"Authorization": login(one)}
        first = requests.get(one.url + "/api/stats/email-feed-last/30", headers=headers,
                             timeout=5).json()
        one.reset(seed=8)
        headers = {"Authorization": login(one)}
        assert requests.get(one.url + "/api/stats/email-feed-last/30", headers=headers,
                            timeout=5).json() == list(other.world.stats_rows)[:30]
        assert first != list(other.world.stats_rows)[:30]


def test_persistence_across_restart(tmp_path):
    db = str(tmp_path / "sim.db")
    with Simulator(seed=3, db_path=db) as sim:
        token = login(sim, no_expire=True)
        headers = {"Authorization": token}
        cid = sim.world.reports["unsub"][0]["cid"]
        requests.delete(sim.url + "/web/api/reports/unsub", params={"ids": str(cid)},
                        headers=headers, timeout=5)
        requests.put(sim.url + "/api/tools/openingTracking/enable", headers=headers, timeout=5)
        sim.set_credits(5)
        mid = send(sim)
        before = list(sim.world.stats_rows)
    with Simulator(seed=3, db_path=db) as sim:
        response = requests.get(sim.url + "/api/tools/openingTracking", headers=headers, timeout=5)
        assert response.status_code == 200 and response.json()["enabled"] is True
        assert cid not in {r["cid"] for r in sim.world.reports["unsub"]}
        assert len(sim.world.reports["unsub"]) == 59
        assert [m["mid"] for m in sim.messages()] == [str(mid)]
        assert sim.world.credits == 4
        assert list(sim.world.stats_rows) == before
        feed = requests.get(sim.url + "/api/stats/email-feed-last/10", headers=headers,
                            timeout=5).json()
        assert feed[0]["recipient"] == "a@example.org"
        assert send(sim) > mid
        sim.reset()
        assert sim.messages() == [] and sim.world.credits is None
    with Simulator(seed=3, db_path=db) as sim:
        assert sim.messages() == [] and len(sim.world.reports["unsub"]) == 60
        response = requests.get(sim.url + "/api/plans", headers=headers, timeout=5)
        assert response.status_code == 401  # reset dropped the stored token


def test_cli_starts_prints_and_stops_on_sigterm(tmp_path):
    started = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--port", "0", "--stats-rows", "100000",
         "--token", "demo", "--quiet", "--db", str(tmp_path / "cli.db")],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert time.time() - started < 2
        assert line.startswith("turboSMTP simulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/_sim/health", timeout=5).json() == {"ok": True}
        response = requests.get(url + "/api/user/info", headers={"Authorization": "demo"},
                                timeout=5)
        assert response.json()["email"] == EMAIL
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
        rest = process.stdout.read()
        assert "sim-consumer-key" in rest and PASSWORD in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
