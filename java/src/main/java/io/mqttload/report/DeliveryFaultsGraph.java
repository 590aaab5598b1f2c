package io.mqttload.report;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.SumAggregatorFactory;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * Lost and duplicate messages over time, per Subscribe element, from the sample variables: per interval
 * the sums of the batches' MQTT_SUB_LOST (missing in gaps), MQTT_SUB_DUPLICATES and
 * MQTT_SUB_OUT_OF_ORDER (late arrivals that filled an earlier gap), and the level MQTT_SUB_LOST_TOTAL had
 * reached at the interval's end, summed over the element's threads (missing now: gaps plus messages still
 * on their way, so its last point is the run's loss).
 */
public class DeliveryFaultsGraph extends MqttOverTimeGraph {
    @Override
    protected boolean selects(Sample sample) {
        return MqttRows.received(sample) >= 0;
    }

    @Override
    protected Map<String, GroupInfo> createGroupInfos() {
        Map<String, GroupInfo> groups = new HashMap<>();
        sum(groups, "MQTT_SUB_LOST", " lost in gaps");
        sum(groups, "MQTT_SUB_DUPLICATES", " duplicates");
        sum(groups, "MQTT_SUB_OUT_OF_ORDER", " out of order");
        groups.put("MQTT_SUB_LOST_TOTAL", new GroupInfo(new LatestAggregatorFactory(),
                seriesPerLabel(" missing now (lost total)"), (series, sample) -> missingNow(sample), false, false));
        return groups;
    }

    /** label -> thread -> its latest MQTT_SUB_LOST_TOTAL; rows of one thread reach the report in order. */
    private final Map<String, Map<String, Double>> lostTotals = new HashMap<>();

    /** The element's running loss after this row: each of its threads' latest figure, added up. */
    private Double missingNow(Sample sample) {
        Double value = MqttRows.variable(sample, "MQTT_SUB_LOST_TOTAL");
        if (value == null) {
            return null;
        }
        Map<String, Double> byThread = lostTotals.computeIfAbsent(sample.getName(), k -> new HashMap<>());
        byThread.put(sample.getThreadName(), value);
        return byThread.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    private void sum(Map<String, GroupInfo> groups, String variable, String suffix) {
        groups.put(variable, new GroupInfo(new SumAggregatorFactory(), seriesPerLabel(suffix),
                (series, sample) -> MqttRows.variable(sample, variable), false, false));
    }
}
