package io.mqttload.report;

import org.apache.jmeter.report.processor.AbstractAggregatorFactory;
import org.apache.jmeter.report.processor.Aggregator;

/** The last value given in an interval: the level a running figure had reached when the interval ended. */
public class LatestAggregatorFactory extends AbstractAggregatorFactory {
    @Override
    protected Aggregator createAggregator() {
        return new Aggregator() {
            private long count;
            private double latest;

            @Override
            public long getCount() {
                return count;
            }

            @Override
            public double getResult() {
                return latest;
            }

            @Override
            public void addValue(double value) {
                count++;
                latest = value;
            }

            @Override
            public void reset() {
                count = 0;
                latest = 0;
            }
        };
    }
}
