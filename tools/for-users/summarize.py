#!/usr/bin/env python3
"""Summarise a CSV JTL written with mqttload.properties (or tools/test/jmeter-test.properties).

    python3 tools/for-users/summarize.py target/demo.jtl [--fail-on-error]
        [--warmup 10s] [--rampdown 5s] [--from T] [--to T] [--report-range]

Prints samples, messages (sum of SampleCount), messages/s over the run, subscribe latency from the
MQTT_SUB_* variables saved with `sample_variables`, publish figures (sent, intended, send rate, paced
schedule lag) from the MQTT_PUB_* ones, requests and round trips from the MQTT_REQ_* ones and answers from the
MQTT_RSP_* ones, the peak clients and message rates of the Broker Statistics samples (MQTT_BROKER_*), the
connections per broker of Connect elements spread over several brokers, and errors. Also importable: read_jtl(),
as_int(), summarize().

--warmup/--rampdown leave the run's first/last seconds out of every figure (latency percentiles, rates: whole
samples, by their start time), --from/--to set the window's ends (epoch s or ms, or a local date-time);
--report-range prints the -J options that give `jmeter -g JTL -o DIR` (the HTML dashboard) the same window.
The Rate Finder's searches are printed as step tables (MQTT_RATE_* variables).
"""
import csv
import re
import sys
from collections import OrderedDict

SUB_VARS = (
    "MQTT_SUB_RECEIVED", "MQTT_SUB_MEAN_US", "MQTT_SUB_P50_US", "MQTT_SUB_P90_US",
    "MQTT_SUB_P99_US", "MQTT_SUB_MAX_US", "MQTT_SUB_LOST", "MQTT_SUB_DUPLICATES",
    "MQTT_SUB_OUT_OF_ORDER", "MQTT_SUB_PENDING", "MQTT_SUB_LOST_TOTAL", "MQTT_SUB_DUPLICATES_TOTAL",
    "MQTT_SUB_SHORTFALL", "MQTT_SUB_ARRIVAL_RATE",
)


def read_jtl(path):
    """Rows of a CSV JTL as dicts (header from the file's first line)."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_int(value, default=None):
    """JTL cell -> int; '', 'null' (an unset sample variable) or garbage -> default."""
    if value is None:
        return default
    v = value.strip()
    if v == "" or v == "null":
        return default
    try:
        return int(v)
    except ValueError:
        try:
            return int(float(v))
        except ValueError:
            return default


SUB_MESSAGE = re.compile(r"^Received \d+ of message")


def is_subscribe(row):
    """A Subscribe sample. JMeter saves a thread's variables with EVERY later sample of that thread
    (e.g. the Disconnect after a Subscribe repeats its MQTT_SUB_* values), so rows are picked by the
    sampler's message ("Received N of message.") or its default name, not by the variables alone."""
    if as_int(row.get("MQTT_SUB_RECEIVED")) is None:
        return False
    return bool(SUB_MESSAGE.match(row.get("responseMessage", ""))) or row.get("label") == "MQTT Subscribe"


PUB_MESSAGE = re.compile(r"^(Published|Paced) \d")


def is_publish(row):
    """A Publish sample that reached the engine (as is_subscribe: picked by message or default name, since
    later samples of the thread repeat its MQTT_PUB_* values)."""
    if as_int(row.get("MQTT_PUB_INTENDED")) is None:
        return False
    return bool(PUB_MESSAGE.match(row.get("responseMessage", ""))) or row.get("label") == "MQTT Publish"


REQUEST_MESSAGE = re.compile(r"^Requests: \d+ sent, \d+ replied")


def is_request(row):
    """A Request sample that reached the engine (picked as is_publish)."""
    if as_int(row.get("MQTT_REQ_SENT")) is None:
        return False
    return bool(REQUEST_MESSAGE.match(row.get("responseMessage", ""))) or row.get("label") == "MQTT Request"


RESPONDER_MESSAGE = re.compile(r"^Answered \d+ request")


