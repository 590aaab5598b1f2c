//! `static native` methods of `io.mqttload.jni.ConnectionGroup`: a group of 1..N connections,
//! which every sample on the broker works through.

use jni::objects::{JObject, JString};
use jni::sys::{jboolean, jint, jlong};

use super::frame::{create, label, sample, settings};
use super::handles::GROUPS;
use crate::sampler::{
    unsubscribe_until, ConnectConfig, ConnectionGroup, DisconnectSettings, UnsubscribeConfig,
};
use crate::settings::Element;

export! {
    /// From a Connect element's settings document and its name (the label of its live metrics).
    fn Java_io_mqttload_jni_ConnectionGroup_nativeCreate(
        env,
        json: JString<'caller>,
        name: JString<'caller>,
    ) -> jlong {
        let name = label(env, &name)?;
        create(env, &json, Element::Connect, &GROUPS, |s| {
            Ok(ConnectionGroup::new(ConnectConfig::from_json(s)?)?.labelled(&name))
        })
    }
}

export! {
    /// A test run starts (its groups of the previous run are closed): connections are numbered
    /// and identity files read from the start again.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeNewTestRun(_) {
        crate::sampler::number_connections_from_zero();
        crate::settings::forget_identity_files();
        Ok(())
    }
}

export! {
    /// The connection of a Broker Statistics element, from that element's settings.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeCreateForBrokerStats(
        env,
        json: JString<'caller>,
    ) -> jlong {
        create(env, &json, Element::Stats, &GROUPS, |s| {
            ConnectionGroup::new(ConnectConfig::for_broker_stats(s)?)
        })
    }
}

export! {
    /// How many connections the group holds (its settings say; a closed group, 0).
    fn Java_io_mqttload_jni_ConnectionGroup_nativeConnections(_, group: jlong) -> jint {
        Ok(GROUPS
            .get(group)
            .map_or(0, |g| jint::try_from(g.config().connections).unwrap_or(jint::MAX)))
    }
}

export! {
    /// Whether its connections hold sessions the broker keeps, so that a Disconnect keeps the group
    /// for the thread's next Connect to resume.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeIsResumable(_, group: jlong) -> jboolean {
        Ok(GROUPS.get(group).is_some_and(|g| g.config().resumable()))
    }
}

export! {
    fn Java_io_mqttload_jni_ConnectionGroup_nativeConnect(
        env,
        group: jlong,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        sample(env, &probe, group, Element::Connect, async |g, sd| {
            crate::sampler::connect_until(g, sd).await
        })
    }
}

export! {
    fn Java_io_mqttload_jni_ConnectionGroup_nativeDisconnect(env, group: jlong) -> JObject<'caller> {
        sample(env, &JObject::null(), group, Element::Disconnect, async |g, _| {
            g.disconnect().await
        })
    }
}

export! {
    /// DISCONNECT with an MQTT 5.0 reason code and session expiry; bad settings are reported
    /// before a closed group.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeDisconnectWith(
        env,
        group: jlong,
        json: JString<'caller>,
    ) -> JObject<'caller> {
        let with = settings(env, &json, Element::Disconnect, DisconnectSettings::from_json)?;
        sample(env, &JObject::null(), group, Element::Disconnect, async |g, _| {
            g.disconnect_with(with).await
        })
    }
}

export! {
    /// UNSUBSCRIBE on every connection of the group, waiting for the UNSUBACKs; bad settings are
    /// reported before a closed group.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeUnsubscribe(
        env,
        group: jlong,
        json: JString<'caller>,
        probe: JObject<'caller>,
    ) -> JObject<'caller> {
        let config = settings(env, &json, Element::Unsubscribe, UnsubscribeConfig::from_json)?;
        sample(env, &probe, group, Element::Unsubscribe, async |g, sd| {
            unsubscribe_until(g, &config, sd).await
        })
    }
}

export! {
    /// Asked of closed groups too (a thread's end racing a Stop): false then.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeIsConnected(_, group: jlong) -> jboolean {
        Ok(GROUPS.get(group).is_some_and(|g| g.is_connected()))
    }
}

export! {
    /// Stop: what waits on the group ends now. A closed group has nothing to end.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeCancel(_, group: jlong) {
        if let Some(g) = GROUPS.get(group) {
            g.cancel();
        }
        Ok(())
    }
}

export! {
    /// What still waits on the group ends before its connections close, so no sample hangs on a
    /// freed group.
    fn Java_io_mqttload_jni_ConnectionGroup_nativeFree(_, group: jlong) {
        if let Some(g) = GROUPS.remove(group) {
            g.cancel();
            g.close_now();
        }
        Ok(())
    }
}
