package io.mqttload.report;

import org.apache.jmeter.report.processor.AbstractAggregatorFactory;
import org.apache.jmeter.report.processor.Aggregator;

/**
 * The highest value of an interval. JMeter's MaxAggregator starts from Double.MIN_VALUE (the smallest
 * positive double), so an interval of zeros would read 4.9E-324 in the dashboard's tooltips.
 */
public class HighestAggregatorFactory extends AbstractAggregatorFactory {
    @Override
    protected Aggregator createAggregator() {
        return new Aggregator() {
            private long count;
            private double highest = Double.NEGATIVE_INFINITY;

            @Override
            public long getCount() {
                return count;
            }

            @Override
            public double getResult() {
                return count == 0 ? 0 : highest;
            }

            @Override
            public void addValue(double value) {
                count++;
                highest = Math.max(highest, value);
            }

            @Override
            public void reset() {
                count = 0;
                highest = Double.NEGATIVE_INFINITY;
            }
        };
    }
}
