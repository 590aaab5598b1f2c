package io.mqttload.jmeter;

/**
 * The Disconnect sampler's settings. With the defaults (reason code 0, session expiry not sent) the plain
 * groupDisconnect is used; otherwise {@link #toJson()} is the contract's disconnectJson for groupDisconnectWith.
 */
public final class DisconnectSettings {
    /** 0..255; 0 = normal disconnection. */
    public final int reasonCode;
    /** 0..4294967295, or -1 = not sent. */
    public final long sessionExpiry;
    public final String connectionName;

    private DisconnectSettings(Props p) {
        reasonCode = p.integer(Keys.DISCONNECT_REASON_CODE, 0, 0, 255);
        sessionExpiry = p.longInteger(Keys.DISCONNECT_SESSION_EXPIRY, -1, 0, Keys.MAX_FOUR_BYTE_INTEGER);
        connectionName = p.text(Keys.CONNECTION_NAME, "").trim();
    }

    public static DisconnectSettings read(PropertySource source) {
        return new DisconnectSettings(new Props(source));
    }

    /** True when the DISCONNECT carries something beyond the defaults (use groupDisconnectWith). */
    public boolean needsV5() {
        return reasonCode != 0 || sessionExpiry >= 0;
    }

    /** disconnectJson of the contract: {"reasonCode":0,"sessionExpiry":-1}. */
    public String toJson() {
        return Json.object().put("reasonCode", reasonCode).put("sessionExpiry", sessionExpiry).toString();
    }

    @Override
    public String toString() {
        return "DisconnectSettings" + toJson() + (connectionName.isEmpty() ? "" : " on " + connectionName);
    }
}
