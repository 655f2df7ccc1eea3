#!/usr/bin/env python3
"""A flame graph (SVG) and collapsed stacks from a JFR recording's CPU samples, with nothing but the JDK.

    scripts/flamegraph.py RECORDING.jfr OUT.svg [--threads REGEX] [--title TEXT]

Reads `jfr print --events jdk.ExecutionSample --stack-depth 128`, keeps the samples of threads whose
name matches --threads (default: every thread), and writes OUT.svg (frames as Class.method, widths
proportional to samples, root at the bottom) and OUT.svg's name with .collapsed (one line per stack,
root first, `;`-separated, then the count: the format Brendan Gregg's flamegraph.pl reads).
"""
import argparse
import html
import re
import subprocess
import sys
from collections import Counter

FRAME = re.compile(r"^\s+([\w$.<>/]+)\((.*)\)\s+line:")
THREAD = re.compile(r'sampledThread = "([^"]*)"')
WIDTH, ROW, FONT = 1600, 16, 11


def samples(recording, threads):
    out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "128", recording],
                         check=True, capture_output=True, text=True).stdout
    stacks = Counter()
    thread, frames, in_stack = None, [], False
    for line in out.splitlines():
        m = THREAD.search(line)
        if m:
            thread = m.group(1)
        elif line.strip().startswith("stackTrace = ["):
            in_stack, frames = True, []
        elif in_stack and line.strip() == "]":
            in_stack = False
            if frames and (threads is None or threads.search(thread or "")):
                stacks[";".join(reversed(frames))] += 1
        elif in_stack:
            f = FRAME.match(line)
            if f:
                qualified = f.group(1)
                cls, _, method = qualified.rpartition(".")
                frames.append(cls.rsplit(".", 1)[-1] + "." + method)
            elif line.strip() == "...":
                frames.append("[truncated]")
    return stacks


def tree(stacks):
    root = {"name": "all", "count": 0, "children": {}}
    for stack, count in stacks.items():
        root["count"] += count
        node = root
        for frame in stack.split(";"):
            node = node["children"].setdefault(frame, {"name": frame, "count": 0, "children": {}})
            node["count"] += count
    return root


def depth(node):
    return 1 + max((depth(c) for c in node["children"].values()), default=0)


def colour(name):
    h = sum(map(ord, name)) % 60
    if name.startswith(("ActivatorMain", "Balancer", "HeaderFilter", "PodTable", "MuRouting", "Activator", "FunctionLane",
                        "ForwardedHeaders", "InternalHeaders", "MuHeaderParser", "ActivatorMetrics", "Call")):
        return f"rgb(80,{140 + h},{200 + h // 2})"  # Mu's own code in blue
    return f"rgb({200 + h // 2},{90 + h * 2},50)"


def svg(root, title):
    rows = depth(root)
    height = (rows + 2) * ROW + 20
    total = root["count"] or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="monospace" font-size="{FONT}">',
             f'<text x="10" y="16" font-size="14">{html.escape(title)} ({total} samples; Mu\'s classes in blue)</text>']

    def draw(node, x, level):
        w = node["count"] / total * (WIDTH - 20)
        if w < 1.0:  # narrower than a pixel: invisible, and it would only swell the file
            return
        y = height - (level + 1) * ROW
        share = 100.0 * node["count"] / total
        label = html.escape(f'{node["name"]} ({node["count"]} samples, {share:.1f} %)')
        parts.append(f'<g><title>{label}</title><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW - 1}" '
                     f'fill="{colour(node["name"])}" rx="2"/>')
        chars = int(w / (FONT * 0.6))
        if chars >= 3:
            text = node["name"] if len(node["name"]) <= chars else node["name"][:chars - 2] + ".."
            parts.append(f'<text x="{x + 3:.1f}" y="{y + ROW - 4}">{html.escape(text)}</text>')
        parts.append("</g>")
        cx = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            draw(child, cx, level + 1)
            cx += child["count"] / total * (WIDTH - 20)

    draw(root, 10, 0)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("recording")
    p.add_argument("out")
    p.add_argument("--threads", help="a regular expression on thread names, e.g. vert.x-eventloop")
    p.add_argument("--title", default="CPU samples")
    a = p.parse_args()
    stacks = samples(a.recording, re.compile(a.threads) if a.threads else None)
    if not stacks:
        sys.exit(f"flamegraph.py: no execution samples in {a.recording}" + (f" for threads /{a.threads}/" if a.threads else ""))
    with open(a.out, "w") as f:
        f.write(svg(tree(stacks), a.title))
    collapsed = re.sub(r"\.svg$", "", a.out) + ".collapsed"
    with open(collapsed, "w") as f:
        for stack, count in stacks.most_common():
            f.write(f"{stack} {count}\n")
    print(f"wrote {a.out} and {collapsed} ({sum(stacks.values())} samples)")


if __name__ == "__main__":
    main()
