//! IPv4 CIDR blocks: parsing for validation and overlap checks.

use std::fmt;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: u32,
    pub len: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/len`; the host bits must be zero (AWS stores the network form).
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (ip, len) = text
            .split_once('/')
            .ok_or_else(|| format!("{text:?} has no prefix length; expected e.g. 10.0.0.0/16"))?;
        let ip: Ipv4Addr = ip
            .parse()
            .map_err(|_| format!("{text:?} is not an IPv4 address with a prefix length"))?;
        let len: u8 = len
            .parse()
            .ok()
            .filter(|l| *l <= 32)
            .ok_or_else(|| format!("{text:?} has a prefix length outside 0..=32"))?;
        let cidr = Cidr {
            addr: u32::from(ip),
            len,
        };
        let network = cidr.network();
        if network != cidr.addr {
            return Err(format!(
                "{text:?} has host bits set; the block is {}/{len}",
                Ipv4Addr::from(network)
            ));
        }
        Ok(cidr)
    }

    fn mask(len: u8) -> u32 {
        if len == 0 { 0 } else { u32::MAX << (32 - len) }
    }

    fn network(&self) -> u32 {
        self.addr & Cidr::mask(self.len)
    }

    /// True when the two blocks share at least one address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        let len = self.len.min(other.len);
        self.addr & Cidr::mask(len) == other.addr & Cidr::mask(len)
    }

    /// True when `ip` (dotted quad) lies inside the block.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & Cidr::mask(self.len) == self.network()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.addr), self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            Cidr::parse("10.0.0.0/16").unwrap().to_string(),
            "10.0.0.0/16"
        );
        assert!(
            Cidr::parse("10.0.0.1/16")
                .unwrap_err()
                .contains("host bits")
        );
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("300.0.0.0/8").is_err());
        assert!(Cidr::parse("10.0.0.0").is_err());
    }

    #[test]
    fn overlap() {
        let a = Cidr::parse("10.0.0.0/16").unwrap();
        assert!(a.overlaps(&Cidr::parse("10.0.128.0/17").unwrap()));
        assert!(Cidr::parse("10.0.0.0/8").unwrap().overlaps(&a));
        assert!(!a.overlaps(&Cidr::parse("10.1.0.0/16").unwrap()));
        assert!(a.contains("10.0.3.4".parse().unwrap()));
    }
}
