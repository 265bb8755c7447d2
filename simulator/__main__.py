"""``python3 -m simulator``: run the turboSMTP simulator until SIGINT/SIGTERM."""

import argparse
import signal
import sys
import threading

from . import CONSUMER_KEY, CONSUMER_SECRET, EMAIL, INACTIVE_EMAIL, PASSWORD, Simulator


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python3 -m simulator",
                                     description="turboSMTP API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stats-rows", type=int, default=250)
    parser.add_argument("--reports-per-type", type=int, default=60)
    parser.add_argument("--subaccounts", type=int, default=5)
    parser.add_argument("--stats-window", nargs=2, metavar=("START", "END"),
                        help="spread the seeded stats rows over this UTC window (end excluded), with counts "
                             "computed: a volume mailbox, e.g. --stats-rows 1000000 --stats-window 2026-06-24 2026-07-01")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--db", metavar="PATH", help="persist state in this SQLite file")
    parser.add_argument("--token", help="pre-issue a non-expiring dashboard token with this value")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        sim = Simulator(host=args.host, port=args.port, seed=args.seed, stats_rows=args.stats_rows,
                        reports_per_type=args.reports_per_type, subaccounts=args.subaccounts,
                        latency_ms=args.latency_ms, db_path=args.db, token=args.token,
                        quiet=args.quiet, stats_window=args.stats_window)
    except ValueError as error:
        print("python3 -m simulator: %s" % error, file=sys.stderr)
        return 2
    stop_requested = threading.Event()

    def request_stop(signum, frame):
        stop_requested.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    sim.start()
    print("turboSMTP simulator listening on %s" % sim.url, flush=True)
    print("  dashboard login: %s / %s (inactive account: %s)" % (EMAIL, PASSWORD, INACTIVE_EMAIL))
    print("  send consumerKey: %s  consumerSecret: %s" % (CONSUMER_KEY, CONSUMER_SECRET))
    if args.token:
        print("  pre-issued dashboard token: %s" % args.token)
    sys.stdout.flush()
    # wait() with a timeout keeps the main thread responsive to signals on all platforms.
    while not stop_requested.wait(0.5):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
