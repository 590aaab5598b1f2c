package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.PublishSampler;

/**
 * GUI of the MQTT Publish sampler: where and how to publish on top, the payload and the MQTT 5.0 properties in
 * tabs. Made from the settings description.
 */
public class PublishSamplerGui extends MqttSamplerGui<PublishSampler> {
    private static final long serialVersionUID = 1L;

    public PublishSamplerGui() {
        super(PublishSampler.class);
    }

    @Override
    protected String element() {
        return "publish";
    }

    @Override
    protected PublishSampler newElement() {
        return new PublishSampler();
    }
}
