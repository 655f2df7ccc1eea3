"""Which JVM's collections the slowest requests of a fixed-rate run sat through.

usage: gc-overlap.py OPEN-LOOP.csv NAME=GC-LOG ...
The CSV is NettyOpenLoop's (send time ns, status, latency ns); each GC log was written with
-Xlog:gc:file=...:timemillis,uptime. The run's first 3 s are left out, as lb-bench leaves them out.
A pause is widened by 1 ms each side: the log's timestamps have millisecond resolution.
"""
import bisect
import re
import sys

rows = []
for line in open(sys.argv[1]):
    fields = line.split(',')
    rows.append((int(fields[0]), int(fields[2])))
rows.sort()
t0 = rows[0][0]
rows = [r for r in rows if r[0] - t0 >= 3e9]
latencies = sorted(r[1] for r in rows)
p99 = latencies[int(0.99 * len(latencies))]
print(f'{sys.argv[1]}: n={len(rows)} p50={latencies[len(latencies) // 2] / 1e6:.2f} p99={p99 / 1e6:.2f} ms')
for name, log in (a.split('=') for a in sys.argv[2:]):
    pauses = []
    for line in open(log):
        m = re.search(r'\]\[(\d+)ms\].*Pause.* ([\d.]+)ms', line)
        if m:
            end = int(m.group(1)) * 1_000_000
            pauses.append((end - float(m.group(2)) * 1e6 - 1e6, end + 1e6))
    pauses.sort()
    starts = [a for a, _ in pauses]

    def during_pause(sent, latency):
        i = bisect.bisect_right(starts, sent + latency)
        return any(pauses[j][1] >= sent for j in range(max(0, i - 3), i))

    slowest = [r for r in rows if r[1] >= p99]
    share_all = sum(during_pause(*r) for r in rows) / len(rows)
    share_slowest = sum(during_pause(*r) for r in slowest) / len(slowest)
    print(f'  {name:10s} overlap: all {100 * share_all:5.1f}%  slowest 1% {100 * share_slowest:5.1f}%')
