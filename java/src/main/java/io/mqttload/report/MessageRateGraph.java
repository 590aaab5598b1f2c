package io.mqttload.report;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.core.SampleMetadata;
import org.apache.jmeter.report.processor.TimeRateAggregatorFactory;
import org.apache.jmeter.report.processor.graph.AbstractSeriesSelector;
import org.apache.jmeter.report.processor.graph.GroupInfo;

/**
 * Messages per second by element: series "{Publish label} published" and "{Subscribe label} received",
 * from each row's message (a Subscribe batch's count includes 0 for an empty one, which SampleCount cannot
 * show). JMeter's own throughput graphs count rows, which for MQTT are bursts and batches.
 *
 * <p>A paced Publish row spans its whole schedule (a minute, say) at a steady rate: it is drawn as that rate
 * over its span, not as all its messages in the interval where it ended. A Subscribe batch that waited longer
 * than an interval (a time window of minutes, say) is drawn the same way over its wait: from when the wait began
 * (its start less its IdleTime, when the JTL has that column) to its end; otherwise a batch of a whole run would
 * be one point at its end, joined to zero by a line that reads as a ramp.
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
    public void consume(Sample sample, int channel) {
        long granularity = getGranularity();
        SampleMetadata meta = getConsumedMetadata(channel);
        if (granularity <= 0 || meta == null) {
            super.consume(sample, channel);
            return;
        }
        long paced = MqttRows.paced(sample);
        long received = MqttRows.received(sample);
        long start = sample.getStartTime();
        long end = start + sample.getElapsedTime();
        String word;
        long n;
        if (paced > 0) {
            word = "Paced ";
            n = paced;
        } else if (received > 0) {
            word = "Received ";
            n = received;
            start -= idleTime(sample, meta);
        } else {
            super.consume(sample, channel);
            return;
        }
        if (end - start <= granularity) {
            super.consume(sample, channel);
            return;
        }
        for (Sample slice : slices(sample, meta, word, n, start, end, granularity)) {
            super.consume(slice, channel);
        }
    }

    /** The row's IdleTime (a Subscribe batch's wait before its first message's latency window), or 0. */
    private static long idleTime(Sample sample, SampleMetadata meta) {
        int i = meta.indexOf("IdleTime");
        if (i < 0) {
            return 0;
        }
        try {
            return Math.max(0L, Long.parseLong(sample.getData(i).trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The row cut into granularity-long rows from {@code start} to {@code end}, each with its share of the n
     * messages ("{word}k of ...").
     */
    static List<Sample> slices(Sample sample, SampleMetadata meta, String word, long n, long start, long end,
                               long granularity) {
        long span = end - start;
        int parts = (int) Math.min((span + granularity - 1) / granularity, 100_000);
        int ts = meta.indexOf("timeStamp");
        int el = meta.indexOf("elapsed");
        int msg = meta.indexOf("responseMessage");
        if (ts < 0 || el < 0 || msg < 0) {
            return List.of(sample);
        }
        boolean endStamp = sample.getTimestamp() != sample.getStartTime();
        String[] data = new String[meta.getColumnCount()];
        for (int i = 0; i < data.length; i++) {
            data[i] = sample.getData(i);
        }
        String rest = data[msg].substring(data[msg].indexOf(" of "));
        java.util.ArrayList<Sample> out = new java.util.ArrayList<>(parts);
        long counted = 0;
        for (int i = 0; i < parts; i++) {
            long from = start + span * i / parts;
            long to = start + span * (i + 1) / parts;
            long upTo = n * (i + 1) / parts;
            String[] d = data.clone();
            d[ts] = Long.toString(endStamp ? to : from);
            d[el] = Long.toString(to - from);
            d[msg] = word + (upTo - counted) + rest;
            counted = upTo;
            out.add(new Sample(sample.getSampleRow(), meta, d));
        }
        return out;
    }

    @Override
    public void initialize() {
        super.initialize();
        ((TimeRateAggregatorFactory) getGroupInfos().get(DEFAULT_GROUP).getAggregatorFactory())
                .setGranularity(getGranularity());
    }
}
