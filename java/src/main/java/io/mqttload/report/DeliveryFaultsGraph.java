package io.mqttload.report;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.SumAggregatorFactory;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * Lost and duplicate messages over time, per Subscribe element, from the sample variables: per interval
 * the sums of the batches' MQTT_SUB_LOST (missing in gaps), MQTT_SUB_DUPLICATES and
 * MQTT_SUB_OUT_OF_ORDER (late arrivals that filled an earlier gap), and the highest MQTT_SUB_LOST_TOTAL
 * (missing now, gaps plus messages still on their way; its last point is the run's loss).
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
        groups.put("MQTT_SUB_LOST_TOTAL", new GroupInfo(new HighestAggregatorFactory(),
                seriesPerLabel(" missing now (lost total)"),
                (series, sample) -> MqttRows.variable(sample, "MQTT_SUB_LOST_TOTAL"), false, false));
        return groups;
    }

    private void sum(Map<String, GroupInfo> groups, String variable, String suffix) {
        groups.put(variable, new GroupInfo(new SumAggregatorFactory(), seriesPerLabel(suffix),
                (series, sample) -> MqttRows.variable(sample, variable), false, false));
    }
}
