"""Benchmarks: the collection against what a playbook would do without it, side by side in one run.

Machines here are shared and noisy, so nothing is asserted against a clock: every figure is
printed next to the figure it is compared with, as a ratio, from runs made minutes apart at most.

    scripts/benchmark.sh            # everything (a few minutes)
    scripts/benchmark.sh --quick    # one repetition, smaller scaling step
    scripts/benchmark.sh --only small --only stats   # some tables only
"""

import argparse
import contextlib
import io
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from simulator import CONSUMER_KEY, CONSUMER_SECRET, Simulator  # noqa: E402

LATENCY_MS = 40
ROUND_TRIP = LATENCY_MS / 1000.0
TOKEN = 'benchmark-token'
STATS_PAGE = 10
STATS_START, STATS_END = '2026-01-01 00:00:00', '2026-06-30 23:59:59'
# main as it was before in-process execution (issue 13): falling back to module execution must cost no more.
BASELINE_REF = '8ffec29'
SMALL_TASK_TURNS = 5
# Plays of a second or so move by a tenth of a second with the machine's load: more turns steady their medians.
SHORT_PLAY_TURNS = 9
# The 600-page play takes seconds, but its ratio is read to a hundredth: five turns rather than three.
LONG_PLAY_TURNS = 5
SECTIONS = ['stats', 'send', 'small', 'overhead', 'export', 'volume']
# The volume table's week: a volume mailbox puts every seeded message in it, with counts computed.
VOLUME_WEEK = ('2026-06-24 00:00:00', '2026-06-30 23:59:59')
VOLUME_WINDOW = ['2026-06-24', '2026-07-01']
VOLUMES = [100, 10000, 1000000]
# The row path reads 10 rows a request: beyond this many messages it takes minutes, and is left out.
ROW_PATH_LIMIT = 10000
# Python 3.12+ warns unless extraction says how far it trusts the archive; our own history is trusted data.
TAR_SAFETY = {'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}

# The timed listing play is its one task; the checked play adds the row count check, run once untimed.
STATS_MODULE_PLAY = '''
        - name: Stats with the collection
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Gather every row in one task
              turbosmtp.api.turbosmtp_stats_info:
                start: "{{ start }}"
                end: "{{ end }}"
                tz: "+00:00"
                concurrency: "{{ concurrency | int }}"
              register: stats
'''
ROW_COUNT_CHECK = '''
            - name: Check the row count
              ansible.builtin.assert:
                that: stats.emails | length == rows | int
'''


def play_text(name, tasks):
    """A playbook of one play on localhost, without facts, as YAML text."""
    return yaml.safe_dump([{'name': name, 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], sort_keys=False)


# The "many small tasks" plays: 10 tracking_info and 1 account_info, against as many set_fact tasks.
SMALL_TURBOSMTP_TASKS = [{'name': 'Read the account', 'turbosmtp.api.turbosmtp_account_info': None}] + [
    {'name': 'Read the tracking settings %d' % number, 'turbosmtp.api.turbosmtp_tracking_info': None} for number in range(1, 11)]
SMALL_SET_FACT_TASKS = [{'name': 'Set a fact %d' % number, 'ansible.builtin.set_fact': {'fact_%d' % number: number}}
                        for number in range(1, 12)]

PLAYBOOKS = {
    'empty': '''
        - name: Nothing at all
          hosts: localhost
          gather_facts: false
          tasks: []
    ''',
    'stats_module': STATS_MODULE_PLAY,
    'stats_module_checked': STATS_MODULE_PLAY + ROW_COUNT_CHECK,
    'summary_module': '''
        - name: A week's summary from the API's counts
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Summarise the week
              turbosmtp.api.turbosmtp_stats_info:
                start: "{{ start }}"
                end: "{{ end }}"
                tz: "+00:00"
                summary: true
                concurrency: "{{ concurrency | int }}"
              register: week
            - name: Check the total
              ansible.builtin.assert:
                that: week.summary.total == rows | int
    ''',
    'summary_rows': '''
        - name: A week's summary from its rows
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Read every row of the week
              turbosmtp.api.turbosmtp_stats_info:
                start: "{{ start }}"
                end: "{{ end }}"
                tz: "+00:00"
                concurrency: "{{ concurrency | int }}"
              register: week
            - name: Summarise the rows
              ansible.builtin.assert:
                that: (week.emails | turbosmtp.api.stats_summary).total == rows | int
    ''',
    'digest': '''
        - name: The weekly digest
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Mail the digest
              ansible.builtin.include_role:
                name: turbosmtp.api.digest
              vars:
                turbosmtp_digest_from: reports@example.com
                turbosmtp_digest_to: [ops@example.com]
                turbosmtp_digest_end: "{{ end[:10] }}"
    ''',
    'stats_uri': '''
        - name: Stats with ansible.builtin.uri in a loop
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Count the rows
              ansible.builtin.uri:
                url: "{{ url }}/api/stats/panes/emails/count?start={{ start | urlencode }}&end={{ end | urlencode }}&tz=%2B00:00"
                headers: {Authorization: "{{ token }}"}
              register: count
            - name: Fetch every page
              ansible.builtin.uri:
                url: "{{ url }}/api/stats/panes/emails?start={{ start | urlencode }}&end={{ end | urlencode }}&tz=%2B00:00&page={{ item }}"
                headers: {Authorization: "{{ token }}"}
              loop: "{{ range(1, ((count.json.count | int) / 10) | round(0, 'ceil') | int + 1) | list }}"
              register: pages
            - name: Check the row count
              ansible.builtin.assert:
                that: pages.results | map(attribute='json') | flatten | length == rows | int
    ''',
    'send_batch': '''
        - name: Notifications with the collection
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Send every personalised notification in one task
              turbosmtp.api.turbosmtp_send:
                from: deploy@example.com
                subject: Release notes
                messages: "{{ recipients }}"
                concurrency: 8

    ''',
    'send_loop': '''
        - name: Notifications with a loop of single sends
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Send one personalised notification per loop item
              turbosmtp.api.turbosmtp_send:
                from: deploy@example.com
                subject: Release notes
                to: "{{ item.to }}"
                content: "{{ item.content }}"
              loop: "{{ recipients }}"
    ''',
    'send_one': '''
        - name: One turboSMTP send of one message, the fixed cost any send task pays
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Send one notification
              turbosmtp.api.turbosmtp_send:
                from: deploy@example.com
                subject: Release notes
                to: "{{ recipients[0].to }}"
                content: "{{ recipients[0].content }}"
    ''',
    'one_task': '''
        - name: One turboSMTP task, the fixed cost any module task pays
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Read the account
              turbosmtp.api.turbosmtp_account_info:
    ''',
    'overhead_module': '''
        - name: Per-task overhead of a turboSMTP module
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Read the account
              turbosmtp.api.turbosmtp_account_info:
              loop: "{{ range(tasks | int) | list }}"
    ''',
    'small_turbosmtp': play_text('Eleven small turboSMTP tasks', SMALL_TURBOSMTP_TASKS),
    'small_set_fact': play_text('Eleven set_fact tasks', SMALL_SET_FACT_TASKS),
    'overhead_uri': '''
        - name: Per-task overhead of a bare uri task
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Read the account
              ansible.builtin.uri:
                url: "{{ url }}/api/user/info"
                headers: {Authorization: "{{ token }}"}
              loop: "{{ range(tasks | int) | list }}"
    ''',
}


class Bench:
    def __init__(self, sim, workdir, repeat):
        self.sim = sim
        self.workdir = workdir
        self.repeat = repeat
        for name, text in PLAYBOOKS.items():
            (workdir / (name + '.yml')).write_text(textwrap.dedent(text))
        self.env = dict(os.environ, TURBOSMTP_API_TOKEN=TOKEN, TURBOSMTP_DASHBOARD_URL=sim.url, TURBOSMTP_SEND_URL=sim.url,
                        TURBOSMTP_CONSUMER_KEY=CONSUMER_KEY, TURBOSMTP_CONSUMER_SECRET=CONSUMER_SECRET,
                        ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='0')

    def turns(self, wanted):
        """How many turns plays take: one in a quick run, else ``wanted``."""
        return 1 if self.repeat == 1 else wanted

    def playbook(self, name, repeat=None, env=None, **variables):
        """Median wall time of full ansible-playbook runs."""
        return statistics.median([self.run_once(name, env, variables) for _repeat in range(repeat or self.repeat)])

    def taking_turns(self, plays, turns, **variables):
        """Median wall time of each (label, playbook, environment), the plays run in turn ``turns`` times."""
        return dict((label, wall) for label, (wall, _cpu) in self.measured_turns(plays, turns, **variables).items())

    def measured_turns(self, plays, turns, **variables):
        """(median wall time, median CPU time of the whole process tree) of each play, taking turns.

        Taking turns puts a change in the machine's load into every column alike; CPU time counts
        only this run's own work, so it moves less than wall time when other jobs share the machine.
        """
        runs = dict((label, []) for label, _name, _env in plays)
        for _turn in range(turns):
            for label, name, env in plays:
                runs[label].append(self.measure(name, env, variables))
        return dict((label, tuple(statistics.median(column) for column in zip(*values))) for label, values in runs.items())

    def run_once(self, name, env, variables):
        return self.measure(name, env, variables)[0]

    def measure(self, name, env, variables):
        """(wall seconds, CPU seconds of ansible-playbook and every process it started) of one run."""
        variables = dict(dict(url=self.sim.url, token=TOKEN), **variables)
        command = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', str(self.workdir / (name + '.yml')),
                   '-e', json.dumps(variables)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        result = subprocess.run(command, env=dict(self.env, **(env or {})), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, check=False)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode != 0:
            raise SystemExit('benchmark playbook %s failed:\n%s' % (name, result.stdout[-4000:]))
        return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def table(title, header, rows):
    print('\n' + title)
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for line in [header, ['-' * width for width in widths]] + rows:
        print('  ' + '  '.join(str(cell).rjust(width) for cell, width in zip(line, widths)))


def rounds(requests, concurrency):
    """Seconds of the round trips that ``requests`` requests take, ``concurrency`` at a time."""
    return math.ceil(requests / concurrency) * ROUND_TRIP


def bench_stats(bench, pages_list, concurrency):
    rows = []
    short_turns, long_turns = bench.turns(SHORT_PLAY_TURNS), bench.turns(LONG_PLAY_TURNS)
    for pages in pages_list:
        bench.sim.reset(stats_rows=pages * STATS_PAGE)
        bench.sim.set_latency(LATENCY_MS)
        variables = dict(start=STATS_START, end=STATS_END, rows=pages * STATS_PAGE, concurrency=concurrency)
        # The timed play is the one task; this run, untimed, shows that it returns every row.
        bench.run_once('stats_module_checked', None, variables)
        turns = long_turns if pages > 100 else short_turns
        seconds = bench.taking_turns([('empty', 'empty', {}), ('one task', 'one_task', {}), ('module', 'stats_module', {})],
                                     turns, **variables)
        empty, module = seconds['empty'], seconds['module']
        # A 600-page loop of uri tasks takes minutes; once is enough to see the ratio.
        loop = bench.playbook('stats_uri', repeat=1 if pages > 100 else None, **variables)
        page_rounds = rounds(pages, concurrency)
        floor = empty + page_rounds
        # The API's paging asks for the row count first (api-notes: "count first, then fetch the pages").
        counted_floor = floor + ROUND_TRIP
        # The one-task play makes one request (the account, with a token), so it holds one round trip already.
        task_floor = seconds['one task'] - ROUND_TRIP + page_rounds
        rows.append([pages, '%.2fs' % module, '%.2fs' % loop, '%.1fx' % (loop / module),
                     '%.2fs' % floor, '%.2fx' % (module / floor), '%.2fx' % (module / counted_floor),
                     '%.2fs' % task_floor, '%.2fx' % (module / task_floor)])
    table('Stats: turbosmtp_stats_info (concurrency %d) against ansible.builtin.uri in a loop, %d ms per request'
          % (concurrency, LATENCY_MS),
          ['pages', 'module', 'uri loop', 'loop/module', 'floor', 'module/floor', 'module/(floor+count)', 'task floor',
           'module/task floor'], rows)
    for line in ['floor = an empty play + ceil(pages / concurrency) round trips (the issue 13 targets are against it)',
                 'floor+count = the floor + the row count request the API asks for before the pages',
                 'task floor = a play of one small turboSMTP task (turbosmtp_account_info) less its one round trip,',
                 '  + the page round trips: what any play with a turboSMTP task pays before it reads a page',
                 'the empty, one-task and module plays take turns: %d times up to 100 pages, %d times above'
                 % (short_turns, long_turns),
                 'the module play is its one task (an untimed run first asserts it returns every row); the uri',
                 'play asserts its row count in a last task. The module also asks for the row count before the',
                 'pages and, when the last page is full, for one page more']:
        print('  ' + line)


def bench_send(bench, count, concurrency=8):
    bench.sim.reset()
    bench.sim.set_latency(LATENCY_MS)
    recipients = [{'to': ['user%d@example.org' % index], 'content': 'Hello user %d, release 1.%d is out.' % (index, index)}
                  for index in range(count)]
    turns = bench.turns(SHORT_PLAY_TURNS)
    seconds = bench.taking_turns([('empty', 'empty', {}), ('one send', 'send_one', {}), ('batch', 'send_batch', {})], turns,
                                 recipients=recipients)
    empty, batch = seconds['empty'], seconds['batch']
    loop = bench.playbook('send_loop', recipients=recipients)
    sent = len(bench.sim.messages())
    send_rounds = rounds(count, concurrency)
    floor = empty + send_rounds
    task_floor = seconds['one send'] - ROUND_TRIP + send_rounds
    table('Send: %d personalised notifications, %d ms per request' % (count, LATENCY_MS),
          ['messages', 'batch (messages:)', 'loop of sends', 'loop/batch', 'floor', 'batch/floor', 'task floor',
           'batch/task floor'],
          [[count, '%.2fs' % batch, '%.2fs' % loop, '%.1fx' % (loop / batch), '%.2fs' % floor, '%.2fx' % (batch / floor),
            '%.2fs' % task_floor, '%.2fx' % (batch / task_floor)]])
    print('  floor = an empty playbook run (%.2fs) + ceil(messages / concurrency %d) round trips' % (empty, concurrency))
    print('  task floor = a play sending one message, less its one round trip, + the same round trips')
    print('  the empty, one-send and batch plays take turns %d times; the simulator accepted %d messages'
          % (turns, sent))


def bench_overhead(bench, tasks):
    bench.sim.reset()
    empty = bench.playbook('empty')
    module = bench.playbook('overhead_module', tasks=tasks)
    uri = bench.playbook('overhead_uri', tasks=tasks)
    per_module, per_uri = (module - empty) / tasks, (uri - empty) / tasks
    table('Per-task overhead (%d iterations, no added latency)' % tasks,
          ['turbosmtp_account_info', 'bare uri', 'module/uri'],
          [['%.0f ms' % (per_module * 1000), '%.0f ms' % (per_uri * 1000), '%.2fx' % (per_module / per_uri)]])


def bench_small_tasks(bench):
    """Eleven small turboSMTP tasks (in-process, forced to module execution, and as modules before
    in-process execution existed) against eleven set_fact tasks."""
    bench.sim.reset()
    tasks = 11
    plays = [('empty play', 'empty', {}), ('set_fact', 'small_set_fact', {}),
             ('turboSMTP in-process', 'small_turbosmtp', {}),
             ('turboSMTP as modules', 'small_turbosmtp', {'TURBOSMTP_IN_PROCESS': '0'})]
    baseline = baseline_collection(bench.workdir)
    if baseline:
        plays.append(('as modules at %s' % BASELINE_REF, 'small_turbosmtp', baseline))
    measured = bench.measured_turns(plays, SMALL_TASK_TURNS)
    empty, set_fact = measured['empty play'], measured['set_fact']

    def per_task(label, column):
        return (measured[label][column] - empty[column]) / tasks * 1000

    rows = [[label, '%.2fs' % measured[label][0], '%.0f ms' % per_task(label, 0), '%.0f ms' % per_task(label, 1),
             '%.2fx' % (measured[label][0] / set_fact[0])] for label, _name, _env in plays[1:]]
    table('Many small tasks: %d turboSMTP tasks (10 tracking_info, 1 account_info) against %d set_fact tasks, no latency'
          % (tasks, tasks), ['play', 'wall', 'per task (over an empty play)', 'CPU per task', 'ratio to set_fact'], rows)
    print('  median of %d turns; empty play %.2fs; "as modules" is TURBOSMTP_IN_PROCESS=0, the fallback path'
          % (SMALL_TASK_TURNS, empty[0]))
    if baseline:
        old = 'as modules at %s' % BASELINE_REF
        print('  fallback per task against the same modules at %s (before in-process execution): %.2fx wall, %.2fx CPU'
              % (BASELINE_REF, per_task('turboSMTP as modules', 0) / per_task(old, 0),
                 per_task('turboSMTP as modules', 1) / per_task(old, 1)))
    else:
        print('  (no git history here: the comparison with %s is left out)' % BASELINE_REF)


def baseline_collection(workdir):
    """Environment that makes Ansible load the collection as it was at BASELINE_REF, or None without git history."""
    archive = subprocess.run(['git', '-C', str(REPO), 'archive', '--format=tar', BASELINE_REF],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    if archive.returncode != 0:
        return None
    root = workdir / 'baseline'
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(root / 'ansible_collections' / 'turbosmtp' / 'api', **TAR_SAFETY)
    return {'ANSIBLE_COLLECTIONS_PATH': str(root), 'PYTHONPATH': str(root)}


EXPORT_SCRIPT = '''
import resource, sys
from ansible_collections.turbosmtp.api.plugins.module_utils.client import DashboardClient
client = DashboardClient(sys.argv[1], api_token=sys.argv[2])
size = client.stats_csv({'start': '2026-01-01 00:00:00', 'end': '2026-06-30 23:59:59', 'tz': '+00:00'}, sys.argv[3])
print(size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
'''


def bench_export_memory(bench, sizes):
    rows = []
    for size in sizes:
        bench.sim.reset(stats_rows=size)
        dest = bench.workdir / ('export-%d.csv' % size)
        output = subprocess.run([sys.executable, '-c', EXPORT_SCRIPT, bench.sim.url, TOKEN, str(dest)], env=bench.env,
                                stdout=subprocess.PIPE, text=True, check=True).stdout.split()
        rows.append([size, '%.1f MB' % (int(output[0]) / 1e6), '%.1f MB' % (int(output[1]) / 1024.0)])
    table('CSV export: peak RSS of the exporting process (streamed to disk)', ['rows', 'file', 'peak RSS'], rows)


def stats_requests(bench, sim, name, **variables):
    """How many stats requests one untimed run of a play against ``sim`` makes."""
    sim.clear_requests()
    bench.run_once(name, simulator_env(sim), variables)
    return len(sim.requests(path='/api/stats'))


def simulator_env(sim):
    return {'TURBOSMTP_DASHBOARD_URL': sim.url, 'TURBOSMTP_SEND_URL': sim.url}


def bench_volume(bench, concurrency):
    """A week's summary at growing volumes: from the API's counts, and from the rows where they can be read.

    One simulator per volume, so that every play of every volume takes turns with the others.
    """
    variables = dict(start=VOLUME_WEEK[0], end=VOLUME_WEEK[1], concurrency=concurrency)
    turns = bench.turns(LONG_PLAY_TURNS)
    with contextlib.ExitStack() as running:
        sims = dict((messages, running.enter_context(Simulator(
            port=0, token=TOKEN, stats_rows=messages, stats_window=VOLUME_WINDOW, latency_ms=LATENCY_MS)))
            for messages in VOLUMES)
        plays, requests = [], {}
        for messages, sim in sims.items():
            requests[messages] = dict((name, stats_requests(bench, sim, name, rows=messages, **variables))
                                      for name in ('summary_module', 'digest'))
            plays += [(('summary', messages), 'summary_module', simulator_env(sim)),
                      (('digest', messages), 'digest', simulator_env(sim))]
            if messages <= ROW_PATH_LIMIT:
                requests[messages]['summary_rows'] = stats_requests(bench, sim, 'summary_rows', rows=messages, **variables)
                plays.append((('rows', messages), 'summary_rows', simulator_env(sim)))
        measured = dict((label, []) for label, _name, _env in plays)
        for _turn in range(turns):
            for label, name, env in plays:
                # Each play asserts the total it read against its volume.
                measured[label].append(bench.run_once(name, env, dict(variables, rows=label[1])))
        seconds = dict((label, statistics.median(values)) for label, values in measured.items())
    rows = []
    for messages in VOLUMES:
        summary = seconds[('summary', messages)]
        row_seconds = seconds.get(('rows', messages))
        rows.append([f'{messages:,}', '%.2fs' % summary, requests[messages]['summary_module'],
                     '%.2fx' % (summary / seconds[('summary', VOLUMES[0])]),
                     '%.2fs' % row_seconds if row_seconds else 'not run',
                     requests[messages].get('summary_rows', f'at least {messages // STATS_PAGE + 1:,}'),
                     '%.1fx' % (row_seconds / summary) if row_seconds else '-',
                     '%.2fs' % seconds[('digest', messages)], requests[messages]['digest']])
    table('Volume: a week\'s summary, %d ms per request, concurrency %d' % (LATENCY_MS, concurrency),
          ['messages', 'summary: true', 'requests', 'vs 100', 'rows | stats_summary', 'row requests', 'rows/summary',
           'digest role', 'digest stats requests'], rows)
    for line in ['summary: true = a play of turbosmtp_stats_info from /count requests only (9 statuses x 7 days + 1),',
                 '  no row read; rows | stats_summary = a play reading every row of the week (10 a request, after',
                 f'  the count), then the filter: not run above {ROW_PATH_LIMIT:,} messages',
                 'digest role = a play of the whole turbosmtp.api.digest role (summary, report counts, one page of',
                 '  spam complaints, rendering, one send); its stats requests are counts only',
                 'one simulator per volume (its seeded week holds every message); all plays take turns, %d times' % turns]:
        print('  ' + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--quick', action='store_true', help='one repetition and no 600-page step')
    parser.add_argument('--concurrency', type=int, default=8)
    parser.add_argument('--only', action='append', choices=SECTIONS, help='run only this table (repeatable)')
    options = parser.parse_args()
    repeat = 1 if options.quick else 3
    sections = options.only or SECTIONS
    with tempfile.TemporaryDirectory() as directory, Simulator(port=0, token=TOKEN) as sim:
        bench = Bench(sim, Path(directory), repeat)
        print('turbosmtp.api benchmarks: median of %d full ansible-playbook runs per figure' % repeat)
        if 'stats' in sections:
            bench_stats(bench, [6, 60] if options.quick else [6, 60, 600], options.concurrency)
        if 'send' in sections:
            bench_send(bench, 40)
        if 'small' in sections:
            bench_small_tasks(bench)
        if 'overhead' in sections:
            bench_overhead(bench, 20)
        if 'export' in sections:
            bench_export_memory(bench, [10000, 100000])
        if 'volume' in sections:
            bench_volume(bench, options.concurrency)


if __name__ == '__main__':
    main()