def is_responder(row):
    """A Responder sample that reached the engine (picked as is_publish)."""
    if as_int(row.get("MQTT_RSP_ANSWERED")) is None:
        return False
    return bool(RESPONDER_MESSAGE.match(row.get("responseMessage", ""))) or row.get("label") == "MQTT Responder"


def request_figures(rows):
    """Requests, replies and round trips of the Request samples, answers of the Responder samples (None when
    the JTL has none of them)."""
    reqs = [r for r in rows if is_request(r)]
    answers = [r for r in rows if is_responder(r)]
    out = OrderedDict()
    if reqs:
        for key, col in (("sent", "MQTT_REQ_SENT"), ("matched", "MQTT_REQ_MATCHED"), ("timeouts", "MQTT_REQ_TIMEOUTS"),
                         ("check_failed", "MQTT_REQ_CHECK_FAILED"), ("late", "MQTT_REQ_LATE"),
                         ("duplicates", "MQTT_REQ_DUPLICATES"), ("unmatched", "MQTT_REQ_UNMATCHED")):
            out[key] = sum(as_int(r.get(col), 0) for r in reqs)
        pairs = [(as_int(r.get("MQTT_REQ_RTT_P50_US")), as_int(r.get("MQTT_REQ_MATCHED"), 0)) for r in reqs]
        pairs = [(v, w) for v, w in pairs if v is not None and w > 0]
        weight = sum(w for _, w in pairs)
        out["rtt_p50_us"] = round(sum(v * w for v, w in pairs) / weight) if weight else None
        for key, col in (("rtt_p99_us", "MQTT_REQ_RTT_P99_US"), ("rtt_max_us", "MQTT_REQ_RTT_MAX_US")):
            vals = [v for v in (as_int(r.get(col)) for r in reqs) if v is not None]
            out[key] = max(vals) if vals else None
    if answers:
        out["answered"] = sum(as_int(r.get("MQTT_RSP_ANSWERED"), 0) for r in answers)
        out["unanswerable"] = sum(as_int(r.get("MQTT_RSP_UNANSWERABLE"), 0) for r in answers)
    return out or None


BROKER_MESSAGE = re.compile(r"^clients (n/a|[\d,]+), msgs in ")


def is_broker_stats(row):
    """A Broker Statistics sample, told by its message or default name (its MQTT_BROKER_* variables
    repeat on the thread's later samples, as the Subscribe ones do)."""
    return bool(BROKER_MESSAGE.match(row.get("responseMessage", ""))) or row.get("label") == "MQTT Broker Statistics"


def as_float(value):
    """JTL cell -> float; '', 'null' or garbage -> None."""
    v = (value or "").strip()
    try:
        return float(v) if v not in ("", "null") else None
    except ValueError:
        return None


def broker_peaks(rows):
    """Peak clients and message rates of the run's Broker Statistics samples (None when none said).
    Rates are our own from the broker's totals, else the broker's 1-minute averages."""
    stats = [r for r in rows if is_broker_stats(r) and is_ok(r)]

    def peak(*cols):
        for col in cols:
            vals = [as_float(r.get(col)) for r in stats]
            vals = [v for v in vals if v is not None]
            if vals:
                return max(vals)
        return None

    return OrderedDict([
        ("samples", len(stats)),
        ("clients", peak("MQTT_BROKER_CLIENTS")),
        ("msgs_in_per_s", peak("MQTT_BROKER_MSGS_RECEIVED_PER_S", "MQTT_BROKER_MSGS_RECEIVED_1MIN_PER_S")),
        ("msgs_out_per_s", peak("MQTT_BROKER_MSGS_SENT_PER_S", "MQTT_BROKER_MSGS_SENT_1MIN_PER_S")),
    ])


PER_BROKER = re.compile(r"; (failed )?per broker: (.*?)(?: \(INSECURE|$)")


