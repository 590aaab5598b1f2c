package io.mqttload.jmeter;

/**
 * The property keys and values the Java side refers to by name. What each setting is (type, default, range,
 * label) is in the settings description, not here; a test checks that every key and value here is in it.
 */
public final class Keys {
    private Keys() {
    }

    // Connect (XMeter)
    public static final String SERVER = "mqtt.server";
    public static final String PORT = "mqtt.port";
    public static final String VERSION = "mqtt.version";
    public static final String CONN_TIMEOUT = "mqtt.conn_timeout";
    public static final String PROTOCOL = "mqtt.protocol";
    public static final String WS_PATH = "mqtt.ws_path";
    public static final String DUAL_SSL_AUTHENTICATION = "mqtt.dual_ssl_authentication";
    public static final String CLIENT_CERT_FILE_PATH = "mqtt.clientcert_file_path";
    public static final String CLIENT_CERT_PASSWORD = "mqtt.clientcert_password";
    public static final String USER_NAME = "mqtt.user_name";
    public static final String PASSWORD = "mqtt.password";
    public static final String CLIENT_ID_PREFIX = "mqtt.client_id_prefix";
    public static final String CLIENT_ID_SUFFIX = "mqtt.client_id_suffix";
    public static final String CONN_KEEP_ALIVE = "mqtt.conn_keep_alive";
    public static final String CONN_ATTEMPT_MAX = "mqtt.conn_attempt_max";
    public static final String CONN_ATTEMPT_MAX_OLD = "mqtt.conn_attampt_max";
    public static final String RECONN_ATTEMPT_MAX = "mqtt.reconn_attempt_max";
    public static final String RECONN_ATTEMPT_MAX_OLD = "mqtt.reconn_attampt_max";
    public static final String CONN_CLEAN_SESSION = "mqtt.conn_clean_session";
    public static final String CONN_CAPACITY = "mqtt.conn_capacity";

    // Connect (ours)
    public static final String WILL_TOPIC = "mqtt.will_topic";
    public static final String WILL_MESSAGE = "mqtt.will_message";
    public static final String WILL_QOS = "mqtt.will_qos";
    public static final String WILL_RETAIN = "mqtt.will_retain";
    public static final String CONNECTION_NAME = "mqtt.connection_name";
    public static final String CONNECTION_SCOPE = "mqtt.connection_scope";
    public static final String CA_FILE = "mqtt.ca_file";
    public static final String CLIENT_KEY_FILE = "mqtt.client_key_file";
    public static final String TLS_MIN_VERSION = "mqtt.tls_min_version";
    public static final String TLS_SERVER_NAME = "mqtt.tls_server_name";
    public static final String TLS_VERIFY_HOSTNAME = "mqtt.tls_verify_hostname";
    public static final String TLS_TRUST_ALL = "mqtt.tls_trust_all";

    // Publish / Subscribe (XMeter)
    public static final String QOS_LEVEL = "mqtt.qos_level";
    public static final String RETAINED_MESSAGE = "mqtt.retained_message";
    public static final String TOPIC_NAME = "mqtt.topic_name";
    public static final String ADD_TIMESTAMP = "mqtt.add_timestamp";
    public static final String MESSAGE_TYPE = "mqtt.message_type";
    public static final String MESSAGE_TYPE_FIXED_LENGTH = "mqtt.message_type_fixed_length";
    public static final String MESSAGE_TO_SENT = "mqtt.message_to_sent";
    public static final String SAMPLE_CONDITION = "mqtt.sample_condition";
    public static final String SAMPLE_CONDITION_VALUE = "mqtt.sample_condition_value";
    public static final String DEBUG_RESPONSE = "mqtt.debug_response";

    // Publish / Subscribe (ours)
    public static final String TIMESTAMP_FORMAT = "mqtt.timestamp_format";
    public static final String RANDOM_PER_MESSAGE = "mqtt.random_per_message";
    public static final String MESSAGES_PER_SAMPLE = "mqtt.messages_per_sample";
    public static final String PUBLISH_TARGET = "mqtt.publish_target";
    public static final String ACK_TIMEOUT = "mqtt.ack_timeout";
    /** Publish: at Disconnect, tell subscribers (in any engine) how many messages each stream sent. */
    public static final String END_MARKER = "mqtt.end_marker";
    public static final String SAMPLE_TIMEOUT = "mqtt.sample_timeout";
    /** Publish, message type File: the file whose exact bytes are the payload. */
    public static final String PAYLOAD_FILE = "mqtt.payload_file";
    /** Publish, message type Folder: its files are the payloads, one per message in turn. */
    public static final String PAYLOAD_FOLDER = "mqtt.payload_folder";
    /** Publish pacing: burst (default), interval, rate_per_connection or rate_per_group. */
    public static final String PACE_MODE = "mqtt.pace_mode";
    public static final String PACE_INTERVAL_MS = "mqtt.pace_interval_ms";
    /** Messages per second (per connection or per group, as the mode says); decimals allowed. */
    public static final String PACE_RATE = "mqtt.pace_rate";
    public static final String PACE_DURATION_MS = "mqtt.pace_duration_ms";
    /** At most this many messages per paced sample, all connections together; 0 = no cap. */
    public static final String PACE_MESSAGES = "mqtt.pace_messages";

