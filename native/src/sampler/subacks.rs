//! Waiting for SUBACKs: what Subscribe, Request (its reply topics) and Responder (its request
//! filters) do before their first sample can count anything.

use std::time::{Duration, Instant};

use crate::client::SubAckWait;
use crate::codec::SubscribeReturnCode;

use super::outcome::{self, SampleOutcome};
use super::shutdown::Shutdown;

/// Every SUBACK within `timeout`, each filter granted; JMeter's Shutdown ends the wait.
pub(super) async fn await_subacks(
    waits: Vec<(SubAckWait, Vec<String>)>,
    timeout: Duration,
    shutdown: &Shutdown,
    started: Instant,
) -> Result<(), SampleOutcome> {
    let deadline = tokio::time::Instant::now() + timeout;
    for (w, topics) in waits {
        let acked = tokio::select! {
            acked = tokio::time::timeout_at(deadline, w) => acked,
            _ = shutdown.requested() => {
                return Err(SampleOutcome::failed(
                    outcome::EXCEPTION,
                    "Subscribe failed: ended by JMeter shutdown before SUBACK",
                    started.elapsed(),
                ))
            }
        };
        let codes = match acked {
            Ok(Ok(Ok(codes))) => codes,
            Ok(Ok(Err(e))) => {
                return Err(SampleOutcome::failed(
                    outcome::FAILED,
                    format!("Subscribe failed: {e}"),
                    started.elapsed(),
                ))
            }
            Ok(Err(_)) => {
                return Err(SampleOutcome::failed(
                    outcome::FAILED,
                    "Subscribe failed: the connection closed before SUBACK",
                    started.elapsed(),
                ))
            }
            Err(_) => {
                return Err(SampleOutcome::failed(
                    outcome::FAILED,
                    format!(
                        "Subscribe failed: no SUBACK within {} ms",
                        timeout.as_millis()
                    ),
                    started.elapsed(),
                ))
            }
        };
        if let Some(m) = refusal(&topics, &codes) {
            return Err(SampleOutcome::failed(outcome::FAILED, m, started.elapsed()));
        }
    }
    Ok(())
}

/// What fails the sample in a SUBACK: the filters refused (a code missing refuses its filter),
/// with the first refusal's reason.
fn refusal(topics: &[String], codes: &[SubscribeReturnCode]) -> Option<String> {
    let refused: Vec<(&str, SubscribeReturnCode)> = topics
        .iter()
        .zip(
            codes
                .iter()
                .chain(std::iter::repeat(&SubscribeReturnCode::Failure)),
        )
        .filter(|(_, c)| c.is_failure())
        .map(|(t, c)| (t.as_str(), *c))
        .collect();
    let (_, first) = refused.first()?;
    // 3.x keeps its wording; a 5.0 reason code is named ("0x87 Not authorized").
    let why = match first {
        SubscribeReturnCode::Error(rc) => format!("SUBACK {}", rc.describe()),
        _ => "SUBACK return code 0x80 Failure".to_string(),
    };
    Some(format!(
        "Broker refused the subscription to {} ({why})",
        refused
            .iter()
            .map(|(t, _)| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
