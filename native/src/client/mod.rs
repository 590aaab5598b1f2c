//! Client session: one tokio task per connection owns the socket (the third layer, see DESIGN.md).
//! Callers talk to it through a channel; nobody else touches the socket.

mod error;
mod options;
mod progress;
mod session;
mod topic;

pub use error::ClientError;
pub use options::{
    Attempts, Authenticator, Credentials, OwnCertificate, PerConnection, Ramp, ReconnectLimits,
    Secret, SessionOptions, DEFAULT_INFLIGHT_V3, DEFAULT_OUTBOUND_LIMIT,
};
pub use progress::ConnectProgress;
pub use session::{Carried, Delivery, MessageSink, PublishAck, Session, SubAckWait, UnsubAckWait};
pub use topic::{is_control, route_filter, topic_matches, validate_filter, CONTROL_PREFIX};
