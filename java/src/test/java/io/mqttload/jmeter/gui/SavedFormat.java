package io.mqttload.jmeter.gui;

import java.util.Arrays;
import java.util.List;

/**
 * The properties, in order and with their types, that the element GUIs wrote before their layout was redone
 * (recorded from that version): a new element must still save exactly these, so plans load and save as before.
 * "full" is every field given a value unlike its default (check boxes flipped, texts ${v_<key>}).
 */
final class SavedFormat {
    private SavedFormat() {
    }

    static final List<String> CONNECT_DEFAULTS = Arrays.asList(
            "TestElement.name|StringProperty|MQTT Connect",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.ConnectSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.ConnectSampler",
            "mqtt.server|StringProperty|127.0.0.1",
            "mqtt.port|StringProperty|1883",
            "mqtt.version|StringProperty|3.1",
            "mqtt.conn_timeout|StringProperty|10",
            "mqtt.protocol|StringProperty|TCP",
            "mqtt.ws_path|StringProperty|",
            "mqtt.ca_file|StringProperty|",
            "mqtt.dual_ssl_authentication|BooleanProperty|false",
            "mqtt.clientcert_file_path|StringProperty|",
            "mqtt.clientcert_password|StringProperty|",
            "mqtt.client_key_file|StringProperty|",
            "mqtt.tls_min_version|StringProperty|1.2",
            "mqtt.tls_server_name|StringProperty|",
            "mqtt.tls_verify_hostname|BooleanProperty|true",
            "mqtt.tls_trust_all|BooleanProperty|false",
            "mqtt.user_name|StringProperty|",
            "mqtt.password|StringProperty|",
            "mqtt.client_id_prefix|StringProperty|conn_",
            "mqtt.client_id_suffix|BooleanProperty|true",
            "mqtt.conn_keep_alive|StringProperty|300",
            "mqtt.conn_attempt_max|StringProperty|0",
            "mqtt.reconn_attempt_max|StringProperty|0",
            "mqtt.conn_clean_session|StringProperty|true",
            "mqtt.conn_capacity|StringProperty|1",
            "mqtt.max_inflight|StringProperty|",
            "mqtt.bind_address|StringProperty|",
            "mqtt.connect_rate|StringProperty|",
            "mqtt.will_topic|StringProperty|",
            "mqtt.will_message|StringProperty|",
            "mqtt.will_qos|StringProperty|0",
            "mqtt.will_retain|BooleanProperty|false",
            "mqtt.connection_scope|StringProperty|thread",
            "mqtt.session_expiry|StringProperty|0",
            "mqtt.receive_maximum|StringProperty|65535",
            "mqtt.maximum_packet_size|StringProperty|0",
            "mqtt.topic_alias_maximum|StringProperty|0",
            "mqtt.request_response_info|BooleanProperty|false",
            "mqtt.user_properties|StringProperty|",
            "mqtt.will_delay_interval|StringProperty|0",
            "mqtt.will_message_expiry|StringProperty|0",
            "mqtt.will_content_type|StringProperty|");

    static final List<String> PUBLISH_DEFAULTS = Arrays.asList(
            "TestElement.name|StringProperty|MQTT Publish",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.PublishSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.PublishSampler",
            "mqtt.topic_name|StringProperty|test_topic",
            "mqtt.qos_level|StringProperty|0",
            "mqtt.retained_message|BooleanProperty|false",
            "mqtt.end_marker|BooleanProperty|false",
            "mqtt.message_type|StringProperty|String",
            "mqtt.message_type_fixed_length|StringProperty|1024",
            "mqtt.random_per_message|BooleanProperty|false",
            "mqtt.message_to_sent|StringProperty|",
            "mqtt.timestamp_format|StringProperty|none",
            "mqtt.add_timestamp|BooleanProperty|false",
            "mqtt.messages_per_sample|StringProperty|1",
            "mqtt.publish_target|StringProperty|all",
            "mqtt.ack_timeout|StringProperty|10000",
            "mqtt.message_expiry|StringProperty|0",
            "mqtt.content_type|StringProperty|",
            "mqtt.payload_format_utf8|BooleanProperty|false",
            "mqtt.response_topic|StringProperty|",
            "mqtt.correlation_data|StringProperty|",
            "mqtt.user_properties|StringProperty|",
            "mqtt.use_topic_alias|BooleanProperty|false");

