//! What one JMeter sample does (the fourth layer, see DESIGN.md): connect a group, publish, collect received
//! messages, disconnect. Each operation returns a plain `SampleOutcome`.

mod acks;
mod broker_stats;
mod client_id;
pub mod clock_sync;
pub mod config;
mod connect;
pub mod envelope;
mod group;
pub mod live;
pub mod outcome;
mod paced;
pub mod payload;
mod publish;
mod ratefinder;
mod request;
mod responder;
mod shutdown;
pub mod stats;
mod streams;
mod subacks;
mod subscribe;
pub mod template;
mod unsubscribe;

pub use broker_stats::{figure_names as broker_figure_names, BrokerStats};
/// The `$SYS` handling of the Broker Statistics sampler and the rate finder's drop guard, without
/// a broker: for the cargo-fuzz target `sys_figures`.
#[doc(hidden)]
pub use broker_stats::{SysReplay, SysReport};
pub use client_id::next_client_id;
pub use config::{
    BrokerStatsConfig, ConfigError, ConnectConfig, DisconnectSettings, PublishConfig,
    RateFinderConfig, RequestConfig, ResponderConfig, SubscribeConfig, UnsubscribeConfig,
};
pub use connect::{connect, connect_until};
pub use group::{
    number_connections_from_zero, set_connect_concurrency, ConnectionGroup,
    DEFAULT_CONNECT_CONCURRENCY,
};
pub use outcome::SampleOutcome;
pub use publish::Publisher;
pub use ratefinder::RateFinder;
#[doc(hidden)]
pub use ratefinder::{sys_growth, SysDrops};
pub use request::Requester;
pub use responder::Responder;
pub use shutdown::{Shutdown, ShutdownTrigger};
pub use subscribe::Subscriber;
pub use unsubscribe::unsubscribe_until;
