//! The Responder operation (the device side of request/response). Its first sample subscribes
//! every connection of the group to its own request filters; from then on the engine answers
//! each request in the background on the connection it came on (`sink`), whether or not a sample
//! is running, and each sample reports what was answered, and what could not be, since the
//! previous one.

mod sink;

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::client::{MessageSink, Session};
use crate::codec::{Properties, SubscriptionOptions};

use super::config::ResponderConfig;
use super::group::ConnectionGroup;
use super::live::{Kind, Live};
use super::outcome::{self, figure, SampleOutcome};
use super::shutdown::Shutdown;
use super::subacks::await_subacks;
use sink::{Answering, ConnectionSink, Tally, Unanswerable};

/// Where this element answers: the group, and per slot its sink, the session it last followed
/// (weakly: the group owns the sessions) and whether that slot has subscribed.
#[derive(Default)]
struct Bound {
    group: Option<u64>,
    sinks: Vec<Option<Arc<ConnectionSink>>>,
    sessions: Vec<Weak<Session>>,
    subscribed: Vec<bool>,
}

pub struct Responder {
    /// Its live metrics, once it has a name (`labelled`).
    live: Option<Live>,
    config: Arc<ResponderConfig>,
    shared: Arc<Answering>,
    bound: Mutex<Bound>,
}

impl Drop for Responder {
    /// A replaced or freed responder stops answering, so two never answer the same request.
    fn drop(&mut self) {
        self.shared.close();
        if let Ok(b) = self.bound.get_mut() {
            detach(b);
        }
    }
}

fn detach(b: &Bound) {
    for (sink, session) in b.sinks.iter().zip(&b.sessions) {
        if let (Some(sink), Some(s)) = (sink, session.upgrade()) {
            let sink: Arc<dyn MessageSink> = sink.clone();
            s.detach(sink);
        }
    }
}

impl Responder {
    pub fn new(config: ResponderConfig) -> Responder {
        let config = Arc::new(config);
        Responder {
            live: None,
            shared: Arc::new(Answering::new(config.clone())),
            config,
            bound: Mutex::new(Bound::default()),
        }
    }

    pub async fn respond(&self, group: &ConnectionGroup) -> SampleOutcome {
        self.respond_until(group, &Shutdown::never()).await
    }

    /// As [`Responder::respond`]; JMeter's Shutdown ends the sample's window (the replies go on
    /// while the element lives).
    pub async fn respond_until(
        &self,
        group: &ConnectionGroup,
        shutdown: &Shutdown,
    ) -> SampleOutcome {
        let o = self.respond_sample(group, shutdown).await;
        if let Some(live) = &self.live {
            live.record(&o);
        }
        o
    }

    /// Its name, under which its samples add to the live metrics.
    pub fn labelled(mut self, label: &str) -> Responder {
        let more = Vec::new();
        self.live = Some(Live::new(Kind::Responder, label, more));
        self
    }

    async fn respond_sample(&self, group: &ConnectionGroup, shutdown: &Shutdown) -> SampleOutcome {
        let started = Instant::now();
        let live = group.connected();
        if live.is_empty() {
            return SampleOutcome::failed(
                outcome::NO_CONNECTION,
                group.not_connected_message(),
                started.elapsed(),
            );
        }
        if let Err(o) = self
            .ensure_subscribed(group, &live, shutdown, started)
            .await
        {
            return o;
        }
        let window = self.config.window;
        let mut cut = None;
        if !window.is_zero() {
            let opened = Instant::now();
            tokio::select! {
                _ = tokio::time::sleep(window) => {}
                _ = shutdown.requested() => cut = Some(opened.elapsed()),
            }
        }
        let tally = self.shared.take();
        let mut o = self.outcome(tally, cut, started.elapsed());
        if !group.has_connected() {
            o.success = false;
            o.error_count = o.error_count.max(1);
            o.code = outcome::NO_CONNECTION.into();
            o.message = format!("{} {}", o.message, group.not_connected_message());
        }
        if let Some(note) = group.notes() {
            o.message = format!("{} ({note})", o.message);
        }
        o
    }

