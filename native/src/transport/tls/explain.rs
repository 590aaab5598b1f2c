//! A rustls error in plain words: what is wrong with the broker's certificate, or which alert
//! the broker sent, and, for a refused client certificate, what to set.

use rustls::pki_types::UnixTime;
use rustls::{AlertDescription, CertificateError};

use crate::transport::error::TransportError;

/// `name` is the name verified, as the user wrote it. Whether we offered a client certificate
/// decides what a certificate alert blames: our certificate, or its absence.
pub(super) fn rustls_error(err: &rustls::Error, name: &str, client_cert: bool) -> TransportError {
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::NotValidForName => TransportError::NotValidForName {
                name: name.to_string(),
                valid_for: "(names not reported)".into(),
            },
            CertificateError::NotValidForNameContext { presented, .. } => {
                TransportError::NotValidForName {
                    name: name.to_string(),
                    valid_for: presented_names(presented),
                }
            }
            CertificateError::UnknownIssuer => TransportError::UnknownAuthority,
            CertificateError::Expired => TransportError::Expired {
                when: String::new(),
            },
            CertificateError::ExpiredContext { not_after, .. } => TransportError::Expired {
                when: format!(" on {}", utc(*not_after)),
            },
            CertificateError::NotValidYet => TransportError::NotValidYet {
                when: String::new(),
            },
            CertificateError::NotValidYetContext { not_before, .. } => {
                TransportError::NotValidYet {
                    when: format!(" (valid from {})", utc(*not_before)),
                }
            }
            other => TransportError::BadServerCertificate(format!("{other:?}")),
        },
        rustls::Error::AlertReceived(alert) => {
            let client_cert_alert = matches!(
                alert,
                AlertDescription::BadCertificate
                    | AlertDescription::UnknownCA
                    | AlertDescription::CertificateRequired
                    | AlertDescription::HandshakeFailure
                    | AlertDescription::UnsupportedCertificate
                    | AlertDescription::CertificateUnknown
                    | AlertDescription::CertificateExpired
                    | AlertDescription::CertificateRevoked
                    | AlertDescription::AccessDenied
            );
            let missing_cert_alert = matches!(
                alert,
                AlertDescription::CertificateRequired | AlertDescription::HandshakeFailure
            );
            if client_cert && client_cert_alert {
                TransportError::ClientCertRejected {
                    alert: format!("{alert:?}"),
                }
            } else if !client_cert && missing_cert_alert {
                TransportError::ClientCertRequired {
                    alert: format!("{alert:?}"),
                }
            } else {
                TransportError::TlsAlert {
                    alert: format!("{alert:?}"),
                }
            }
        }
        other => TransportError::TlsProtocol(other.to_string()),
    }
}

/// webpki words names as `DnsName("a")` / `IpAddress(1.2.3.4)`: keep only the names.
fn presented_names(presented: &[String]) -> String {
    if presented.is_empty() {
        return "no names (the certificate has no subject alternative names)".into();
    }
    presented
        .iter()
        .map(|p| {
            let inner = p
                .split_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .unwrap_or(p);
            inner.trim_matches('"').to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `YYYY-MM-DD hh:mm:ss UTC` without a date crate (days-from-civil, inverted).
fn utc(t: UnixTime) -> String {
    let secs = t.as_secs();
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX / 2);
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_up() {
        let p = vec![
            "DnsName(\"wrong.example\")".to_string(),
            "IpAddress(10.0.0.1)".to_string(),
        ];
        assert_eq!(presented_names(&p), "wrong.example, 10.0.0.1");
        assert!(presented_names(&[]).contains("no names"));
    }

    #[test]
    fn utc_dates() {
        assert_eq!(
            utc(UnixTime::since_unix_epoch(std::time::Duration::ZERO)),
            "1970-01-01 00:00:00 UTC"
        );
        assert_eq!(
            utc(UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                951_782_400 + 3661
            ))),
            "2000-02-29 01:01:01 UTC"
        );
    }
}