    // MQTT 5.0. Connect:
    public static final String SESSION_EXPIRY = "mqtt.session_expiry";
    public static final String RECEIVE_MAXIMUM = "mqtt.receive_maximum";
    public static final String MAXIMUM_PACKET_SIZE = "mqtt.maximum_packet_size";
    public static final String TOPIC_ALIAS_MAXIMUM = "mqtt.topic_alias_maximum";
    public static final String REQUEST_RESPONSE_INFO = "mqtt.request_response_info";
    /** Connect and Publish: text, one name=value per line. */
    public static final String USER_PROPERTIES = "mqtt.user_properties";
    public static final String WILL_DELAY_INTERVAL = "mqtt.will_delay_interval";
    public static final String WILL_MESSAGE_EXPIRY = "mqtt.will_message_expiry";
    public static final String WILL_CONTENT_TYPE = "mqtt.will_content_type";
    // Publish:
    public static final String MESSAGE_EXPIRY = "mqtt.message_expiry";
    public static final String CONTENT_TYPE = "mqtt.content_type";
    public static final String PAYLOAD_FORMAT_UTF8 = "mqtt.payload_format_utf8";
    public static final String RESPONSE_TOPIC = "mqtt.response_topic";
    public static final String CORRELATION_DATA = "mqtt.correlation_data";
    public static final String USE_TOPIC_ALIAS = "mqtt.use_topic_alias";
    // Subscribe:
    public static final String NO_LOCAL = "mqtt.no_local";
    public static final String RETAIN_AS_PUBLISHED = "mqtt.retain_as_published";
    public static final String RETAIN_HANDLING = "mqtt.retain_handling";
    public static final String SUBSCRIPTION_IDENTIFIER = "mqtt.subscription_identifier";
    // Disconnect:
    public static final String DISCONNECT_REASON_CODE = "mqtt.disconnect_reason_code";
    /** "" = not sent. */
    public static final String DISCONNECT_SESSION_EXPIRY = "mqtt.disconnect_session_expiry";

    // Broker Statistics (ours)
    /** The $SYS tree subscribed to, without the trailing /#. */
    public static final String SYS_TOPIC_ROOT = "mqtt.sys_topic_root";
    /** Milliseconds the first sample waits for the broker's first $SYS message. */
    public static final String SYS_FIRST_TIMEOUT = "mqtt.sys_first_timeout";

    // Request / Responder (ours)
    public static final String REQUEST_TOPIC = "mqtt.request_topic";
    public static final String REQUEST_QOS = "mqtt.request_qos";
    public static final String REQUEST_TARGETS = "mqtt.request_targets";
    public static final String REQUESTS_PER_SAMPLE = "mqtt.requests_per_sample";
    /** Requests per second for the group; 0 = a sample's requests at once. */
    public static final String REQUEST_RATE = "mqtt.request_rate";
    public static final String REPLY_TIMEOUT = "mqtt.reply_timeout";
    public static final String REQUEST_PAYLOAD = "mqtt.request_payload";
    public static final String REPLY_TOPIC = "mqtt.reply_topic";
    /** none, contains, equals or regex. */
    public static final String REPLY_CHECK = "mqtt.reply_check";
    public static final String REPLY_CHECK_VALUE = "mqtt.reply_check_value";
    public static final String RESPONDER_TOPIC = "mqtt.responder_topic";
    public static final String RESPONDER_QOS = "mqtt.responder_qos";
    public static final String RESPONDER_TIMEOUT = "mqtt.responder_timeout";
    public static final String REPLY_DELAY_MS = "mqtt.reply_delay_ms";
    public static final String RESPONDER_WINDOW_MS = "mqtt.responder_window_ms";
    public static final String REPLY_PAYLOAD = "mqtt.reply_payload";

    // Rate Finder (ours)
    public static final String FINDER_TOPIC = "mqtt.finder_topic";
    public static final String FINDER_QOS = "mqtt.finder_qos";
    /** The group's first N connections subscribe, the others publish. */
    public static final String FINDER_SUBSCRIBERS = "mqtt.finder_subscribers";
    public static final String FINDER_START_RATE = "mqtt.finder_start_rate";
    public static final String FINDER_MAX_RATE = "mqtt.finder_max_rate";
    /** factor or add. */
    public static final String FINDER_STEP_MODE = "mqtt.finder_step_mode";
    public static final String FINDER_STEP_MS = "mqtt.finder_step_ms";
    /** stop_thread, stop_test or new_search. */
    public static final String FINDER_WHEN_DONE = "mqtt.finder_when_done";
    public static final String FINDER_MAX_P99_MS = "mqtt.finder_max_p99_ms";
    public static final String FINDER_MAX_LAG_MS = "mqtt.finder_max_lag_ms";

    // Values
    public static final String SCOPE_TEST = "test";
    public static final String MESSAGE_TYPE_STRING = "String";
    public static final String MESSAGE_TYPE_HEX = "Hex string";
    public static final String MESSAGE_TYPE_RANDOM = "Random string with fixed length";
    public static final String MESSAGE_TYPE_FILE = "File";
    public static final String MESSAGE_TYPE_FOLDER = "Folder";
    public static final String CONDITION_TIME_LABEL = "specified elapsed time (ms)";
    public static final String CONDITION_COUNT_LABEL = "number of received messages";
    public static final String TIMESTAMP_NONE = "none";
    public static final String TIMESTAMP_XMETER = "xmeter";
    public static final String TIMESTAMP_PRECISE = "precise";
    public static final String PACE_BURST = "burst";
    public static final String PACE_INTERVAL = "interval";
    public static final String PACE_RATE_PER_CONNECTION = "rate_per_connection";
    public static final String PACE_RATE_PER_GROUP = "rate_per_group";
    public static final String PROTOCOL_SSL = "SSL";
    public static final String PROTOCOL_WSS = "WSS";

    public static final String VERSION_3_1 = "3.1";
    public static final String VERSION_3_1_1 = "3.1.1";
    public static final String VERSION_5 = "5.0";
}
