//! The reverse proxies in front of the server (`DOORBRAAK_TRUSTED_PROXIES`)
//! and the client address behind them: a forwarded address is believed only
//! from a trusted proxy, so no client can choose its own.

/// Addresses and networks (`10.0.0.1`, `10.0.0.0/8`, `::1`) of the reverse
/// proxies in front of the server (`DOORBRAAK_TRUSTED_PROXIES`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(std::net::IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma-separated list; names the first bad entry.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (ip, prefix) = entry.split_once('/').unwrap_or((entry, ""));
            let ip: std::net::IpAddr = ip.parse().map_err(|_| entry.to_string())?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                "" => max,
                p => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= max)
                    .ok_or_else(|| entry.to_string())?,
            };
            nets.push((ip, prefix));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        let bits = |ip: std::net::IpAddr| match ip {
            std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32u8),
            std::net::IpAddr::V6(v6) => (u128::from(v6), 128u8),
        };
        let ip = match ip {
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
            v4 => v4,
        };
        let (addr, width) = bits(ip);
        self.0.iter().any(|(net, prefix)| {
            let (net, net_width) = bits(*net);
            net_width == width && {
                let shift = u32::from(width - prefix);
                shift >= 128 || (addr >> shift) == (net >> shift)
            }
        })
    }

    /// The client behind the proxies: the socket's address, or — when that is
    /// a trusted proxy — the right-most `X-Forwarded-For` entry that is not.
    pub fn client(&self, socket: std::net::IpAddr, forwarded_for: &[&str]) -> std::net::IpAddr {
        if !self.contains(socket) {
            return socket;
        }
        let mut client = socket;
        for entry in forwarded_for
            .iter()
            .flat_map(|h| h.split(','))
            .map(str::trim)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            match entry.parse::<std::net::IpAddr>() {
                Ok(ip) if self.contains(ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().expect("ip");
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5,::1").expect("list");
        assert!(proxies.contains(ip("10.200.3.4")));
        assert!(proxies.contains(ip("::ffff:10.1.1.1")));
        assert!(!proxies.contains(ip("11.0.0.1")));
        assert!(proxies.contains(ip("192.168.1.5")));
        assert!(!proxies.contains(ip("192.168.1.6")));
        // Not from a proxy: the header is the client's own word, ignored.
        assert_eq!(proxies.client(ip("8.8.8.8"), &["1.2.3.4"]), ip("8.8.8.8"));
        // From a proxy: the right-most address that is not a proxy.
        assert_eq!(
            proxies.client(ip("10.0.0.1"), &["6.6.6.6, 1.2.3.4", "10.0.0.2"]),
            ip("1.2.3.4")
        );
        assert_eq!(proxies.client(ip("10.0.0.1"), &[]), ip("10.0.0.1"));
        assert_eq!(proxies.client(ip("10.0.0.1"), &["garbage"]), ip("10.0.0.1"));
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(
            TrustedProxies::parse("0.0.0.0/0")
                .expect("all")
                .contains(ip("1.1.1.1"))
        );
    }
}
