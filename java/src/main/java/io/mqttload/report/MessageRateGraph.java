package io.mqttload.report;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.processor.TimeRateAggregatorFactory;
import org.apache.jmeter.report.processor.graph.AbstractSeriesSelector;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * Messages per second by element: series "{Publish label} published" and "{Subscribe label} received",
 * from each row's message (a Subscribe batch's count includes 0 for an empty one, which SampleCount cannot
 * show). JMeter's own throughput graphs count rows, which for MQTT are bursts and batches.
 */
public class MessageRateGraph extends MqttOverTimeGraph {
    private static final String RECEIVED = " received";
    private static final String PUBLISHED = " published";

    @Override
    protected boolean selects(Sample sample) {
        return MqttRows.received(sample) >= 0 || MqttRows.published(sample) >= 0;
    }

    @Override
    protected Map<String, GroupInfo> createGroupInfos() {
        AbstractSeriesSelector series = new AbstractSeriesSelector() {
            @Override
            public Iterable<String> select(Sample sample) {
                if (sample.isController()) {
                    return Collections.emptyList();
                }
                if (MqttRows.received(sample) >= 0) {
                    return List.of(sample.getName() + RECEIVED);
                }
                return MqttRows.published(sample) >= 0 ? List.of(sample.getName() + PUBLISHED)
                        : Collections.emptyList();
            }
        };
        return Collections.singletonMap(DEFAULT_GROUP, new GroupInfo(new TimeRateAggregatorFactory(), series,
                (name, sample) -> (double) (name.endsWith(RECEIVED) ? MqttRows.received(sample)
                        : MqttRows.published(sample)), false, false));
    }

    @Override
    public void initialize() {
        super.initialize();
        ((TimeRateAggregatorFactory) getGroupInfos().get(DEFAULT_GROUP).getAggregatorFactory())
                .setGranularity(getGranularity());
    }
}