    static final List<String> SUBSCRIBE_DEFAULTS = Arrays.asList(
            "TestElement.name|StringProperty|MQTT Subscribe",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.SubscribeSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.SubscribeSampler",
            "mqtt.topic_name|StringProperty|test_topic",
            "mqtt.qos_level|StringProperty|0",
            "mqtt.sample_condition|StringProperty|specified elapsed time (ms)",
            "mqtt.sample_condition_value|StringProperty|1000",
            "mqtt.sample_timeout|StringProperty|10000",
            "mqtt.add_timestamp|BooleanProperty|false",
            "mqtt.debug_response|BooleanProperty|false",
            "mqtt.no_local|BooleanProperty|false",
            "mqtt.retain_as_published|BooleanProperty|false",
            "mqtt.retain_handling|StringProperty|0",
            "mqtt.subscription_identifier|StringProperty|0");

    static final List<String> UNSUBSCRIBE_DEFAULTS = Arrays.asList(
            "TestElement.name|StringProperty|MQTT Unsubscribe",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.UnsubscribeSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.UnsubscribeSampler",
            "mqtt.topic_name|StringProperty|test_topic",
            "mqtt.unsubscribe_timeout|StringProperty|10000");

    static final List<String> DISCONNECT_DEFAULTS = Arrays.asList(
            "TestElement.name|StringProperty|MQTT Disconnect",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.DisconnectSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.DisconnectSampler",
            "mqtt.disconnect_reason_code|StringProperty|0",
            "mqtt.disconnect_session_expiry|StringProperty|");

    static final List<String> CONNECT_FULL = Arrays.asList(
            "TestElement.name|StringProperty|named",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.ConnectSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.ConnectSampler",
            "TestPlan.comments|StringProperty|a comment",
            "mqtt.server|StringProperty|${v_server}",
            "mqtt.port|StringProperty|${v_port}",
            "mqtt.version|StringProperty|${v_version}",
            "mqtt.conn_timeout|StringProperty|${v_conn_timeout}",
            "mqtt.protocol|StringProperty|${v_protocol}",
            "mqtt.ws_path|StringProperty|${v_ws_path}",
            "mqtt.ca_file|StringProperty|${v_ca_file}",
            "mqtt.dual_ssl_authentication|BooleanProperty|true",
            "mqtt.clientcert_file_path|StringProperty|${v_clientcert_file_path}",
            "mqtt.clientcert_password|StringProperty|${v_clientcert_password}",
            "mqtt.client_key_file|StringProperty|${v_client_key_file}",
            "mqtt.tls_min_version|StringProperty|${v_tls_min_version}",
            "mqtt.tls_server_name|StringProperty|${v_tls_server_name}",
            "mqtt.tls_verify_hostname|BooleanProperty|false",
            "mqtt.tls_trust_all|BooleanProperty|true",
            "mqtt.user_name|StringProperty|${v_user_name}",
            "mqtt.password|StringProperty|${v_password}",
            "mqtt.client_id_prefix|StringProperty|${v_client_id_prefix}",
            "mqtt.client_id_suffix|BooleanProperty|false",
            "mqtt.conn_keep_alive|StringProperty|${v_conn_keep_alive}",
            "mqtt.conn_attempt_max|StringProperty|${v_conn_attempt_max}",
            "mqtt.reconn_attempt_max|StringProperty|${v_reconn_attempt_max}",
            "mqtt.conn_clean_session|StringProperty|${v_conn_clean_session}",
            "mqtt.conn_capacity|StringProperty|${v_conn_capacity}",
            "mqtt.max_inflight|StringProperty|${v_max_inflight}",
            "mqtt.bind_address|StringProperty|${v_bind_address}",
            "mqtt.connect_rate|StringProperty|${v_connect_rate}",
            "mqtt.will_topic|StringProperty|${v_will_topic}",
            "mqtt.will_message|StringProperty|${v_will_message}",
            "mqtt.will_qos|StringProperty|${v_will_qos}",
            "mqtt.will_retain|BooleanProperty|true",
            "mqtt.connection_name|StringProperty|${v_connection_name}",
            "mqtt.connection_scope|StringProperty|${v_connection_scope}",
            "mqtt.session_expiry|StringProperty|${v_session_expiry}",
            "mqtt.receive_maximum|StringProperty|${v_receive_maximum}",
            "mqtt.maximum_packet_size|StringProperty|${v_maximum_packet_size}",
            "mqtt.topic_alias_maximum|StringProperty|${v_topic_alias_maximum}",
            "mqtt.request_response_info|BooleanProperty|true",
            "mqtt.user_properties|StringProperty|${v_user_properties}",
            "mqtt.will_delay_interval|StringProperty|${v_will_delay_interval}",
            "mqtt.will_message_expiry|StringProperty|${v_will_message_expiry}",
            "mqtt.will_content_type|StringProperty|${v_will_content_type}");

