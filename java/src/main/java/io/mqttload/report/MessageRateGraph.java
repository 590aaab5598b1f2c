package io.mqttload.report;

import java.util.Collections;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.TimeRateAggregatorFactory;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * Messages per second by element: a Subscribe batch counts the messages it received (0 for an empty
 * one), any other row its SampleCount (a Publish burst's messages, a Connect's connections). JMeter's own
 * throughput graphs count rows, which for MQTT are batches.
 */
public class MessageRateGraph extends MqttOverTimeGraph {
    @Override
    protected boolean selects(Sample sample) {
        return true;
    }

    @Override
    protected Map<String, GroupInfo> createGroupInfos() {
        return Collections.singletonMap(DEFAULT_GROUP, new GroupInfo(new TimeRateAggregatorFactory(),
                seriesPerLabel(""), (series, sample) -> (double) MqttRows.messages(sample), false, false));
    }

    @Override
    public void initialize() {
        super.initialize();
        ((TimeRateAggregatorFactory) getGroupInfos().get(DEFAULT_GROUP).getAggregatorFactory())
                .setGranularity(getGranularity());
    }
}
