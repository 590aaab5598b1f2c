package io.mqttload.jmeter;

import java.math.BigDecimal;
import java.util.List;

import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;

import io.mqttload.contract.Figures;
import io.mqttload.contract.Figures.Figure;
import io.mqttload.jni.Outcome;

/** The JMeter variables an element sets from its outcome's figures, as the results description names them. */
final class ResultVariables {
    private final List<Figure> figures;

    ResultVariables(String element) {
        figures = Figures.variablesOf(element);
    }

    /** The variables' names, in order. */
    String[] names() {
        return figures.stream().map(f -> f.variable).toArray(String[]::new);
    }

    /** Each variable's value for an outcome; "" when not available (no outcome, or a figure that says so). */
    String[] values(Outcome o) {
        String[] out = new String[figures.size()];
        for (int i = 0; i < out.length; i++) {
            Figure f = figures.get(i);
            long v = o == null ? -1 : o.stat(f.index);
            if (o == null || f.unavailable(v)) {
                out[i] = "";
            } else if (f.scale == 1) {
                out[i] = Long.toString(v);
            } else {
                // plain decimal: three decimals carried in an integer come out as 99.8, not 9.98E1
                int digits = Long.toString(f.scale).length() - 1;
                out[i] = BigDecimal.valueOf(v, digits).stripTrailingZeros().toPlainString();
            }
        }
        return out;
    }

    /** Sets them in the current thread's variables (when there are any). */
    void put(Outcome o) {
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        if (vars == null) {
            return;
        }
        String[] values = values(o);
        for (int i = 0; i < values.length; i++) {
            vars.put(figures.get(i).variable, values[i]);
        }
    }
}
