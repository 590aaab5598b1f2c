package io.mqttload.jmeter.gui;

import io.mqttload.jmeter.BrokerStatsSampler;

/**
 * GUI of the MQTT Broker Statistics sampler: its own connection to the broker, and the $SYS tree it reads. Made
 * from the settings description.
 */
public class BrokerStatsSamplerGui extends MqttSamplerGui<BrokerStatsSampler> {
    private static final long serialVersionUID = 1L;

    public BrokerStatsSamplerGui() {
        super(BrokerStatsSampler.class);
    }

    @Override
    protected String element() {
        return "stats";
    }

    @Override
    protected BrokerStatsSampler newElement() {
        return new BrokerStatsSampler();
    }

    @Override
    public String getLabelResource() {
        return "mqttload_broker_stats_title";
    }
}
