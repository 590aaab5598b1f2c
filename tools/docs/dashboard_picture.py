"""Draws the Grafana dashboard (tools/for-users/grafana/mqttload-dashboard.json) from a Prometheus's data: every
panel's queries, as the dashboard has them, over a time range, in the dashboard's own grid, into one PNG.

The docs' picture of the dashboard comes from here (`make dashboard-picture`: tests/test_metrics.py runs the
device-fleet plan at a larger scale with a real Prometheus scraping it, then calls `draw`). Grafana itself is not a
Debian package, so the build machine cannot run it; the panels, queries, legends and units are the dashboard's, the
drawing is matplotlib's (PyPI's matplotlib: tools/build/install-deps.sh pictures)."""
import json
import re
import urllib.parse
import urllib.request

# Grafana's $__rate_interval for a 1 s scrape: four scrape intervals
RATE_INTERVAL = "4s"
UNIT_SCALE = {"µs": (1.0, "µs"), "bytes": (1.0 / (1024 * 1024), "MiB"), "short": (1.0, "")}


def query_range(prometheus, expr, start, end, step):
    """[(labels dict, [(t, value)])] of a range query."""
    params = urllib.parse.urlencode({"query": expr, "start": "%.3f" % start, "end": "%.3f" % end, "step": step})
    with urllib.request.urlopen("%s/api/v1/query_range?%s" % (prometheus, params), timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError("%s: %s" % (expr, body))
    return [(s["metric"], [(float(t) - start, float(v)) for t, v in s["values"]]) for s in body["data"]["result"]]


def legend(fmt, labels, expr):
    """Grafana's legendFormat: {{label}} replaced by the series' label values."""
    if not fmt:
        return ", ".join("%s=%s" % kv for kv in sorted(labels.items()) if kv[0] != "__name__") or expr
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt)


def draw(prometheus, dashboard_path, start, end, out, title):
    """Every panel of the dashboard at `dashboard_path`, queried from `prometheus` (a base URL) between `start`
    and `end` (epoch seconds), into the PNG `out`. Returns {panel title: number of series drawn}."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dashboard = json.loads(open(dashboard_path, encoding="utf-8").read())
    panels = [p for p in dashboard["panels"] if p.get("type") == "timeseries"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels) // 8
    fig = plt.figure(figsize=(16, 2.6 * rows), facecolor="#181b1f")
    fig.suptitle(title, color="#d8d9da", fontsize=13, x=0.01, ha="left")
    grid = fig.add_gridspec(rows, 24, hspace=0.55, wspace=0.6, left=0.05, right=0.99, top=1 - 0.35 / rows,
                            bottom=0.03)
    drawn = {}
    for panel in panels:
        g = panel["gridPos"]
        ax = fig.add_subplot(grid[g["y"] // 8:(g["y"] + g["h"]) // 8, g["x"]:g["x"] + g["w"]])
        ax.set_facecolor("#111217")
        for side in ax.spines.values():
            side.set_color("#2c3235")
        ax.tick_params(colors="#9fa7b3", labelsize=8)
        ax.grid(color="#2c3235", linewidth=0.6)
        unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "short")
        scale, label = UNIT_SCALE.get(unit, (1.0, unit))
        ax.set_title(panel["title"], color="#d8d9da", fontsize=10, loc="left")
        count = 0
        for target in panel["targets"]:
            expr = target["expr"].replace("$__rate_interval", RATE_INTERVAL).replace("$engine", ".*")
            for labels, points in query_range(prometheus, expr, start, end, 1):
                points = [(t, v) for t, v in points if v == v]  # NaN: a quantile of no observations
                if not points:
                    continue
                ax.plot([t for t, _ in points], [v * scale for _, v in points], linewidth=1.2,
                        label=legend(target.get("legendFormat"), labels, expr))
                count += 1
        drawn[panel["title"]] = count
        if label:
            ax.set_ylabel(label, color="#9fa7b3", fontsize=8)
        ax.set_xlabel("seconds into the run", color="#9fa7b3", fontsize=8)
        ax.set_xlim(0, end - start)
        ax.set_ylim(bottom=0)
        if count:
            ax.legend(fontsize=7, loc="upper left", facecolor="#181b1f", edgecolor="#2c3235", labelcolor="#d8d9da")
        else:
            ax.text(0.5, 0.5, "No data", color="#9fa7b3", ha="center", va="center", transform=ax.transAxes)
    fig.savefig(out, dpi=80, facecolor=fig.get_facecolor())
    plt.close(fig)
    return drawn