    static final List<String> PUBLISH_FULL = Arrays.asList(
            "TestElement.name|StringProperty|named",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.PublishSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.PublishSampler",
            "TestPlan.comments|StringProperty|a comment",
            "mqtt.connection_name|StringProperty|${v_connection_name}",
            "mqtt.topic_name|StringProperty|${v_topic_name}",
            "mqtt.qos_level|StringProperty|${v_qos_level}",
            "mqtt.retained_message|BooleanProperty|true",
            "mqtt.end_marker|BooleanProperty|true",
            "mqtt.message_type|StringProperty|${v_message_type}",
            "mqtt.message_type_fixed_length|StringProperty|${v_message_type_fixed_length}",
            "mqtt.random_per_message|BooleanProperty|true",
            "mqtt.message_to_sent|StringProperty|${v_message_to_sent}",
            "mqtt.timestamp_format|StringProperty|${v_timestamp_format}",
            "mqtt.add_timestamp|BooleanProperty|true",
            "mqtt.messages_per_sample|StringProperty|${v_messages_per_sample}",
            "mqtt.publish_target|StringProperty|${v_publish_target}",
            "mqtt.ack_timeout|StringProperty|${v_ack_timeout}",
            "mqtt.message_expiry|StringProperty|${v_message_expiry}",
            "mqtt.content_type|StringProperty|${v_content_type}",
            "mqtt.payload_format_utf8|BooleanProperty|true",
            "mqtt.response_topic|StringProperty|${v_response_topic}",
            "mqtt.correlation_data|StringProperty|${v_correlation_data}",
            "mqtt.user_properties|StringProperty|${v_user_properties}",
            "mqtt.use_topic_alias|BooleanProperty|true");

    static final List<String> SUBSCRIBE_FULL = Arrays.asList(
            "TestElement.name|StringProperty|named",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.SubscribeSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.SubscribeSampler",
            "TestPlan.comments|StringProperty|a comment",
            "mqtt.connection_name|StringProperty|${v_connection_name}",
            "mqtt.topic_name|StringProperty|${v_topic_name}",
            "mqtt.qos_level|StringProperty|${v_qos_level}",
            "mqtt.sample_condition|StringProperty|${v_sample_condition}",
            "mqtt.sample_condition_value|StringProperty|${v_sample_condition_value}",
            "mqtt.sample_timeout|StringProperty|${v_sample_timeout}",
            "mqtt.add_timestamp|BooleanProperty|true",
            "mqtt.debug_response|BooleanProperty|true",
            "mqtt.no_local|BooleanProperty|true",
            "mqtt.retain_as_published|BooleanProperty|true",
            "mqtt.retain_handling|StringProperty|${v_retain_handling}",
            "mqtt.subscription_identifier|StringProperty|${v_subscription_identifier}");

    static final List<String> UNSUBSCRIBE_FULL = Arrays.asList(
            "TestElement.name|StringProperty|named",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.UnsubscribeSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.UnsubscribeSampler",
            "TestPlan.comments|StringProperty|a comment",
            "mqtt.connection_name|StringProperty|${v_connection_name}",
            "mqtt.topic_name|StringProperty|${v_topic_name}",
            "mqtt.unsubscribe_timeout|StringProperty|${v_unsubscribe_timeout}");

    static final List<String> DISCONNECT_FULL = Arrays.asList(
            "TestElement.name|StringProperty|named",
            "TestElement.gui_class|StringProperty|io.mqttload.jmeter.gui.DisconnectSamplerGui",
            "TestElement.test_class|StringProperty|io.mqttload.jmeter.DisconnectSampler",
            "TestPlan.comments|StringProperty|a comment",
            "mqtt.connection_name|StringProperty|${v_connection_name}",
            "mqtt.disconnect_reason_code|StringProperty|${v_disconnect_reason_code}",
            "mqtt.disconnect_session_expiry|StringProperty|${v_disconnect_session_expiry}");

}
