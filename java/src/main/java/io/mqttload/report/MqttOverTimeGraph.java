package io.mqttload.report;

import java.util.Collections;
import java.util.List;

import org.apache.jmeter.report.processor.MapResultData;
import org.apache.jmeter.report.processor.ValueResultData;
import org.apache.jmeter.report.processor.graph.AbstractOverTimeGraphConsumer;
import org.apache.jmeter.report.processor.graph.AbstractSeriesSelector;
import org.apache.jmeter.report.processor.graph.TimeStampKeysSelector;
import org.apache.jmeter.report.core.Sample;

/**
 * Base of mqttload's dashboard graphs: points at each sample's end (when its messages had arrived),
 * one series per element and figure, and the axis titles the report template's custom-graph page
 * reads (jmeter.reportgenerator.graph.custom_*.property.set_X_Axis / set_Y_Axis / setContentMessage).
 */
public abstract class MqttOverTimeGraph extends AbstractOverTimeGraphConsumer {
    private String xAxis = "Over Time";
    private String yAxis = "";
    private String contentMessage = "";

    public void setXAxis(String axis) {
        xAxis = axis;
    }

    public void setYAxis(String axis) {
        yAxis = axis;
    }

    public void setContentMessage(String message) {
        contentMessage = message;
    }

    @Override
    protected TimeStampKeysSelector createTimeStampKeysSelector() {
        TimeStampKeysSelector keys = new TimeStampKeysSelector();
        keys.setSelectBeginTime(false);
        return keys;
    }

    @Override
    protected void initializeExtraResults(MapResultData parentResult) {
        super.initializeExtraResults(parentResult);
        parentResult.setResult("X_Axis", new ValueResultData(xAxis));
        parentResult.setResult("Y_Axis", new ValueResultData(yAxis));
        parentResult.setResult("content_Message", new ValueResultData(contentMessage));
    }

    /** Series named "{label}{suffix}" for the rows {@link #selects} accepts, none for the others. */
    protected AbstractSeriesSelector seriesPerLabel(String suffix) {
        return new AbstractSeriesSelector() {
            @Override
            public Iterable<String> select(Sample sample) {
                if (sample.isController() || !selects(sample)) {
                    return Collections.emptyList();
                }
                return List.of(sample.getName() + suffix);
            }
        };
    }

    /** Rows this graph plots. */
    protected abstract boolean selects(Sample sample);
}
