package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.UnsubscribeSampler;

/** GUI of the MQTT Unsubscribe sampler. Made from the settings description. */
public class UnsubscribeSamplerGui extends MqttSamplerGui<UnsubscribeSampler> {
    private static final long serialVersionUID = 1L;

    public UnsubscribeSamplerGui() {
        super(UnsubscribeSampler.class);
    }

    @Override
    protected String element() {
        return "unsubscribe";
    }

    @Override
    protected UnsubscribeSampler newElement() {
        return new UnsubscribeSampler();
    }
}
