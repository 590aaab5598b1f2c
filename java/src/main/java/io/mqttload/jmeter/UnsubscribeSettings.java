package io.mqttload.jmeter;

/** The Unsubscribe sampler's settings; {@link #toJson()} is unsubscribeJson. */
public final class UnsubscribeSettings {
    /** Comma-separated filters, as the Subscribe element named them. */
    public final String topics;
    public final int timeoutMs;
    public final String connectionName;

    private UnsubscribeSettings(Props p) {
        topics = SubscribeSettings.topicFilters(p);
        timeoutMs = p.integer(Keys.UNSUBSCRIBE_TIMEOUT, Keys.DEFAULT_SAMPLE_TIMEOUT_MS, 1, Integer.MAX_VALUE);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
    }

    public static UnsubscribeSettings read(PropertySource source) {
        return new UnsubscribeSettings(new Props(source));
    }

    /** unsubscribeJson: {"topics":"a, b/#","timeoutMs":10000}. */
    public String toJson() {
        return Json.object().put("topics", topics).put("timeoutMs", timeoutMs).toString();
    }

    @Override
    public String toString() {
        return "UnsubscribeSettings" + toJson() + (connectionName.isEmpty() ? "" : " on " + connectionName);
    }
}
