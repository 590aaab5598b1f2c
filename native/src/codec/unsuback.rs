//! UNSUBACK: packet id; in MQTT 5.0 also properties and one reason code per topic filter.

use bytes::{BufMut, Bytes, BytesMut};

use super::disconnect::check_v3_properties;
use super::error::{DecodeError, EncodeError};
use super::fixed_header::{self, PacketType};
use super::primitives::Reader;
use super::properties::{PacketKind, Properties};
use super::reason::ReasonCode;
use super::ProtocolVersion;

/// UNSUBSCRIBE acknowledgement. 3.1/3.1.1 have no payload: `reasons` and `properties`
/// stay empty there; 5.0 needs one reason per unsubscribed filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsubAck {
    pub pkid: u16,
    pub reasons: Vec<ReasonCode>,
    pub properties: Properties,
}

impl UnsubAck {
    /// The 3.1/3.1.1 form.
    pub fn new(pkid: u16) -> UnsubAck {
        UnsubAck {
            pkid,
            reasons: Vec::new(),
            properties: Properties::new(),
        }
    }

    pub(crate) fn size(&self, version: ProtocolVersion) -> Result<usize, EncodeError> {
        if self.pkid == 0 {
            return Err(EncodeError::ZeroPacketId);
        }
        if version != ProtocolVersion::V5 {
            if !self.reasons.is_empty() {
                return Err(EncodeError::V5Only {
                    kind: "UNSUBACK",
                    field: "reason codes",
                });
            }
            check_v3_properties("UNSUBACK", &self.properties)?;
            return Ok(2);
        }
        if self.reasons.is_empty() {
            return Err(EncodeError::Invalid(
                "an MQTT 5.0 UNSUBACK needs at least one reason code",
            ));
        }
        for rc in &self.reasons {
            rc.check_for(PacketKind::UnsubAck)?;
        }
        Ok(2 + self.properties.size(PacketKind::UnsubAck)? + self.reasons.len())
    }

    pub(crate) fn write(&self, version: ProtocolVersion, out: &mut BytesMut, remaining_len: usize) {
        fixed_header::put(out, PacketType::UnsubAck.first_byte(), remaining_len);
        out.put_u16(self.pkid);
        if version == ProtocolVersion::V5 {
            self.properties.write(out);
            for rc in &self.reasons {
                out.put_u8(rc.code());
            }
        }
    }

    pub(crate) fn read(body: Bytes, version: ProtocolVersion) -> Result<UnsubAck, DecodeError> {
        let mut r = Reader::new("UNSUBACK", body);
        let pkid = r.packet_id()?;
        if version != ProtocolVersion::V5 {
            r.finish()?;
            return Ok(UnsubAck::new(pkid));
        }
        let properties = Properties::read(&mut r, PacketKind::UnsubAck)?;
        let codes = r.rest();
        if codes.is_empty() {
            return Err(DecodeError::Malformed("UNSUBACK has no reason code"));
        }
        let reasons = codes
            .iter()
            .map(|&c| ReasonCode::read_for(c, PacketKind::UnsubAck))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(UnsubAck {
            pkid,
            reasons,
            properties,
        })
    }
}