    /// Every live connection subscribed to its own filters with its own sink, once; sessions that
    /// replaced earlier ones (a later Connect) carried the subscription and are followed.
    async fn ensure_subscribed(
        &self,
        group: &ConnectionGroup,
        live: &[(usize, Arc<Session>)],
        shutdown: &Shutdown,
        started: Instant,
    ) -> Result<(), SampleOutcome> {
        let options = SubscriptionOptions::from(self.config.qos);
        let mut waits = Vec::new();
        {
            let Ok(mut b) = self.bound.lock() else {
                return Err(SampleOutcome::failed(
                    outcome::EXCEPTION,
                    "mqttload internal error (please report): a lock was poisoned",
                    started.elapsed(),
                ));
            };
            let slots = group.client_ids().len();
            if b.group != Some(group.id()) {
                detach(&b);
                *b = Bound {
                    group: Some(group.id()),
                    sinks: vec![None; slots],
                    sessions: (0..slots).map(|_| Weak::new()).collect(),
                    subscribed: vec![false; slots],
                };
            }
            for (slot, session) in live {
                let slot = *slot;
                if slot >= slots || std::ptr::eq(b.sessions[slot].as_ptr(), Arc::as_ptr(session)) {
                    continue;
                }
                let vars = group.template_vars(slot);
                let sink = b.sinks[slot]
                    .get_or_insert_with(|| ConnectionSink::new(self.shared.clone(), &vars))
                    .clone();
                sink.follow(session);
                b.sessions[slot] = Arc::downgrade(session);
                if b.subscribed[slot] {
                    continue;
                }
                let filters = self.config.filters_for(&vars);
                let dyn_sink: Arc<dyn MessageSink> = sink;
                let subscribed = session.subscribe_with(
                    filters.iter().map(|f| (f.clone(), options)).collect(),
                    Properties::new(),
                    dyn_sink,
                );
                match subscribed {
                    Ok(w) => {
                        b.subscribed[slot] = true;
                        waits.push((w, filters));
                    }
                    Err(e) => {
                        b.sessions[slot] = Weak::new();
                        return Err(SampleOutcome::failed(
                            outcome::NO_CONNECTION,
                            format!("Subscribe failed: {e}"),
                            started.elapsed(),
                        ));
                    }
                }
            }
        }
        if let Err(o) = await_subacks(waits, self.config.timeout, shutdown, started).await {
            // the next sample subscribes again
            if let Ok(mut b) = self.bound.lock() {
                detach(&b);
                *b = Bound::default();
            }
            return Err(o);
        }
        Ok(())
    }

    fn outcome(&self, t: Tally, cut: Option<Duration>, elapsed: Duration) -> SampleOutcome {
        let unanswered = t.unanswered();
        let mut message = format!(
            "Answered {} request(s) since the previous sample",
            t.answered
        );
        if let Some(d) = t.delays.summary() {
            message.push_str(&format!(
                "; answer delay p50 {:.2} ms, p99 {:.2} ms",
                d.p50 as f64 / 1e3,
                d.p99 as f64 / 1e3
            ));
        }
        let waiting = self.shared.waiting();
        if waiting > 0 {
            message.push_str(&format!("; {waiting} waiting out the processing delay"));
        }
        if unanswered > 0 {
            let kinds: Vec<String> = Unanswerable::ALL
                .iter()
                .zip(&t.unanswerable)
                .filter(|(_, (n, _))| *n > 0)
                .map(|(why, (n, first))| {
                    format!(
                        "{n} {} ({})",
                        why.describe(),
                        first.as_deref().unwrap_or("")
                    )
                })
                .collect();
            message.push_str(&format!(
                "; {unanswered} could not be answered: {}",
                kinds.join("; ")
            ));
        }
        if let Some(after) = cut {
            message.push_str(&format!(
                "; window cut short by JMeter shutdown after {} of {} ms",
                after.as_millis(),
                self.config.window.as_millis()
            ));
        }
        let mut o = if unanswered == 0 {
            SampleOutcome::ok(message, elapsed)
        } else {
            let mut o = SampleOutcome::failed(outcome::FAILED, message, elapsed);
            o.error_count = unanswered;
            o
        };
        o.sample_count = (t.answered + unanswered).max(1);
        o.set_figure(figure::RSP_ANSWERED, t.answered);
        o.set_figure(figure::RSP_UNANSWERABLE, unanswered);
        o.set_figure(figure::RSP_WAITING, waiting);
        o.distribution = t.delays.distribution();
        if let Some(d) = t.delays.summary() {
            o.set_figure(figure::RSP_DELAY_P50_US, d.p50);
            o.set_figure(figure::RSP_DELAY_P99_US, d.p99);
            o.set_figure(figure::RSP_DELAY_MAX_US, d.max);
        }
        o
    }
}
