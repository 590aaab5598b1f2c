package io.mqttload.jmeter;

import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testelement.ThreadListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.contract.Figures;
import io.mqttload.jni.ConnectionGroup;
import io.mqttload.jni.Outcome;
import io.mqttload.jni.SettingsException;
import io.mqttload.jni.Subscriber;

/** MQTT Subscribe: subscribes once on the group, then each sample collects a batch of messages. */
public class SubscribeSampler extends MqttSampler implements ThreadListener {
    private static final long serialVersionUID = 1L;

    static final String ELEMENT = "subscribe";
    static final ResultVariables VARIABLES = new ResultVariables(ELEMENT);
    private static final int MESSAGES = Figures.index("messages");
    private static final int LOST = Figures.index("lost");

    /** Made again when the settings change or the group is another one. */
    private final transient ThreadOwned<Subscriber> subscriber = new ThreadOwned<>("a subscriber");

    @Override
    protected String element() {
        return ELEMENT;
    }

    @Override
    protected void doSample(SampleResult result, long startMillis, long startNanos) {
        Outcome o = null;
        try {
            o = run(result, startMillis, startNanos);
        } finally {
            putVariables(o);
        }
    }

    private Outcome run(SampleResult result, long startMillis, long startNanos) {
        String json = settingsDocument();
        Subscriber s;
        try {
            s = subscriber.from(json, doc -> Subscriber.create(doc, getName()));
        } catch (SettingsException e) {
            Results.fail(result, startMillis, startNanos, e.responseCode(), e.getMessage());
            return null;
        }
        ConnectionGroup group = Connections.find(connectionName());
        if (group == null) {
            Results.fail(result, startMillis, startNanos, Results.NO_CONNECTION, Results.NO_CONNECTION_MESSAGE);
            return null;
        }
        if (!s.usableWith(group)) {
            subscriber.close();
            s = subscriber.from(json, doc -> Subscriber.create(doc, getName()));
        }
        using(group);
        Outcome o = s.subscribe(group, shutdownProbe());
        Results.fillSubscribe(result, startMillis, o);
        long received = o.stat(MESSAGES);
        if (o.success && received >= 0) {
            // The engine's own text may add a note (e.g. a reconnect since the last sample) after it.
            String m = o.responseMessage;
            result.setResponseMessage(m != null && m.startsWith(receivedMessage(received)) ? m
                    : receivedMessage(received));
            if (o.responseData == null) {
                result.setResponseData(result.getResponseMessage(), "UTF-8");
            }
        }
        return o;
    }

    /** "Received N of message." with N in plain digits (no locale separators). */
    static String receivedMessage(long n) {
        return "Received " + Long.toString(n) + " of message.";
    }

    /** What is missing from which publisher: {@code <id>:<n>} pairs, empty when nothing is. */
    static final String SHORTFALL_VARIABLE = "MQTT_SUB_SHORTFALL";

    /** The batch's arrival rate, received / (received + lost in gaps); empty without sequence numbers. */
    static final String ARRIVAL_RATE_VARIABLE = "MQTT_SUB_ARRIVAL_RATE";

    /**
     * Six decimals, rounded down, so that any loss reads below 1 (1 lost of 10 million is 0.999999, never
     * 1.000000); empty when the batch had no numbered message or the figures are unavailable.
     */
    static String arrivalRate(Outcome o) {
        long received = o == null ? -1 : o.stat(MESSAGES);
        long lost = o == null ? -1 : o.stat(LOST);
        if (received < 0 || lost < 0 || received + lost == 0) {
            return "";
        }
        return java.math.BigDecimal.valueOf(received)
                .divide(java.math.BigDecimal.valueOf(received + lost), 6, java.math.RoundingMode.DOWN)
                .toPlainString();
    }

    private static void putVariables(Outcome o) {
        VARIABLES.put(o);
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        if (vars == null) {
            return;
        }
        vars.put(SHORTFALL_VARIABLE, o == null || o.shortfall == null ? "" : o.shortfall);
        vars.put(ARRIVAL_RATE_VARIABLE, arrivalRate(o));
    }

    @Override
    public void threadStarted() {
    }

    @Override
    public void threadFinished() {
        subscriber.closeQuietly();
    }
}
