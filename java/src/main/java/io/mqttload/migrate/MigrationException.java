package io.mqttload.migrate;

/** The input cannot be migrated: not readable, not well-formed XML, or not a JMeter test plan. */
public final class MigrationException extends Exception {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
