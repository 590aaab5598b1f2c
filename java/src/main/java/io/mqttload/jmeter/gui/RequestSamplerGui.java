package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.RequestSampler;

/** GUI of the MQTT Request sampler, made from the settings description. */
public class RequestSamplerGui extends MqttSamplerGui<RequestSampler> {
    private static final long serialVersionUID = 1L;

    public RequestSamplerGui() {
        super(RequestSampler.class);
    }

    @Override
    protected String element() {
        return "request";
    }

    @Override
    protected RequestSampler newElement() {
        return new RequestSampler();
    }
}
