# mqttload: JMeter MQTT load-testing plugin with a Rust engine.
#
#   make build   plugin jar (cargo + javac; this machine's native library only) and a JMeter 5.6.3 in
#                target/jmeter with the plugin in lib/ext
#   make demo    build, start an embedded broker (or use MQTT_BROKER=host:port), run examples/quickstart.jmx
#   make docs    the reference tables of docs/ rewritten from the settings description (contract/)
#   make dashboard-picture  docs/images/dashboard.png: the Grafana dashboard drawn from a real run (Prometheus)
#   make screenshots  docs/images/elements/: every element's GUI, as the docs show it
#   make test    rustfmt, clippy, cargo test, Java unit tests, the multi-platform jar (as `make platforms`),
#                the engine's unit tests for linux-aarch64 under qemu-user, end-to-end tests (JMeter + Mosquitto)
#   make bench   throughput (engine alone vs through JMeter), the 3.x in-flight window's cost, connections (TCP/TLS/WS/WSS
#                connects/s, memory), per-sample cost against JMeter's floor, side by side with the XMeter plugin
#                (make bench-xmeter: built from its source when it can be had, else skipped saying why)
#   make bench-paced  paced publishing's schedule lag: 10,000 connections each every 10 s (PACED_* to change)
#   make bench-identities  10,000 connections with and without a user name, password or certificate per device
#   make bench-results  JMeter's cost per sample with its default result settings and with ours, side by side
#   make bench-metrics  the live metrics' cost: throughput and 19,000 idle connections, endpoint off and on
#   make bench-request  request/response: 10,000 devices each answering a request every 10 s (REQ_* to change)
#   make bench-restart  a broker restart under 10,000 devices: time to full recovery, the reconnect storm, no QoS 1 loss
#   make rate-finder  the MQTT Rate Finder against a stock and a tuned Mosquitto: each step's figures, whose limit
#   make fuzz    cargo-fuzz targets decode_v311, decode_v5, session_inbound, template, sys_figures (nightly; not in
#                CI) and the XMeter migration's JUnit fuzzer (migration), FUZZ_SECONDS (1800) each; one target:
#                make fuzz FUZZ_TARGET=template FUZZ_SECONDS=600; make fuzz-smoke: 20 s each
#   make soak    SOAK_MINUTES (30) of steady load with connections churning; RSS and open files per minute,
#                fails unless both stay within 5 % after warm-up (not in CI)
#   make dist    the release archive target/archive/mqttload-<version>.zip: the jar, mqttload.properties, the examples,
#                summarize.py, the Grafana dashboard, INSTALL (unpacks into JMeter's home; `make platforms` first)
#   make platforms       the release jar: a library per shipped platform (Linux x86-64/aarch64 for glibc >= 2.17,
#                        Windows x86-64; tools/build/build-native.sh), and target/jmeter with it
#   make test-platforms  the Rust unit tests built for linux-aarch64 (under qemu-user) and windows-x86_64 (under wine)
#   make clean   remove target/ (cargo's and Maven's output, the provisioned JMeter)

SHELL   := /bin/bash
MVN     ?= mvn
MVNFLAGS ?= -B -ntp
CARGO   ?= cargo
PYTHON  ?= python3
VERSION := $(shell sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)
JAR     := target/mqttload-jmeter-$(VERSION).jar
JMETER  := target/jmeter/bin/jmeter
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 3
FUZZ_TARGET ?= decode_v311 decode_v5 session_inbound template sys_figures migration
FUZZ_SECONDS ?= 1800
SOAK_MINUTES ?= 30

.PHONY: platforms test-platforms test-aarch64
.PHONY: docs dashboard-picture dist dist-archive screenshots
.PHONY: all build jar jmeter demo-broker demo test deps test-rust fmt-check clippy cargo-test test-java test-e2e bench bench-engine bench-throughput bench-inflight bench-connections bench-per-sample bench-xmeter bench-results bench-scale fleet fuzz fuzz-smoke fuzz-seeds soak soak-fleet clean

all: build

## build: plugin jar + provisioned JMeter with the plugin in lib/ext
build: jar jmeter

jar:
	$(MVN) $(MVNFLAGS) -q package -DskipTests

# JMeter 5.6.3 from Maven Central into target/jmeter, then our jar into target/jmeter/lib/ext
jmeter:
	$(MVN) $(MVNFLAGS) -q -f tools/build/jmeter/pom.xml package
	@test -x $(JMETER)
	@ls target/jmeter/lib/ext/mqttload-jmeter-*.jar >/dev/null 2>&1 \
	  && echo "JMeter ready: $(JMETER) (plugin: $$(ls target/jmeter/lib/ext/mqttload-jmeter-*.jar))" \
	  || echo "JMeter ready: $(JMETER) (WARNING: no plugin jar in target/ to put in lib/ext)"