def per_broker(rows):
    """Connections per broker of the Connect samples spread over several brokers ("...; per broker: a:1883 100,
    b:1883 100", "...; failed per broker: c:1883 10"), from each thread's last Connect sample of each element
    (a group connected again repeats its counts): {broker: {"connected": n, "failed": n}}, in order."""
    last = OrderedDict()
    for r in rows:
        m = PER_BROKER.search(r.get("responseMessage", ""))
        if m:
            last[(r.get("threadName", ""), r.get("label", ""))] = m
    out = OrderedDict()
    for m in last.values():
        kind = "failed" if m.group(1) else "connected"
        for item in m.group(2).split(", "):
            broker, _, n = item.rpartition(" ")
            counts = out.setdefault(broker, {"connected": 0, "failed": 0})
            counts[kind] += as_int(n, 0)
    return out


ENGINE = re.compile(r"^(\S+?:\d+)[- ]")


def clock_offsets(rows):
    """Per JMeter engine (a distributed run's threadName starts with host:port), its clock against the reference
    engine's from its Subscribe samples (MQTT_CLOCK_*, clock offsets on): the last offset and uncertainty in us, the
    range of offsets over the run, and the messages whose latency was corrected."""
    out = OrderedDict()
    for r in rows:
        offset = as_int(r.get("MQTT_CLOCK_OFFSET_US"))
        if not is_subscribe(r) or offset is None:
            continue
        m = ENGINE.match(r.get("threadName", ""))
        e = out.setdefault(m.group(1) if m else "this engine", {"min_us": offset, "max_us": offset, "corrected": 0})
        e["offset_us"], e["uncertainty_us"] = offset, as_int(r.get("MQTT_CLOCK_UNCERTAINTY_US"))
        e["min_us"], e["max_us"] = min(e["min_us"], offset), max(e["max_us"], offset)
        e["corrected"] += as_int(r.get("MQTT_CLOCK_CORRECTED"), 0)
    return out


STOPPED = re.compile(r"stopped: \d+ publisher stream\(s\) of engine \w+ .*?not counted as lost")
# an engine whose results end this long before the others' did not finish the run with them
ENGINE_BEHIND_MS = 10000


def engines(rows):
    """Per JMeter engine of a distributed run (threadName host:port-...): its samples, when its last one ended and, when
    that is over ENGINE_BEHIND_MS before the run's last, by how many seconds (behind_s; else None): an engine that dies
    mid-run (a killed jmeter-server) sends none of the results it still held. Empty for a run on one engine."""
    out = OrderedDict()
    for r in rows:
        m = ENGINE.match(r.get("threadName", ""))
        if not m:
            continue
        e = out.setdefault(m.group(1), {"samples": 0, "last_end_ms": 0, "behind_s": None})
        e["samples"] += 1
        e["last_end_ms"] = max(e["last_end_ms"], as_int(r.get("timeStamp"), 0) + as_int(r.get("elapsed"), 0))
    if len(out) > 1:
        end = max(e["last_end_ms"] for e in out.values())
        for e in out.values():
            if end - e["last_end_ms"] > ENGINE_BEHIND_MS:
                e["behind_s"] = round((end - e["last_end_ms"]) / 1000.0, 1)
    return out


def is_ok(row):
    return (row.get("success") or "").strip().lower() == "true"


def sample_count(row):
    """Messages of a sample: a Subscribe batch's or a Responder sample's true count (JTLs of versions before
    December 2026 say SampleCount 1 for an empty one), else SampleCount."""
    if is_subscribe(row):
        return as_int(row.get("MQTT_SUB_RECEIVED"), 0)
    if is_responder(row):
        return as_int(row.get("MQTT_RSP_ANSWERED"), 0) + as_int(row.get("MQTT_RSP_UNANSWERABLE"), 0)
    return as_int(row.get("SampleCount"), 1)


