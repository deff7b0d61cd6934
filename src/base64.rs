//! Standard base64 (RFC 4648 alphabet, with padding): overlay masks and thumbnails travel as
//! text inside JSON.

const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            out.push(if k <= c.len() { A[(n >> (18 - 6 * k)) as usize & 63] as char } else { '=' });
        }
    }
    out
}

pub fn decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| A.iter().position(|&a| a == c).map(|p| p as u32);
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.chunks(4) {
        let mut n = 0u32;
        for (k, &ch) in c.iter().enumerate() {
            n |= val(ch)? << (18 - 6 * k);
        }
        out.extend(&n.to_be_bytes()[1..c.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_pads() {
        assert_eq!(super::encode(b"ab"), "YWI=");
        for n in 0..7 {
            let v: Vec<u8> = (0..n).map(|i| (i * 97) as u8).collect();
            assert_eq!(super::decode(&super::encode(&v)).unwrap(), v);
        }
        assert_eq!(super::decode("!!"), None);
    }
}
