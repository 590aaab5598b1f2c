package io.mqttload.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

class BrokerStatsGraphTest {
    private static final SampleMetadata CSV = new SampleMetadata(',', "timeStamp", "elapsed", "label",
            "responseCode", "responseMessage", "threadName", "success", "bytes", "SampleCount",
            "\"MQTT_BROKER_CLIENTS\"", "\"MQTT_BROKER_MSGS_RECEIVED_PER_S\"", "\"MQTT_BROKER_MSGS_SENT_PER_S\"");

    private static long row;

    private static Sample sample(long endMillis, String label, String message, String clients, String in,
                                 String out) {
        return new Sample(row++, CSV, Long.toString(endMillis - 5), "5", label, "200", message, "t 1-1", "true",
                "0", "1", clients, in, out);
    }

    @Test
    void brokerRowsAreKnownByTheirMessage() {
        assertTrue(MqttRows.isBrokerStats(sample(1000, "B", "clients 1,234, msgs in 5,000/s, out 4,990/s", "", "",
                "")));
        assertTrue(MqttRows.isBrokerStats(sample(1000, "B", "clients n/a, msgs in n/a, out n/a", "", "", "")));
        // the thread's later rows repeat its variables: not broker rows
        assertFalse(MqttRows.isBrokerStats(sample(1000, "D", "Disconnected 1 connection(s)", "5", "1", "1")));
        assertFalse(MqttRows.isBrokerStats(sample(1000, "B", "no $SYS messages within 15000 ms", "", "", "")));
    }

    @Test
    void highestPerIntervalAndElement() {
        SampleContext context = new SampleContext();
        BrokerStatsGraph graph = new BrokerStatsGraph();
        graph.setName("custom_test");
        graph.setGranularity(1000);
        graph.setSampleContext(context);
        graph.initialize();
        graph.startConsuming();
        graph.consume(sample(1100, "B", "clients 3, msgs in n/a, out n/a", "3", "", ""), 0);
        graph.consume(sample(1900, "B", "clients 5, msgs in 100/s, out 20/s", "5", "100", "20"), 0);
        graph.consume(sample(1950, "D", "Disconnected 1 connection(s)", "9", "999", "999"), 0);
        graph.consume(sample(2500, "B", "clients 4, msgs in 80/s, out 16/s", "4", "80.5", "16"), 0);
        graph.stopConsuming();
        Map<String, Map<Double, Double>> g = series((MapResultData) context.getData().get("custom_test"));
        assertEquals(Map.of(1000.0, 5.0, 2000.0, 4.0), g.get("B clients"));
        assertEquals(Map.of(1000.0, 100.0, 2000.0, 80.5), g.get("B messages in/s"));
        assertEquals(Map.of(1000.0, 20.0, 2000.0, 16.0), g.get("B messages out/s"));
        assertEquals(3, g.size(), g.toString());
    }

    private static Map<String, Map<Double, Double>> series(MapResultData result) {
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
}