def summarize(rows):
    """A dict of figures for the rows of one JTL."""
    out = OrderedDict()
    out["samples"] = len(rows)
    out["messages"] = sum(sample_count(r) for r in rows)
    out["errors"] = sum(1 for r in rows if not is_ok(r))
    if rows:
        start = min(as_int(r["timeStamp"], 0) for r in rows)
        end = max(as_int(r["timeStamp"], 0) + as_int(r["elapsed"], 0) for r in rows)
        out["duration_s"] = max(end - start, 1) / 1000.0
    else:
        out["duration_s"] = 0.0
    labels = OrderedDict()
    for r in rows:
        lab = labels.setdefault(r.get("label", "?"), {"samples": 0, "messages": 0, "errors": 0})
        lab["samples"] += 1
        lab["messages"] += sample_count(r)
        lab["errors"] += 0 if is_ok(r) else 1
    out["labels"] = labels

    subs = [r for r in rows if is_subscribe(r)]
    received = sum(as_int(r["MQTT_SUB_RECEIVED"], 0) for r in subs)
    out["sub_received"] = received if subs else None

    def weighted(col):
        pairs = [(as_int(r.get(col)), as_int(r["MQTT_SUB_RECEIVED"], 0)) for r in subs]
        pairs = [(v, w) for v, w in pairs if v is not None and w > 0]
        tot = sum(w for _, w in pairs)
        return round(sum(v * w for v, w in pairs) / tot) if tot else None

    def maxof(col):
        vals = [as_int(r.get(col)) for r in subs]
        vals = [v for v in vals if v is not None]
        return max(vals) if vals else None

    def total(col):
        vals = [as_int(r.get(col)) for r in subs]
        vals = [v for v in vals if v is not None]
        return sum(vals) if vals else None

    out["sub_mean_us"] = weighted("MQTT_SUB_MEAN_US")
    out["sub_p50_us"] = weighted("MQTT_SUB_P50_US")
    out["sub_p99_us"] = maxof("MQTT_SUB_P99_US")
    out["sub_max_us"] = maxof("MQTT_SUB_MAX_US")
    # Per-sample figures add up; the running totals count once per subscriber, from its last
    # sample: that one includes the tail (sent after the last message that arrived, never came).
    last = OrderedDict()
    for r in subs:
        last[(r.get("threadName", ""), r.get("label", ""))] = r
    finals = list(last.values())

    def final(col, fallback):
        vals = [as_int(r.get(col)) for r in finals]
        if any(v is not None for v in vals):
            return sum(v for v in vals if v is not None)
        return total(fallback) if fallback else None

    out["sub_lost"] = final("MQTT_SUB_LOST_TOTAL", "MQTT_SUB_LOST")
    out["sub_lost_tail"] = final("MQTT_SUB_PENDING", None)
    out["sub_duplicates"] = final("MQTT_SUB_DUPLICATES_TOTAL", "MQTT_SUB_DUPLICATES")
    out["sub_out_of_order"] = total("MQTT_SUB_OUT_OF_ORDER")
    # "<publisher id>:<missing> ..." from each subscriber's last sample
    out["sub_shortfall"] = [
        "%s %s: %s" % (r.get("threadName", ""), r.get("label", ""), r["MQTT_SUB_SHORTFALL"].strip())
        for r in finals if (r.get("MQTT_SUB_SHORTFALL") or "").strip() not in ("", "null")
    ]
    # streams of other engines that stopped mid-run without an end marker (their engine ended or died): named by the
    # subscriber's last sample, apart from loss
    out["sub_stopped"] = [
        "%s %s: %s" % (r.get("threadName", ""), r.get("label", ""), "; ".join(STOPPED.findall(r["responseMessage"])))
        for r in finals if STOPPED.search(r.get("responseMessage") or "")
    ]
    pubs = [r for r in rows if is_publish(r)]
    out["pub_sent"] = sum(as_int(r["MQTT_PUB_SENT"], 0) for r in pubs) if pubs else None
    out["pub_intended"] = sum(as_int(r["MQTT_PUB_INTENDED"], 0) for r in pubs) if pubs else None
    if pubs:
        start = min(as_int(r["timeStamp"], 0) for r in pubs)
        end = max(as_int(r["timeStamp"], 0) + as_int(r["elapsed"], 0) for r in pubs)
        out["pub_rate"] = round(out["pub_sent"] * 1000.0 / max(end - start, 1), 1)
    else:
        out["pub_rate"] = None
    lagged = [(as_int(r.get("MQTT_PUB_LAG_P50_US")), as_int(r.get("MQTT_PUB_LAG_P99_US")),
               as_int(r["MQTT_PUB_SENT"], 0)) for r in pubs]
    lagged = [t for t in lagged if t[0] is not None and t[1] is not None]
    weight = sum(w for _, _, w in lagged)
    out["pub_lag_p50_us"] = round(sum(p * w for p, _, w in lagged) / weight) if weight else None
    out["pub_lag_p99_us"] = max(p for _, p, _ in lagged) if lagged else None
    out["requests"] = request_figures(rows)
    out["broker"] = broker_peaks(rows)
    out["per_broker"] = per_broker(rows)
    out["clock"] = clock_offsets(rows)
    out["engines"] = engines(rows)
    out["error_messages"] = [
        "%s: %s %s" % (r.get("label"), r.get("responseCode"), r.get("responseMessage"))
        for r in rows if not is_ok(r)
    ]
    return out


