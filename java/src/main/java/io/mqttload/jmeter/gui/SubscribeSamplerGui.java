package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.SubscribeSampler;

/**
 * GUI of the MQTT Subscribe sampler: the filters, what ends a sample, and the MQTT 5.0 subscription options.
 * Made from the settings description.
 */
public class SubscribeSamplerGui extends MqttSamplerGui<SubscribeSampler> {
    private static final long serialVersionUID = 1L;

    public SubscribeSamplerGui() {
        super(SubscribeSampler.class);
    }

    @Override
    protected String element() {
        return "subscribe";
    }

    @Override
    protected SubscribeSampler newElement() {
        return new SubscribeSampler();
    }
}
