//! The gateway's links: every element that moves between the gateway and a device is
//! copied through here and counted, so the counts are what actually crossed.

use serde::Serialize;

use super::tensor::Flat;

/// Elements moved for one device in one round, by the plan's three terms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Elements {
    /// Gateway → device, this round's input.
    pub ti: u64,
    /// Device → gateway, the previous round's output that others need now.
    pub tau: u64,
    /// Device → gateway, this round's output.
    pub to: u64,
}

pub struct Link {
    counted: Vec<Elements>,
    resent: Vec<u64>,
}

/// What a round moved, per device.
pub struct Traffic {
    pub elements: Vec<Elements>,
    /// Elements of `ti` the device had computed itself in the previous round.
    pub resent: Vec<u64>,
}

impl Link {
    pub fn new(devices: usize) -> Self {
        Link {
            counted: vec![Elements::default(); devices],
            resent: vec![0; devices],
        }
    }

    /// The gateway sends `data` to device `d` (`ti`).
    pub fn down(&mut self, d: usize, data: &[f32]) -> Flat {
        self.counted[d].ti += data.len() as u64;
        Flat::copy(data)
    }

    /// Device `d` uploads part of the previous round's output (`τo`).
    pub fn tau(&mut self, d: usize, data: &[f32]) -> Flat {
        self.counted[d].tau += data.len() as u64;
        Flat::copy(data)
    }

    /// Device `d` uploads this round's output (`to`).
    pub fn up(&mut self, d: usize, data: &[f32]) -> Flat {
        self.counted[d].to += data.len() as u64;
        Flat::copy(data)
    }

    /// Notes that `n` of the elements just sent to device `d` were its own output.
    pub fn resent(&mut self, d: usize, n: u64) {
        self.resent[d] += n;
    }

    pub fn traffic(self) -> Traffic {
        Traffic {
            elements: self.counted,
            resent: self.resent,
        }
    }
}
