"""bench/scale/report.py RESULTS.tsv PLOT.png [ELAPSED_S]: the Markdown table (medians) and the plot of time against N.

RESULTS.tsv lines: N, scenario, tool, step, seconds (or "failed"), 1-minute load average when the step began.
"""
import collections
import statistics
import sys

results, plot = sys.argv[1], sys.argv[2]
elapsed = int(sys.argv[3]) if len(sys.argv) > 3 else None
times = collections.defaultdict(list)
failed = collections.Counter()
loads = collections.defaultdict(list)
for line in open(results):
    n, scenario, tool, step, secs, load = line.split("\t")
    key = (int(n), scenario, tool, step)
    loads[(int(n), scenario)].append(float(load))
    if secs == "failed":
        failed[key] += 1
    else:
        times[key].append(float(secs))

STEPS = ["cold", "noop", "ps", "recreate", "down"]
NAMES = {"cold": "`up -d` cold", "noop": "`up -d` nothing to do", "ps": "`ps`",
         "recreate": "`up -d` recreating one", "down": "`down -t 1`"}
TOOLS = ["composer", "floor", "docker-compose"]
sizes = sorted({k[0] for k in set(times) | set(failed)})
scenarios = [s for s in ("independent", "chains") if any(k[1] == s for k in set(times) | set(failed))]


def med(key):
    return statistics.median(times[key]) if times[key] else None


def cell(key):
    m = med(key)
    text = f"{m:.2f}" if m is not None else "–"
    if failed[key]:
        text += f" (failed {failed[key]}×)"
    return text


for scenario in scenarios:
    title = "independent services" if scenario == "independent" else "chains of 5 (depends_on)"
    print(f"\n### {title}\n")
    print("| N | step | Composer (s) | engine floor (s) | Composer / floor | docker-compose 1.29 (s) | load avg |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for n in sizes:
        load = loads.get((n, scenario), [])
        ltext = f"{min(load):.1f}–{max(load):.1f}" if load else "–"
        for step in STEPS:
            c, f = med((n, scenario, "composer", step)), med((n, scenario, "floor", step))
            ratio = f"{c / f:.2f}" if c is not None and f else "–"
            print(f"| {n} | {NAMES[step]} | {cell((n, scenario, 'composer', step))} | {cell((n, scenario, 'floor', step))} "
                  f"| {ratio} | {cell((n, scenario, 'docker-compose', step))} | {ltext} |")
runs = max((len(v) + failed[k] for k, v in times.items() if k[3] not in ("noop", "ps")), default=0)
quick = max((len(v) for k, v in times.items() if k[3] in ("noop", "ps")), default=0)
print(f"\nMedians of {runs} run(s), of {quick} samples for `up -d` with nothing to do and `ps`" + (f"; the whole run took {elapsed // 60} min {elapsed % 60} s." if elapsed else "."))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("\n(no plot: apt-get install -y python3-matplotlib)", file=sys.stderr)
    sys.exit(0)

fig, grid = plt.subplots(2, 3, figsize=(13, 8))
axes = list(grid.flat)
colors = {"composer": "tab:blue", "floor": "tab:gray", "docker-compose": "tab:orange"}
styles = {"independent": "-", "chains": "--"}
for ax, step in zip(axes, STEPS):
    for tool in TOOLS:
        for scenario in scenarios:
            points = [(n, med((n, scenario, tool, step))) for n in sizes]
            points = [(n, t) for n, t in points if t is not None]
            if points:
                ax.plot(*zip(*points), styles[scenario], marker="o", color=colors[tool],
                        label=f"{'engine floor' if tool == 'floor' else tool} ({scenario})")
    ax.set_title(NAMES[step].replace("`", ""))
    ax.set_xlabel("services (N)")
    ax.set_ylabel("seconds")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
handles, labels = axes[0].get_legend_handles_labels()
axes[-1].axis("off")
axes[-1].legend(handles, labels, loc="center")
fig.tight_layout()
fig.savefig(plot, dpi=80)
print(f"\nPlot: {plot}", file=sys.stderr)