# rumqttd (crates.io) in its own workspace and target dir: the plugin's build never compiles it
demo-broker:
	$(CARGO) build -q --release --locked --manifest-path tools/build/demo-broker/Cargo.toml --target-dir target/demo-broker

## demo: quickstart plan against an embedded rumqttd broker (or MQTT_BROKER=host:port)
demo: build
	@if [ -z "$$MQTT_BROKER" ]; then $(MAKE) --no-print-directory demo-broker; fi
	tools/build/demo.sh

## test: everything CI runs (first installs what is missing: tools/build/install-deps.sh), on the jar that ships
## (every platform's library), with the engine's unit tests also run for linux-aarch64 under qemu-user
test: deps fmt-check clippy cargo-test test-java dist-archive test-aarch64 test-e2e
test: export MQTTLOAD_REQUIRE_PLATFORMS = 1

deps:
	@bash tools/build/install-deps.sh platforms

test-rust: fmt-check clippy cargo-test

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy -p mqttload -p mqttload-testkit --all-targets -- -D warnings

# the fuzz targets' smoke (their seeds and mutations of them, on stable Rust; `make fuzz` searches) shares
# the workspace's build directory, so only the harness is compiled again
cargo-test:
	$(CARGO) test -p mqttload
	$(CARGO) test --manifest-path native/fuzz/Cargo.toml --target-dir target --lib

