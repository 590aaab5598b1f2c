package io.mqttload.report;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * The Rate Finder's search over time, per element: each step's offered rate, the rates it achieved (sent and
 * received) and the highest rate that held so far, from its MQTT_RATE_* variables; a staircase that ends where a
 * guard broke. Rows are told by their message, since the thread's later rows repeat the variables.
 */
public class RateFinderGraph extends MqttOverTimeGraph {
    @Override
    protected boolean selects(Sample sample) {
        return MqttRows.isRateFinderStep(sample);
    }

    @Override
    protected Map<String, GroupInfo> createGroupInfos() {
        Map<String, GroupInfo> groups = new HashMap<>();
        highest(groups, "MQTT_RATE_OFFERED", " offered/s");
        highest(groups, "MQTT_RATE_SENT_PER_S", " sent/s");
        highest(groups, "MQTT_RATE_RECEIVED_PER_S", " received/s");
        highest(groups, "MQTT_RATE_MAX_OK", " highest held/s");
        return groups;
    }

    private void highest(Map<String, GroupInfo> groups, String variable, String suffix) {
        groups.put(variable, new GroupInfo(new HighestAggregatorFactory(), seriesPerLabel(suffix),
                (series, sample) -> MqttRows.variable(sample, variable), false, false));
    }
}
