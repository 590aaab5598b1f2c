package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.DisconnectSampler;

/** GUI of the MQTT Disconnect sampler. Made from the settings description. */
public class DisconnectSamplerGui extends MqttSamplerGui<DisconnectSampler> {
    private static final long serialVersionUID = 1L;

    public DisconnectSamplerGui() {
        super(DisconnectSampler.class);
    }

    @Override
    protected String element() {
        return "disconnect";
    }

    @Override
    protected DisconnectSampler newElement() {
        return new DisconnectSampler();
    }
}