# The GUI tests need a display: without one they run under xvfb-run (Debian's xvfb), if it is there; with
# neither, the GUI screenshot test is skipped.
# (= not :=: decided when the Java tests run, after `deps` has installed xvfb on a fresh machine)
XVFB_RUN = $(if $(DISPLAY),,$(shell command -v xvfb-run >/dev/null 2>&1 && echo xvfb-run -a -s \"-screen 0 1280x1024x24\"))

# Java unit tests run inside the package build (which also cross-builds every platform's library and the jar);
# the GUI test leaves screenshots of every element in target/gui-screenshots/
test-java:
	$(XVFB_RUN) $(MVN) $(MVNFLAGS) package -Dplatforms
	$(MAKE) --no-print-directory jmeter

# the engine's unit tests (--lib) built for linux-aarch64, run under qemu-user (reuses test-java's aarch64 build)
test-aarch64:
	tools/build/test-cross.sh linux-aarch64

# on PYTEST_WORKERS processes (pytest-xdist; 1 for one at a time): most of a JMeter run is its JVM starting
# up on one core or waiting, so on two cores three runs side by side take little longer than one (the suite:
# 16 min one at a time, 7 min with two, under 6 with three)
test-e2e:
	@test -x $(JMETER) && test -f $(JAR) || $(MAKE) --no-print-directory build
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -p no:cacheprovider $(if $(filter-out 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist worksteal) tests/ $(PYTEST_ARGS)

## docs: the reference tables of docs/ (settings, variables) rewritten from contract/*.json
docs:
	$(MVN) $(MVNFLAGS) -q test -Dskip.cargo=true -Dtest=ReferenceTest -Dmqttload.writeReference=true \
	  -Dsurefire.failIfNoSpecifiedTests=false

## dashboard-picture: docs/images/dashboard.png, the Grafana dashboard drawn from a real run's Prometheus data
## (tests/test_metrics.py at PICTURE_DEVICES devices for PICTURE_DURATION_S s; tools/docs/dashboard_picture.py)
dashboard-picture: build
	@bash tools/build/install-deps.sh pictures
	mkdir -p docs/images
	MQTTLOAD_DASHBOARD_PICTURE=$(CURDIR)/docs/images/dashboard.png \
	  MQTTLOAD_PICTURE_DEVICES=$(or $(PICTURE_DEVICES),2000) MQTTLOAD_PICTURE_DURATION_S=$(or $(PICTURE_DURATION_S),90) \
	  PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -p no:cacheprovider tests/test_metrics.py

## screenshots: docs/images/elements/, each element's tabs in JMeter's look with a new element's values, and the
## texts each shows (the screenshot test fails when a GUI's fields change and its picture was not taken again)
screenshots:
	@bash tools/build/install-deps.sh
	$(XVFB_RUN) $(MVN) $(MVNFLAGS) -q test -Dskip.cargo=true -Dtest=GuiScreenshotTest -Dmqttload.writeScreenshots=true \
	  -Dsurefire.failIfNoSpecifiedTests=false
	@test -n "$$(ls docs/images/elements/*.png 2>/dev/null)" || { echo "screenshots: none taken (no display, no xvfb-run?)"; exit 1; }

## dist: the release archive, target/archive/mqttload-<version>.zip (JMeter-home paths: the jar in lib/ext, the
## results settings, examples and tools under bin/, MQTTLOAD-INSTALL.txt), from the jar `make platforms` builds
dist: platforms dist-archive

dist-archive:
	$(PYTHON) tools/build/dist.py

## platforms: the jar with every shipped platform's library (what CI tests and a release ships)
platforms:
	@bash tools/build/install-deps.sh platforms
	$(MVN) $(MVNFLAGS) -q package -DskipTests -Dplatforms
	$(MAKE) --no-print-directory jmeter

## test-platforms: the engine's unit tests (--lib) for linux-aarch64 under qemu-user and windows-x86_64 under wine
## (not in `make test`: wine is a large install and the Windows test build adds minutes)
test-platforms:
	@bash tools/build/install-deps.sh platforms wine
	tools/build/test-cross.sh

# every benchmark one after the other, then all their tables in one summary (tools/bench/all.py)
bench: build bench-engine
	$(PYTHON) tools/bench/all.py

bench-engine:
	$(CARGO) build --release -p mqttload-testkit --bin mqttload-bench

# MESSAGES per QoS run (default 1000000: shorter runs measure the JVM's JIT warming up)
bench-throughput: build bench-engine
	$(PYTHON) tools/bench/run.py $(MESSAGES)

# the 3.x in-flight window (auto 20) against 65,535 at QoS 1 and 2, side by side (MESSAGES per run, default 50000)
bench-inflight: bench-engine
	target/release/mqttload-bench inflight $(MESSAGES)

# CONNECTIONS per protocol (default 5000): connects/s and KiB per idle connection, then one connection's QoS 1
# throughput and CPU per message per protocol (THROUGHPUT_MESSAGES, default 200000; 0: none)
bench-connections: bench-engine
	$(PYTHON) tools/bench/connections.py $(CONNECTIONS)

# the live metrics' cost: JMeter throughput (MESSAGES, default 1000000) and CONNECTIONS (19000) idle connections,
# the Prometheus endpoint off and on (scraped every second), side by side
.PHONY: bench-metrics
bench-metrics: build bench-engine
	$(PYTHON) tools/bench/metrics_cost.py $(or $(MESSAGES),1000000) $(or $(CONNECTIONS),19000)

# per-device identities: CONNECTIONS (10000) per case, with and without a user name, password or client certificate
# per connection, side by side (connects/s, KiB per idle connection)
.PHONY: bench-identities
bench-identities: bench-engine
	$(PYTHON) tools/bench/identities.py $(or $(CONNECTIONS),10000)

# paced publishing: PACED_CONNECTIONS (10000) each publishing every PACED_INTERVAL_MS (10000) for PACED_SECONDS (30),
# at PACED_QOS (0), one group against a Mosquitto of its own: the schedule's lag p50/p99/max and the achieved rate
.PHONY: bench-paced
bench-paced: bench-engine
	target/release/mqttload-bench paced $(or $(PACED_CONNECTIONS),10000) $(or $(PACED_INTERVAL_MS),10000) \
	  $(or $(PACED_SECONDS),30) $(or $(PACED_QOS),0)

# a round-robin Publish sample's cost (one QoS 0 message) in groups of 1, 100, 1,000 and 5,000 connections, the
# engine alone; RR_SAMPLES (50000) per size
.PHONY: bench-round-robin
bench-round-robin: bench-engine
	target/release/mqttload-bench round-robin $(or $(RR_SAMPLES),50000)

# request/response: REQ_DEVICES (10000) device connections answering (MQTT Responder) the requests of a commander
# (MQTT Request) that addresses each device every REQ_INTERVAL_MS (10000) for REQ_SECONDS (30), at REQ_QOS (1), over
# REQ_COMMANDERS (1) connections; one process (the engine alone) against a Mosquitto of its own: requests, matched,
# timeouts, round trip p50/p90/p99/max, CPU and memory with the load average beside them
.PHONY: bench-request
bench-request:
	$(CARGO) build --release -p mqttload-testkit --bin mqttload-bench-request
	target/release/mqttload-bench-request $(or $(REQ_DEVICES),10000) $(or $(REQ_INTERVAL_MS),10000) \
	  $(or $(REQ_SECONDS),30) $(or $(REQ_QOS),1) $(or $(REQ_COMMANDERS),1)

# SCALE_ENGINES jmeter-server engines x SCALE_PER_ENGINE connections held SCALE_HOLD s (default 6 x 17000, 60 s):
# JMeter's distributed mode on loopback, a Mosquitto per engine (not part of `make bench`: it takes the machine)
# COUNT=N instead: as many engines of at most 17,000 as N needs, held SCALE_HOLD s (default 300)
bench-scale: build
	$(PYTHON) tools/bench/scale.py $(if $(COUNT),--count $(COUNT) $(or $(SCALE_HOLD),300),$(or $(SCALE_ENGINES),6) $(or $(SCALE_PER_ENGINE),17000) $(or $(SCALE_HOLD),60))

# examples/device-fleet.jmx at DEVICES (default 10000) devices, PER_THREAD per JMeter thread (1000), DURATION_S (60)
# of telemetry every INTERVAL_MS (10000) against a stock-limits Mosquitto; dashboard in target/fleet/report/
fleet: build
	$(PYTHON) tools/bench/fleet.py $(or $(DEVICES),10000) $(or $(PER_THREAD),1000) $(or $(DURATION_S),60) $(or $(INTERVAL_MS),10000)

# a broker restart under a fleet: tests/test_broker_restart.py at RESTART_DEVICES (10000) devices, RESTART_PER_THREAD
# (1000) per thread, RESTART_CONNECT_RATE (1000/s), telemetry every RESTART_INTERVAL_MS (10000) for RESTART_DURATION_MS
# (60000), Mosquitto stopped and started again after 10 s; the time to full recovery, the reconnect storm against the
# connect rate and handshake limit, loss, and the load average (tools/bench/restart.py)
.PHONY: bench-restart
bench-restart: build
	$(PYTHON) tools/bench/restart.py $(or $(RESTART_DEVICES),10000) $(or $(RESTART_PER_THREAD),1000) \
	  $(or $(RESTART_CONNECT_RATE),1000) $(or $(RESTART_INTERVAL_MS),10000) $(or $(RESTART_DURATION_MS),60000)

# the rate finder's measured run: examples/rate-finder.jmx against a Mosquitto with its stock configuration and one as the
# tests run it (RF_BROKERS=stock|tuned|both), $SYS every second; each step's figures and the load average (RF_* change
# the plan's properties, see tools/bench/ratefinder.py)
.PHONY: rate-finder
rate-finder: build
	$(PYTHON) tools/bench/ratefinder.py $(or $(RF_BROKERS),both)

# per-sample cost through JMeter against its floor (a Java Request doing nothing); SAMPLES (default 200000)
## bench-results: JMeter's cost per sample with its default result settings, jmeter-test.properties and
## mqttload.properties, side by side (SAMPLES, ROUNDS)
bench-results: build
	$(PYTHON) tools/bench/results_cost.py $(or $(SAMPLES),400000) $(or $(ROUNDS),3)

bench-per-sample: build
	$(PYTHON) tools/bench/per_sample.py $(SAMPLES)

# side by side with the XMeter plugin 2.0.2, built from its source into target/bench-scratch/xmeter (XMETER_SRC: a
# clone of it; XMETER_JAR: its built jar); XMETER_MESSAGES (200000) per run, XMETER_ROUNDS (3) interleaved rounds
bench-xmeter: build
	$(PYTHON) tools/bench/xmeter.py

## fuzz: each of FUZZ_TARGET for FUZZ_SECONDS on one core (installs cargo-fuzz when missing);
## prints executions and exec/s per target, exits non-zero on a crash (native/fuzz/artifacts/)
fuzz:
	MVN="$(MVN)" CARGO="$(CARGO)" tools/test/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGET)

fuzz-smoke:
	MVN="$(MVN)" CARGO="$(CARGO)" tools/test/fuzz/run.sh 20 $(FUZZ_TARGET)

# rewrites the committed seeds, native/fuzz/corpus/<target>/seed-*
fuzz-seeds:
	$(CARGO) +nightly run -q --manifest-path native/fuzz/Cargo.toml --example seeds

## soak: SOAK_MINUTES of steady load with churn against a Mosquitto of its own (installed when missing)
soak:
	@{ [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1; } \
	  || { apt-get update && apt-get install -y --no-install-recommends mosquitto </dev/null; }
	$(CARGO) build --release -p mqttload-testkit --bin mqttload-soak
	$(PYTHON) tools/bench/soak.py $(SOAK_MINUTES)

## soak-fleet: SOAK_MINUTES (default 120) of a device fleet against a stock-limits Mosquitto: SOAK_DEVICES (10,000)
## devices, QoS 1 telemetry every SOAK_INTERVAL_S (10) s, SOAK_CHURN_PCT (1) % churned a minute, commands answered;
## memory, open files and threads every minute within SOAK_TOLERANCE (2 %) after the warm-up, nothing lost
soak-fleet:
	@{ [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1; } \
	  || { apt-get update && apt-get install -y --no-install-recommends mosquitto </dev/null; }
	$(CARGO) build --release -p mqttload-testkit --bin mqttload-soak-fleet
	$(PYTHON) tools/bench/soak.py --fleet $(SOAK_MINUTES)

clean:
	-$(CARGO) clean
	rm -rf target
