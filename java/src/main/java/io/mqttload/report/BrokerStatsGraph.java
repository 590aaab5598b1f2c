package io.mqttload.report;

import java.util.HashMap;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * What the broker said about itself over time, per Broker Statistics element: per interval the highest
 * MQTT_BROKER_CLIENTS, MQTT_BROKER_MSGS_RECEIVED_PER_S and MQTT_BROKER_MSGS_SENT_PER_S its samples
 * reported, beside the load's own messages per second on the graph before it.
 */
public class BrokerStatsGraph extends MqttOverTimeGraph {
    @Override
    protected boolean selects(Sample sample) {
        return MqttRows.isBrokerStats(sample);
    }

    @Override
    protected Map<String, GroupInfo> createGroupInfos() {
        Map<String, GroupInfo> groups = new HashMap<>();
        highest(groups, "MQTT_BROKER_CLIENTS", " clients");
        highest(groups, "MQTT_BROKER_MSGS_RECEIVED_PER_S", " messages in/s");
        highest(groups, "MQTT_BROKER_MSGS_SENT_PER_S", " messages out/s");
        return groups;
    }

    private void highest(Map<String, GroupInfo> groups, String variable, String suffix) {
        groups.put(variable, new GroupInfo(new HighestAggregatorFactory(), seriesPerLabel(suffix),
                (series, sample) -> MqttRows.variable(sample, variable), false, false));
    }
}