# --- exclusion windows and the rate finder's steps ---------------------------------------------------------------
# Options: --warmup D and --rampdown D leave the run's first / last D out (D: 10s, 500ms, 2m, or seconds); --from T
# and --to T set the window's ends themselves (T: epoch seconds or milliseconds, or a local date-time such as
# 2024-05-01T12:00:05.250). A row counts when its timeStamp (the sample's start, as JMeter saves it with
# sampleresult.timestamp.start=true) is inside the window: the rule JMeter's report generator applies to its
# jmeter.reportgenerator.start_date/end_date, which --report-range prints for `jmeter -g JTL -o DIR ...`.

WINDOW_OPTIONS = ("--warmup", "--rampdown", "--from", "--to")
REPORT_DATE_FORMAT = "yyyyMMddHHmmssSSS"


def parse_duration(text):
    """'10s', '500ms', '2m', '1.5' (seconds) -> milliseconds (int); ValueError naming the text otherwise."""
    t = text.strip().lower()
    for suffix, scale in (("ms", 1), ("s", 1000), ("m", 60000), ("h", 3600000)):
        if t.endswith(suffix) and t[:-len(suffix)].replace(".", "", 1).isdigit():
            return int(round(float(t[:-len(suffix)]) * scale))
    if t.replace(".", "", 1).isdigit():
        return int(round(float(t) * 1000))
    raise ValueError("not a duration: %r (e.g. 10s, 500ms, 2m)" % text)


def parse_instant(text):
    """Epoch seconds or milliseconds, or a local ISO date-time ('2024-05-01T12:00:05', '2024-05-01 12:00:05.250')
    -> epoch milliseconds (int); ValueError naming the text otherwise."""
    import datetime
    t = text.strip()
    if t.replace(".", "", 1).isdigit():
        v = float(t)
        return int(round(v if v >= 1e11 else v * 1000))
    try:
        return int(round(datetime.datetime.fromisoformat(t.replace(" ", "T")).timestamp() * 1000))
    except ValueError:
        raise ValueError("not an instant: %r (epoch seconds or milliseconds, or e.g. 2024-05-01T12:00:05)" % text)


def parse_options(argv):
    """(positional arguments, {option: value}) of the command line; --opt VALUE and --opt=VALUE both read."""
    args, opts, i = [], {}, 1
    while i < len(argv):
        a = argv[i]
        name, eq, value = a.partition("=")
        if name in WINDOW_OPTIONS:
            if not eq:
                i += 1
                if i >= len(argv):
                    raise ValueError("%s needs a value" % name)
                value = argv[i]
            opts[name] = value
        elif a.startswith("--"):
            opts[a] = True
        else:
            args.append(a)
        i += 1
    return args, opts


