package io.mqttload.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.jmeter.report.core.Sample;
import org.apache.jmeter.report.core.SampleException;

/**
 * What an mqttload row of a CSV JTL says, as the report generator reads it. A Subscribe batch is known by
 * its message ("Received N of message.") rather than by the MQTT_SUB_* columns: JMeter saves a thread's
 * variables with every later sample of that thread, so a Disconnect after a Subscribe repeats them.
 * Counts come from the messages too, which hold them whatever the result settings saved.
 */
public final class MqttRows {
    private static final Pattern RECEIVED = Pattern.compile("^Received (\\d+) of message");
    private static final Pattern PUBLISHED = Pattern.compile("^Published (\\d+) ");
    /** A Broker Statistics row: "clients 1,234, msgs in 5,000/s, out 4,990/s". */
    private static final Pattern BROKER_STATS = Pattern.compile("^clients (n/a|[\\d,]+), msgs in ");
    /** A paced Publish: "Paced 1,000 of 1,000 message(s) over ..." (thousands separated by commas). */
    private static final Pattern PACED = Pattern.compile("^Paced ([\\d,]+) of ");
    private static final Pattern RATE_STEP = Pattern.compile("^Rate step \\d+ at ");
    /** JMeter's CSV header quotes the names of sample variables. */
    private static final String QUOTE = "\"";

    private MqttRows() {
    }

    /** Messages of a Subscribe row (its true count, 0 included), or -1 for any other row. */
    public static long received(Sample sample) {
        return count(RECEIVED, sample);
    }

    /**
     * Messages a Publish row sent ("Published N message(s)", "Published N of M message(s); ...", paced
     * "Paced N of M message(s) ..."), or -1.
     */
    public static long published(Sample sample) {
        long n = count(PUBLISHED, sample);
        return n >= 0 ? n : count(PACED, sample);
    }

    /** Messages a paced Publish row sent ("Paced N of M message(s) over ..."), or -1 for any other row. */
    public static long paced(Sample sample) {
        return count(PACED, sample);
    }

    /** A successful Broker Statistics row (its MQTT_BROKER_* columns repeat on the thread's later rows). */
    public static boolean isBrokerStats(Sample sample) {
        String message = sample.getResponseMessage();
        return message != null && BROKER_STATS.matcher(message).find();
    }

    /** A Rate Finder step (its MQTT_RATE_* columns repeat on the thread's later rows). */
    public static boolean isRateFinderStep(Sample sample) {
        String message = sample.getResponseMessage();
        return message != null && RATE_STEP.matcher(message).find();
    }

    private static long count(Pattern pattern, Sample sample) {
        String message = sample.getResponseMessage();
        if (message == null) {
            return -1;
        }
        Matcher m = pattern.matcher(message);
        if (!m.find()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1).replace(",", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A sample variable saved with sample_variables, or null when absent or empty. */
    public static Double variable(Sample sample, String name) {
        String value = column(sample, QUOTE + name + QUOTE);
        return number(value != null ? value : column(sample, name));
    }

    private static String column(Sample sample, String name) {
        try {
            return sample.getData(name);
        } catch (SampleException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    static Double number(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.isEmpty() || "null".equals(v)) {
            return null;
        }
        try {
            return Double.valueOf(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
