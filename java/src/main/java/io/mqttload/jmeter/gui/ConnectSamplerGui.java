package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.ConnectSampler;

/**
 * GUI of the MQTT Connect sampler: the broker on one row, the rest in tabs, like JMeter's HTTP Request. Made
 * from the settings description.
 */
public class ConnectSamplerGui extends MqttSamplerGui<ConnectSampler> {
    private static final long serialVersionUID = 1L;

    public ConnectSamplerGui() {
        super(ConnectSampler.class);
    }

    @Override
    protected String element() {
        return "connect";
    }

    @Override
    protected ConnectSampler newElement() {
        return new ConnectSampler();
    }
}
