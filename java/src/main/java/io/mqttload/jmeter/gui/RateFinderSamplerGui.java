package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.RateFinderSampler;

/** GUI of the MQTT Rate Finder sampler, made from the settings description. */
public class RateFinderSamplerGui extends MqttSamplerGui<RateFinderSampler> {
    private static final long serialVersionUID = 1L;

    public RateFinderSamplerGui() {
        super(RateFinderSampler.class);
    }

    @Override
    protected String element() {
        return "ratefinder";
    }

    @Override
    protected RateFinderSampler newElement() {
        return new RateFinderSampler();
    }
}
