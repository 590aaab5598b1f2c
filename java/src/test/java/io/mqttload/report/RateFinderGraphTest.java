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

class RateFinderGraphTest {
    private static final SampleMetadata CSV = new SampleMetadata(',', "timeStamp", "elapsed", "label",
            "responseCode", "responseMessage", "threadName", "success", "bytes", "SampleCount",
            "\"MQTT_RATE_OFFERED\"", "\"MQTT_RATE_SENT_PER_S\"", "\"MQTT_RATE_RECEIVED_PER_S\"", "\"MQTT_RATE_MAX_OK\"");

    private static long row;

    private static Sample sample(long startMillis, String label, String message, String offered, String sent,
                                 String received, String held) {
        return new Sample(row++, CSV, Long.toString(startMillis), "900", label, "200", message, "t 1-1", "true",
                "0", "1", offered, sent, received, held);
    }

    @Test
    void stepsAreKnownByTheirMessage() {
        assertTrue(MqttRows.isRateFinderStep(sample(1000, "F", "Rate step 1 at 100 msg/s: sent 100/s", "100", "100",
                "100", "100")));
        // the thread's later rows repeat its variables; a refused setting has no step
        assertFalse(MqttRows.isRateFinderStep(sample(1000, "D", "Disconnected 3 connection(s)", "100", "", "", "")));
        assertFalse(MqttRows.isRateFinderStep(sample(1000, "F", "Factor (mqtt.finder_factor): must be above 1", "",
                "", "", "")));
    }

    @Test
    void eachStepsRatesPerElement() {
        SampleContext context = new SampleContext();
        RateFinderGraph graph = new RateFinderGraph();
        graph.setName("custom_test");
        graph.setGranularity(1000);
        graph.setSampleContext(context);
        graph.initialize();
        graph.startConsuming();
        graph.consume(sample(1000, "F", "Rate step 1 at 100 msg/s: ...", "100", "99.9", "99.8", "100"), 0);
        graph.consume(sample(2000, "F", "Rate step 2 at 150 msg/s: ...", "150", "149.5", "120", "100"), 0);
        graph.consume(sample(2100, "D", "Disconnected 3 connection(s)", "999", "999", "999", "999"), 0);
        graph.stopConsuming();
        Map<String, Map<Double, Double>> g = series((MapResultData) context.getData().get("custom_test"));
        assertEquals(Map.of(1000.0, 100.0, 2000.0, 150.0), g.get("F offered/s"));
        assertEquals(Map.of(1000.0, 99.9, 2000.0, 149.5), g.get("F sent/s"));
        assertEquals(Map.of(1000.0, 99.8, 2000.0, 120.0), g.get("F received/s"));
        assertEquals(Map.of(1000.0, 100.0, 2000.0, 100.0), g.get("F highest held/s"));
        assertEquals(4, g.size(), g.toString());
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
