package io.mqttload.report;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.MeanAggregatorFactory;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * End-to-end latency of Subscribe batches over time, in microseconds, from the MQTT_SUB_P50_US and
 * MQTT_SUB_P99_US sample variables: per interval, the mean of the batches' medians and the highest of
 * their 99th percentiles (percentiles of different batches cannot be merged exactly; the highest p99 is
 * an upper bound, so a tail shows rather than averages away).
 */
public class LatencyPercentilesGraph extends MqttOverTimeGraph {
    static final String P50 = "MQTT_SUB_P50_US";
    static final String P99 = "MQTT_SUB_P99_US";

    @Override
    protected boolean selects(Sample sample) {
        return MqttRows.received(sample) > 0;
    }

    @Override
    protected Map<String, GroupInfo> createGroupInfos() {
        Map<String, GroupInfo> groups = new HashMap<>();
        groups.put("p50", new GroupInfo(new MeanAggregatorFactory(), seriesPerLabel(" p50 (µs)"),
                (series, sample) -> MqttRows.variable(sample, P50), false, false));
        groups.put("p99", new GroupInfo(new HighestAggregatorFactory(), seriesPerLabel(" p99 (µs)"),
                (series, sample) -> MqttRows.variable(sample, P99), false, false));
        return groups;
    }
}
