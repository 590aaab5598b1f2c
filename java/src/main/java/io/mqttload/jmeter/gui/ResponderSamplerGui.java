package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.ResponderSampler;

/** GUI of the MQTT Responder sampler, made from the settings description. */
public class ResponderSamplerGui extends MqttSamplerGui<ResponderSampler> {
    private static final long serialVersionUID = 1L;

    public ResponderSamplerGui() {
        super(ResponderSampler.class);
    }

    @Override
    protected String element() {
        return "responder";
    }

    @Override
    protected ResponderSampler newElement() {
        return new ResponderSampler();
    }
}
