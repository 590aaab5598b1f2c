package io.mqttload.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.core.SampleMetadata;
import org.apache.jmeter.report.processor.ListResultData;
import org.apache.jmeter.report.processor.MapResultData;
import org.apache.jmeter.report.processor.ResultData;
import org.apache.jmeter.report.processor.SampleContext;
import org.apache.jmeter.report.processor.ValueResultData;
import org.apache.jmeter.report.processor.graph.AbstractGraphConsumer;
import org.junit.jupiter.api.Test;

class MqttGraphsTest {
    private static final SampleMetadata CSV = new SampleMetadata(',', "timeStamp", "elapsed", "label",
            "responseCode", "responseMessage", "threadName", "success", "bytes", "SampleCount",
            "\"MQTT_SUB_RECEIVED\"", "\"MQTT_SUB_P50_US\"", "\"MQTT_SUB_P99_US\"", "\"MQTT_SUB_LOST\"",
            "\"MQTT_SUB_DUPLICATES\"", "\"MQTT_SUB_LOST_TOTAL\"");

    private static long row;

    /** A row ending at endMillis. */
    private static Sample sample(long endMillis, String label, String message, int sampleCount, String... vars) {
        String[] v = {"", "", "", "", "", ""};
        System.arraycopy(vars, 0, v, 0, vars.length);
        return new Sample(row++, CSV, Long.toString(endMillis - 5), "5", label, "200", message, "t 1-1", "true",
                "0", Integer.toString(sampleCount), v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    /** series name -> (interval start -> value) of a graph after consuming the samples. */
    private static Map<String, Map<Double, Double>> run(MqttOverTimeGraph graph, Sample... samples) {
        SampleContext context = new SampleContext();
        graph.setName("custom_test");
        graph.setGranularity(1000);
        graph.setSampleContext(context);
        graph.initialize();
        graph.startConsuming();
        for (Sample s : samples) {
            graph.consume(s, 0);
        }
        graph.stopConsuming();
        MapResultData result = (MapResultData) context.getData().get("custom_test");
        Map<String, Map<Double, Double>> out = new HashMap<>();
        for (ResultData item : (ListResultData) result.getResult(AbstractGraphConsumer.RESULT_SERIES)) {
            MapResultData series = (MapResultData) item;
            String name = (String) ((ValueResultData) series.getResult(AbstractGraphConsumer.RESULT_SERIES_NAME))
                    .getValue();
            Map<Double, Double> points = new HashMap<>();
            for (ResultData p : (ListResultData) series.getResult(AbstractGraphConsumer.RESULT_SERIES_DATA)) {
                ListResultData xy = (ListResultData) p;
                points.put(((Number) ((ValueResultData) xy.get(0)).getValue()).doubleValue(),
                        ((Number) ((ValueResultData) xy.get(1)).getValue()).doubleValue());
            }
            out.put(name, points);
        }
        return out;
    }

    @Test
    void aPacedRowIsDrawnAsItsRateOverItsSpan() {
        MessageRateGraph graph = new MessageRateGraph();
        graph.setConsumedMetadata(CSV, 0);
        // 1,000 messages over 10 s, starting at 100,000
        Sample paced = new Sample(row++, CSV, "100000", "10000", "T", "200",
                "Paced 1,000 of 1,000 message(s) over 10.0 s at 100.0 msg/s; lag p50 1 µs, p99 2 µs", "t 1-1",
                "true", "0", "1000", "", "", "", "", "", "");
        Map<Double, Double> points = run(graph, paced).get("T published");
        assertEquals(10, points.size(), points.toString());
        points.values().forEach(v -> assertEquals(100.0, v, 0.001, points.toString()));
    }

    @Test
    void aLongSubscribeBatchIsDrawnOverItsWait() {
        SampleMetadata meta = new SampleMetadata(',', "timeStamp", "elapsed", "label", "responseCode",
                "responseMessage", "threadName", "success", "IdleTime");
        MessageRateGraph graph = new MessageRateGraph();
        graph.setConsumedMetadata(meta, 0);
        // waited 60 s (59,995 ms idle, then 5 ms: the batch's worst latency) for 600 messages, from 100,000
        Sample batch = new Sample(row++, meta, "159995", "5", "S", "200", "Received 600 of message.", "t 1-1",
                "true", "59995");
        Map<Double, Double> points = run(graph, batch).get("S received");
        assertEquals(60, points.size(), points.toString());
        points.values().forEach(v -> assertEquals(10.0, v, 0.001, points.toString()));
        // a short batch stays one row
        MessageRateGraph again = new MessageRateGraph();
        again.setConsumedMetadata(meta, 0);
        Sample brief = new Sample(row++, meta, "200995", "5", "S", "200", "Received 7 of message.", "t 1-1",
                "true", "300");
        assertEquals(Map.of(200000.0, 7.0), run(again, brief).get("S received"));
    }

    @Test
    void subscribeRowsAreKnownByTheirMessage() {
        assertEquals(0, MqttRows.received(sample(1000, "S", "Received 0 of message.", 1)));
        assertEquals(1234, MqttRows.received(sample(1000, "S", "Received 1234 of message. (missing 3)", 1234)));
        assertEquals(-1, MqttRows.received(sample(1000, "D", "Disconnected 1 connection(s)", 1, "50")));
        assertEquals(100, MqttRows.published(sample(1000, "P", "Published 100 message(s)", 100)));
        assertEquals(7, MqttRows.published(sample(1000, "P", "Published 7 of 10 message(s); 3 not acknowledged", 10)));
        assertEquals(-1, MqttRows.published(sample(1000, "C", "Connected 5 connection(s)", 5)));
        assertEquals(1000, MqttRows.published(sample(1000, "P",
                "Paced 1,000 of 1,000 message(s) over 10.0 s at 100.0 msg/s; lag p50 120 µs, p99 900 µs", 1000)));
        assertEquals(998, MqttRows.published(sample(1000, "P",
                "Paced 998 of 1,000 message(s) over 10.0 s at 99.8 msg/s; 2 not acknowledged within 10000 ms", 1000)));
        assertEquals(250.0, MqttRows.variable(sample(1000, "S", "Received 3 of message.", 3, "3", "250"),
                "MQTT_SUB_P50_US"));
        assertNull(MqttRows.variable(sample(1000, "S", "Received 3 of message.", 3, "3", "null"), "MQTT_SUB_P50_US"));
        assertNull(MqttRows.variable(sample(1000, "S", "Received 3 of message.", 3), "NOT_SAVED"));
    }

    @Test
    void messagesPerSecondAddUpPerElementAndInterval() {
        Map<String, Map<Double, Double>> g = run(new MessageRateGraph(),
                sample(10_100, "MQTT Publish", "Published 100 message(s)", 100),
                sample(10_900, "MQTT Publish", "Published 100 message(s)", 100),
                sample(10_950, "MQTT Subscribe", "Received 150 of message.", 150),
                sample(11_500, "MQTT Subscribe", "Received 0 of message.", 1),
                sample(11_600, "MQTT Subscribe", "Received 50 of message.", 50),
                sample(11_700, "MQTT Connect", "Connected 5 connection(s)", 5));
        assertEquals(Map.of(10_000.0, 200.0), g.get("MQTT Publish published"));
        assertEquals(Map.of(10_000.0, 150.0, 11_000.0, 50.0), g.get("MQTT Subscribe received"));
        assertEquals(2, g.size(), "connections are not messages: " + g.keySet());
    }

    @Test
    void latencyShowsMeanMedianAndHighestP99OfSubscribeBatches() {
        Map<String, Map<Double, Double>> g = run(new LatencyPercentilesGraph(),
                sample(10_100, "S", "Received 10 of message.", 10, "10", "200", "900"),
                sample(10_800, "S", "Received 10 of message.", 10, "10", "400", "5000"),
                // a Disconnect of the same thread repeats the variables: not a batch
                sample(10_900, "D", "Disconnected 1 connection(s)", 1, "10", "400", "99999"));
        assertEquals(Map.of(10_000.0, 300.0), g.get("S p50 (µs)"));
        assertEquals(Map.of(10_000.0, 5000.0), g.get("S p99 (µs)"));
        assertNull(g.get("D p99 (µs)"));
    }

    @Test
    void faultsAreSummedPerIntervalAndTheRunningLossIsItsLatest() {
        Map<String, Map<Double, Double>> g = run(new DeliveryFaultsGraph(),
                sample(10_100, "S", "Received 10 of message.", 10, "10", "", "", "2", "1", "5"),
                sample(10_800, "S", "Received 10 of message.", 10, "10", "", "", "3", "0", "4"));
        assertEquals(Map.of(10_000.0, 5.0), g.get("S lost in gaps"));
        assertEquals(Map.of(10_000.0, 1.0), g.get("S duplicates"));
        assertEquals(Map.of(10_000.0, 4.0), g.get("S missing now (lost total)"));
    }

    @Test
    void theRunningLossIsEachThreadsLatestAddedUp() {
        Map<String, Map<Double, Double>> g = run(new DeliveryFaultsGraph(),
                // messages on their way when a batch ended count as missing then, not at the end
                sampleOf("t 1-1", 10_100, "7"), sampleOf("t 1-2", 10_200, "3"), sampleOf("t 1-1", 10_300, "0"),
                sampleOf("t 1-1", 11_100, "0"), sampleOf("t 1-2", 11_200, "2"));
        assertEquals(Map.of(10_000.0, 3.0, 11_000.0, 2.0), g.get("S missing now (lost total)"));
    }

    /** A Subscribe row of one thread with its MQTT_SUB_LOST_TOTAL. */
    private static Sample sampleOf(String thread, long endMillis, String lostTotal) {
        return new Sample(row++, CSV, Long.toString(endMillis - 5), "5", "S", "200", "Received 1 of message.", thread,
                "true", "0", "1", "1", "", "", "0", "0", lostTotal);
    }

    @Test
    void anIntervalWithoutLossReadsZero() {
        Map<String, Map<Double, Double>> g = run(new DeliveryFaultsGraph(),
                sample(10_100, "S", "Received 10 of message.", 10, "10", "", "", "0", "0", "0"));
        assertEquals(Map.of(10_000.0, 0.0), g.get("S missing now (lost total)"));
    }
}
