package io.mqttload.jmeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.jmeter.engine.util.CompoundVariable;
import org.apache.jmeter.functions.InvalidVariableException;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.apache.jmeter.testelement.property.FunctionProperty;
import org.junit.jupiter.api.Test;

/** A sampler's settings document is built once while nothing in it can change from one sample to the next. */
class SettingsCacheTest {

    private static PublishSampler running(String topic) {
        PublishSampler s = new PublishSampler();
        s.setProperty(Keys.TOPIC_NAME, topic);
        s.setRunningVersion(true);
        return s;
    }

    @Test
    void aConstantDocumentIsKeptBetweenSamples() {
        PublishSampler s = running("a/b");
        String first = s.settingsDocument();
        s.recoverRunningVersion();
        assertSame(first, s.settingsDocument());
        assertTrue(first.contains("a/b"), first);
    }

    @Test
    void aPropertySetWhileRunningRebuildsItAndItsRecoveryToo() {
        PublishSampler s = running("a/b");
        String first = s.settingsDocument();
        s.setProperty(Keys.TOPIC_NAME, "c/d");
        String changed = s.settingsDocument();
        assertTrue(changed.contains("c/d"), changed);
        s.recoverRunningVersion();
        String recovered = s.settingsDocument();
        assertEquals(first, recovered);
        assertSame(recovered, s.settingsDocument());
    }

    @Test
    void aFunctionOrVariableIsEvaluatedForEverySampleAndTheDocumentFollowsItsValue() {
        JMeterVariables before = JMeterContextService.getContext().getVariables();
        JMeterContextService.getContext().setVariables(new JMeterVariables());
        JMeterContextService.getContext().setSamplingStarted(true);
        JMeterContextService.getContext().getVariables().put("t", "x/y");
        try {
            PublishSampler s = new PublishSampler();
            s.setProperty(new FunctionProperty(Keys.TOPIC_NAME, compiled("${t}")));
            s.setRunningVersion(true);
            String first = s.settingsDocument();
            assertTrue(first.contains("x/y"), first);
            assertSame(first, s.settingsDocument(), "the same value: the same document");
            JMeterContextService.getContext().getVariables().put("t", "z/w");
            JMeterContextService.getContext().getVariables().incIteration();
            String next = s.settingsDocument();
            assertTrue(next.contains("z/w"), next);
        } finally {
            JMeterContextService.getContext().setSamplingStarted(false);
            JMeterContextService.getContext().setVariables(before);
        }
    }

    private static CompoundVariable compiled(String text) {
        CompoundVariable v = new CompoundVariable();
        try {
            v.setParameters(text);
        } catch (InvalidVariableException e) {
            throw new IllegalStateException(e);
        }
        return v;
    }

    @Test
    void outsideARunNothingIsKept() {
        PublishSampler s = new PublishSampler();
        s.setProperty(Keys.TOPIC_NAME, "a/b");
        assertNotSame(s.settingsDocument(), s.settingsDocument());
    }
}
