package io.mqttload.jmeter;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.visualizers.backend.AbstractBackendListenerClient;
import org.apache.jmeter.visualizers.backend.BackendListenerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mqttload.jni.InfluxLines;

/**
 * A Backend Listener client that writes mqttload's own figures to InfluxDB: the series of the Prometheus endpoint
 * (messages, loss, latency in µs, schedule lag, connections, reconnects, round trips, the broker's $SYS figures,
 * the engine's memory), every interval and once more when the test ends, so the database's last points are the
 * run's totals. JMeter's own InfluxDB client sends the samples' elapsed times; this one sends what the MQTT
 * elements measured, and can run beside it.
 */
public class InfluxdbBackendClient extends AbstractBackendListenerClient {
    static final String URL = "influxdbUrl";
    static final String TOKEN = "influxdbToken";
    static final String ENGINE = "engine";
    static final String INTERVAL = "interval_ms";
    static final String DEFAULT_URL = "http://127.0.0.1:8086/write?db=mqttload";
    static final long DEFAULT_INTERVAL_MS = 5000;
    private static final int CONNECT_TIMEOUT_MS = 2000;
    private static final int READ_TIMEOUT_MS = 5000;
    /** A database that refuses every write is said once a minute, not at every interval. */
    private static final long COMPLAINT_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger("io.mqttload");

    private URL url;
    private String token;
    private InfluxLines lines;
    private ScheduledExecutorService timer;
    private long lastComplaint = System.nanoTime() - COMPLAINT_EVERY_NANOS;
    private long pointsWritten;

    @Override
    public Arguments getDefaultParameters() {
        Arguments a = new Arguments();
        a.addArgument(URL, DEFAULT_URL, null, "InfluxDB's write endpoint (1.x: /write?db=...; 2.x: /api/v2/write?...)");
        a.addArgument(TOKEN, "", null, "InfluxDB 2.x API token (sent as Authorization: Token ...); empty for 1.x");
        a.addArgument(ENGINE, "", null, "the engine tag of every point; empty: mqttload.metrics.engine, else host name:pid");
        a.addArgument(INTERVAL, Long.toString(DEFAULT_INTERVAL_MS), null, "milliseconds between writes");
        return a;
    }

    @Override
    public void setupTest(BackendListenerContext context) throws Exception {
        super.setupTest(context);
        String address = context.getParameter(URL, DEFAULT_URL).trim();
        try {
            url = URI.create(address).toURL();
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("InfluxDB URL (" + URL + ") '" + address + "' is not a URL: "
                    + e.getMessage(), e);
        }
        token = context.getParameter(TOKEN, "").trim();
        String engine = context.getParameter(ENGINE, "").trim();
        long interval = Math.max(100, context.getLongParameter(INTERVAL, DEFAULT_INTERVAL_MS));
        lines = InfluxLines.create(engine.isEmpty() ? MetricsEndpoint.engineLabel(-1) : engine);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqttload-influxdb");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::writeQuietly, interval, interval, TimeUnit.MILLISECONDS);
        LOG.info("mqttload: figures to InfluxDB at {}://{}{} every {} ms", url.getProtocol(), where(),
                url.getPath(), interval);
    }

    /** The figures come from the engine, not from the samples JMeter hands every listener. */
    @Override
    public void handleSampleResults(List<SampleResult> sampleResults, BackendListenerContext context) {
    }

    @Override
    public void teardownTest(BackendListenerContext context) throws Exception {
        if (timer != null) {
            timer.shutdown();
            if (!timer.awaitTermination(READ_TIMEOUT_MS + CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                timer.shutdownNow();
            }
        }
        if (lines != null) {
            // every sample has ended: this write holds the run's totals
            writeQuietly();
            LOG.info("mqttload: {} points written to InfluxDB", pointsWritten);
            lines.close();
        }
        super.teardownTest(context);
    }

    private synchronized void writeQuietly() {
        try {
            String body = lines.write(System.currentTimeMillis() * 1_000_000L);
            if (body.isEmpty()) {
                return;
            }
            int status = post(body.getBytes(StandardCharsets.UTF_8));
            if (status / 100 == 2) {
                pointsWritten += body.chars().filter(c -> c == '\n').count();
            } else {
                complain("InfluxDB answered HTTP " + status);
            }
        } catch (IOException | RuntimeException e) {
            complain(e.toString());
        }
    }

    private int post(byte[] body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        try {
            c.setConnectTimeout(CONNECT_TIMEOUT_MS);
            c.setReadTimeout(READ_TIMEOUT_MS);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
            if (!token.isEmpty()) {
                c.setRequestProperty("Authorization", "Token " + token);
            }
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body);
            }
            return c.getResponseCode();
        } finally {
            c.disconnect();
        }
    }

    /** Host and port only: the URL's user information and query (1.x: u=...&p=...) may hold a password. */
    private String where() {
        return url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }

    private void complain(String why) {
        long now = System.nanoTime();
        if (now - lastComplaint >= COMPLAINT_EVERY_NANOS) {
            lastComplaint = now;
            LOG.warn("mqttload: figures not written to InfluxDB at {}://{}{}: {}", url.getProtocol(), where(),
                    url.getPath(), why);
        }
    }
}