def exclusion_window(rows, warmup_ms=0, rampdown_ms=0, start_ms=None, end_ms=None):
    """(start, end) in epoch ms of the part of the run that counts: from the first sample's start plus the warm-up
    (or start_ms) to the last sample's end less the ramp-down (or end_ms); None without rows."""
    if not rows:
        return None
    first = min(as_int(r.get("timeStamp"), 0) for r in rows)
    last = max(as_int(r.get("timeStamp"), 0) + as_int(r.get("elapsed"), 0) for r in rows)
    start = max(first + warmup_ms, start_ms if start_ms is not None else first)
    end = min(last - rampdown_ms, end_ms if end_ms is not None else last)
    return start, end


def in_window(rows, window):
    """The rows whose timeStamp lies within the window (inclusive, as JMeter's report generator keeps them)."""
    start, end = window
    return [r for r in rows if start <= as_int(r.get("timeStamp"), 0) <= end]


def window_from_options(rows, opts):
    """The window the options ask for, or None when they ask for none."""
    if not any(k in opts for k in WINDOW_OPTIONS):
        return None
    return exclusion_window(
        rows,
        warmup_ms=parse_duration(opts["--warmup"]) if "--warmup" in opts else 0,
        rampdown_ms=parse_duration(opts["--rampdown"]) if "--rampdown" in opts else 0,
        start_ms=parse_instant(opts["--from"]) if "--from" in opts else None,
        end_ms=parse_instant(opts["--to"]) if "--to" in opts else None)


