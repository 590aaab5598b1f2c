//! DISCONNECT and AUTH, plus the "reason code, then properties, both optional" tail they
//! share with the MQTT 5.0 PUBACK family.
//!
//! DISCONNECT in 3.1/3.1.1 has no body. In 5.0 both packets may stop after the fixed header
//! (reason 0x00, no properties) or after the reason code (no properties).

use bytes::{BufMut, Bytes, BytesMut};

use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::properties::{PacketKind, Properties};
use super::reason::ReasonCode;
use super::ProtocolVersion;

/// Size of an optional reason code and optional properties, shortest form.
pub(crate) fn reason_tail_size(
    reason: ReasonCode,
    properties: &Properties,
    kind: PacketKind,
) -> Result<usize, EncodeError> {
    reason.check_for(kind)?;
    let props = properties.size(kind)?;
    Ok(if !properties.is_empty() {
        1 + props
    } else if reason != ReasonCode::Success {
        1
    } else {
        0
    })
}

/// Writes what [`reason_tail_size`] measured.
pub(crate) fn write_reason_tail(out: &mut BytesMut, reason: ReasonCode, properties: &Properties) {
    if !properties.is_empty() {
        out.put_u8(reason.code());
        properties.write(out);
    } else if reason != ReasonCode::Success {
        out.put_u8(reason.code());
    }
}

/// Reads an optional reason code and optional properties up to the end of the body.
pub(crate) fn read_reason_tail(
    r: &mut Reader,
    kind: PacketKind,
) -> Result<(ReasonCode, Properties), DecodeError> {
    if r.is_empty() {
        return Ok((ReasonCode::Success, Properties::new()));
    }
    let reason = ReasonCode::read_for(r.u8("reason code")?, kind)?;
    let properties = if r.is_empty() {
        Properties::new()
    } else {
        Properties::read(r, kind)?
    };
    Ok((reason, properties))
}

/// In 3.1/3.1.1 the 5.0 fields must hold their defaults: refusing beats dropping them.
pub(crate) fn check_v3_tail(
    kind: &'static str,
    reason: ReasonCode,
    properties: &Properties,
) -> Result<(), EncodeError> {
    if reason != ReasonCode::Success {
        return Err(EncodeError::V5Only {
            kind,
            field: "reason code",
        });
    }
    check_v3_properties(kind, properties)
}

pub(crate) fn check_v3_properties(
    kind: &'static str,
    properties: &Properties,
) -> Result<(), EncodeError> {
    if properties.is_empty() {
        Ok(())
    } else {
        Err(EncodeError::V5Only {
            kind,
            field: "properties",
        })
    }
}

/// DISCONNECT. The default (reason 0x00 "Normal disconnection", no properties) is the only
/// form 3.1/3.1.1 knows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect {
    pub reason: ReasonCode,
    pub properties: Properties,
}

impl Disconnect {
    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if version != ProtocolVersion::V5 {
            check_v3_tail("DISCONNECT", self.reason, &self.properties)?;
            return Ok(0);
        }
        reason_tail_size(self.reason, &self.properties, PacketKind::Disconnect)
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::Disconnect.first_byte(), remaining_len);
        if version == ProtocolVersion::V5 {
            write_reason_tail(out, self.reason, &self.properties);
        }
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<Disconnect, DecodeError> {
        let mut r = Reader::new("DISCONNECT", body);
        let (reason, properties) = if version == ProtocolVersion::V5 {
            read_reason_tail(&mut r, PacketKind::Disconnect)?
        } else {
            (ReasonCode::Success, Properties::new())
        };
        r.finish()?;
        Ok(Disconnect { reason, properties })
    }
}

/// AUTH (MQTT 5.0 only): the enhanced-authentication exchange.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth {
    /// 0x00 Success, 0x18 Continue authentication or 0x19 Re-authenticate.
    pub reason: ReasonCode,
    pub properties: Properties,
}

impl Auth {
    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if version != ProtocolVersion::V5 {
            return Err(EncodeError::V5Only {
                kind: "AUTH",
                field: "the packet",
            });
        }
        reason_tail_size(self.reason, &self.properties, PacketKind::Auth)
    }

    pub(crate) fn write(&self, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::Auth.first_byte(), remaining_len);
        write_reason_tail(out, self.reason, &self.properties);
    }

    pub(crate) fn read(body: Bytes) -> Result<Auth, DecodeError> {
        let mut r = Reader::new("AUTH", body);
        let (reason, properties) = read_reason_tail(&mut r, PacketKind::Auth)?;
        r.finish()?;
        Ok(Auth { reason, properties })
    }
}