def report_date(ms):
    """Epoch ms -> local 'yyyyMMddHHmmssSSS', as JMeter parses jmeter.reportgenerator.start_date/end_date."""
    import time
    return time.strftime("%Y%m%d%H%M%S", time.localtime(ms // 1000)) + "%03d" % (ms % 1000)


def report_range(window):
    """The JMeter properties that give the HTML dashboard the same window (-J options, local time)."""
    start, end = window
    return ["-Jjmeter.reportgenerator.date_format=" + REPORT_DATE_FORMAT,
            "-Jjmeter.reportgenerator.start_date=" + report_date(start),
            "-Jjmeter.reportgenerator.end_date=" + report_date(end)]


RATE_MESSAGE = re.compile(r"^Rate step \d+ at ")
RATE_LIMITS = {"broker": "the broker's", "load_generator": "ours (the load generator's), not the broker's",
               "inflight_window": "ours (the publishers' in-flight windows), not the broker's",
               "max_rate": "none found: the maximum rate held"}


def is_rate_finder(row):
    """A Rate Finder step (its MQTT_RATE_* values repeat on the thread's later samples: picked by message)."""
    return as_int(row.get("MQTT_RATE_STEP")) is not None and bool(RATE_MESSAGE.match(row.get("responseMessage", "")))


def rate_finder_searches(rows):
    """The rate finder's searches: per (thread, element) a list of searches, each a list of step rows in order (a
    step numbered 1 starts a new search)."""
    out = OrderedDict()
    for r in rows:
        if not is_rate_finder(r):
            continue
        searches = out.setdefault((r.get("threadName", ""), r.get("label", "")), [])
        if not searches or as_int(r.get("MQTT_RATE_STEP")) == 1:
            searches.append([])
        searches[-1].append(r)
    return out


def print_rate_finder(rows):
    """The step table of every search of the rows, and what each concluded."""
    def cell(r, col, scale=None, digits=0):
        v = as_float(r.get(col))
        if v is None:
            return "-"
        v = v / scale if scale else v
        return "{:,.{}f}".format(v, digits)

    for (thread, label), searches in rate_finder_searches(rows).items():
        for steps in searches:
            print("  rate finder  %s (%s): %d step(s)" % (label, thread, len(steps)))
            print("    %4s  %10s  %10s  %10s  %8s  %8s  %8s  %8s  %6s  %7s  %s"
                  % ("step", "offered/s", "sent/s", "recv/s", "p50 ms", "p99 ms", "lost", "lag p99", "drops",
                     "io busy", "result"))
            for r in steps:
                broke = (r.get("MQTT_RATE_BROKE") or "").strip()
                busy = cell(r, "MQTT_RATE_ENGINE_BUSY")
                print("    %4s  %10s  %10s  %10s  %8s  %8s  %8s  %8s  %6s  %7s  %s"
                      % (r.get("MQTT_RATE_STEP"), cell(r, "MQTT_RATE_OFFERED"), cell(r, "MQTT_RATE_SENT_PER_S"),
                         cell(r, "MQTT_RATE_RECEIVED_PER_S"), cell(r, "MQTT_RATE_P50_US", 1000.0, 2),
                         cell(r, "MQTT_RATE_P99_US", 1000.0, 2), cell(r, "MQTT_RATE_LOST"),
                         cell(r, "MQTT_RATE_LAG_P99_US", 1000.0, 2), cell(r, "MQTT_RATE_BROKER_DROPPED"),
                         busy + " %" if busy != "-" else busy, "broke: " + broke if broke else "held"))
            last = steps[-1]
            held, bad = cell(last, "MQTT_RATE_MAX_OK"), cell(last, "MQTT_RATE_FIRST_BAD")
            if as_int(last.get("MQTT_RATE_DONE")) == 1:
                limit = (last.get("MQTT_RATE_LIMIT") or "").strip()
                print("    highest rate held %s%s; limit: %s"
                      % ("none" if held == "-" else held + " msg/s",
                         "" if bad == "-" else ", lowest broken %s msg/s" % bad,
                         RATE_LIMITS.get(limit, limit or "n/a")))
            else:
                print("    not finished: highest rate held so far %s msg/s" % held)


def apply_options(rows, opts):
    """The rows the options keep, and the window (None without one); prints what the window is."""
    window = window_from_options(rows, opts)
    if window is None:
        return rows, None
    kept = in_window(rows, window)
    print("window       %s to %s (%.2f s): %d of %d samples"
          % (report_date(window[0]), report_date(window[1]), max(window[1] - window[0], 0) / 1000.0,
             len(kept), len(rows)))
    if "--report-range" in opts:
        print("dashboard    jmeter -g JTL -o DIR " + " ".join(report_range(window)))
    return kept, window
# --- end of exclusion windows and the rate finder's steps --------------------------------------------------------


def fmt(v, unit=""):
    return "n/a" if v is None else "%s%s" % (v, unit)


def main(argv):
    try:
        args, opts = parse_options(argv)
        if len(args) != 1:
            raise ValueError("one JTL file expected")
        rows, window = apply_options(read_jtl(args[0]), opts)
    except ValueError as e:
        print("%s\n\n%s" % (e, __doc__.strip()), file=sys.stderr)
        return 2
    s = summarize(rows)
    if window is not None:
        s["duration_s"] = max(window[1] - window[0], 1) / 1000.0
    rate = s["messages"] / s["duration_s"] if s["duration_s"] else 0.0
    print("mqttload summary (%s)" % args[0])
    print("  samples      %d" % s["samples"])
    print("  messages     %d  (sum of SampleCount)" % s["messages"])
    print("  messages/s   %.1f  over %.2f s" % (rate, s["duration_s"]))
    for label, v in s["labels"].items():
        print("    %-24s samples %6d  messages %8d  errors %d" % (label, v["samples"], v["messages"], v["errors"]))
    if s["sub_received"] is not None:
        print("  subscribe    received %d  latency mean %s  p50 %s  p99 %s  max %s"
              % (s["sub_received"], fmt(s["sub_mean_us"], " us"), fmt(s["sub_p50_us"], " us"),
                 fmt(s["sub_p99_us"], " us"), fmt(s["sub_max_us"], " us")))
        print("               (p50 = mean of batch p50s weighted by messages; p99/max = worst batch)")
        print("               lost %s (of which %s after the last message received)  duplicates %s"
              "  out-of-order %s"
              % (fmt(s["sub_lost"]), fmt(s["sub_lost_tail"]), fmt(s["sub_duplicates"]),
                 fmt(s["sub_out_of_order"])))
        if s["sub_lost"] is not None and s["sub_received"] + s["sub_lost"] > 0:
            # rounded down, as MQTT_SUB_ARRIVAL_RATE: any loss reads below 1
            arrival = (s["sub_received"] * 10**6 // (s["sub_received"] + s["sub_lost"])) / 10**6
            print("               arrival %.6f  (received / (received + lost), tail included)" % arrival)
        for m in s["sub_shortfall"][:10]:
            print("               missing from publishers (id:count): " + m)
        for m in s["sub_stopped"][:10]:
            print("               streams that stopped (not loss: no end marker came): " + m)
    if s["pub_sent"] is not None:
        print("  publish      sent %d of %d intended  send rate %s  (over the Publish samples' span)"
              % (s["pub_sent"], s["pub_intended"], fmt(s["pub_rate"], " msg/s")))
        if s["pub_lag_p50_us"] is not None:
            print("               paced schedule lag p50 %s  p99 %s  (p50 weighted by messages; p99 = worst sample)"
                  % (fmt(s["pub_lag_p50_us"], " us"), fmt(s["pub_lag_p99_us"], " us")))
    q = s["requests"]
    if q and "sent" in q:
        print("  request      sent %d  replied %d  timeouts %d  check failed %d  late %d  duplicates %d  unmatched %d"
              % (q["sent"], q["matched"], q["timeouts"], q["check_failed"], q["late"], q["duplicates"],
                 q["unmatched"]))
        print("               round trip p50 %s  p99 %s  max %s  (p50 weighted by replies; p99/max = worst sample)"
              % (fmt(q["rtt_p50_us"], " us"), fmt(q["rtt_p99_us"], " us"), fmt(q["rtt_max_us"], " us")))
    if q and "answered" in q:
        print("  responder    answered %d  unanswerable %d" % (q["answered"], q["unanswerable"]))
    b = s["broker"]
    if b["samples"]:
        def num(v, unit=""):
            return "n/a" if v is None else "{:,.0f}{}".format(v, unit)
        print("  broker       peak clients %s  peak msgs in %s  out %s  (%d Broker Statistics samples)"
              % (num(b["clients"]), num(b["msgs_in_per_s"], "/s"), num(b["msgs_out_per_s"], "/s"), b["samples"]))
    if s["per_broker"]:
        print("  brokers      " + ", ".join("%s %d connected%s" % (b, c["connected"],
                                                                   " %d failed" % c["failed"] if c["failed"] else "")
                                            for b, c in s["per_broker"].items()))
    print_rate_finder(rows)
    for engine, c in s["clock"].items():
        print("  clock        %s  offset %+.3f ms within %s ms of the reference's (last sample; %+.3f to %+.3f ms over"
              " the run)  latencies corrected %d"
              % (engine, c["offset_us"] / 1000.0, "n/a" if c["uncertainty_us"] is None else
                 "%.3f" % (c["uncertainty_us"] / 1000.0), c["min_us"] / 1000.0, c["max_us"] / 1000.0, c["corrected"]))
    for engine, e in s["engines"].items():
        if e["behind_s"] is not None:
            print("  engines      %s: its results end %.1f s before the run's (%d samples): the engine ended early"
                  " or was lost (one that dies takes the results it had not sent yet with it)"
                  % (engine, e["behind_s"], e["samples"]))
    print("  errors       %d" % s["errors"])
    for m in s["error_messages"][:5]:
        print("    " + m)
    if s["errors"] and "--fail-on-error" in argv:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
