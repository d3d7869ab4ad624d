//! Hostile inputs generated on the fly for issue 13: gzip streams that
//! decompress to gigabytes without ever being held in memory (built from one
//! repeated deflate chunk), and a smart-HTTP git server on 127.0.0.1 that
//! answers `info/refs` and then streams a pack that never ends (or nothing).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// One part of a gzip stream: literal bytes, or `n` copies of one byte.
pub enum Part<'a> {
    Bytes(&'a [u8]),
    Fill(u8, u64),
}

const CHUNK: u64 = 1024 * 1024;
const WARM: u64 = 64 * 1024;

/// A gzip stream of `parts`. A long fill costs about 1 KiB per MiB: after
/// 64 KiB of the byte, the compressed form of one more MiB only refers to
/// the window (all the same byte), so it is repeated as is. The CRC is the
/// real one (combined), so the stream is well formed.
pub fn gzip_parts(parts: &[Part]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let mut crc = flate2::Crc::new();
    let mut out: Vec<u8> = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let take = |enc: &mut flate2::write::DeflateEncoder<Vec<u8>>| {
        enc.flush().unwrap();
        std::mem::take(enc.get_mut())
    };
    for part in parts {
        match part {
            Part::Bytes(b) => {
                enc.write_all(b).unwrap();
                crc.update(b);
            }
            Part::Fill(byte, n) if *n < WARM + CHUNK => {
                let v = vec![*byte; *n as usize];
                enc.write_all(&v).unwrap();
                crc.update(&v);
            }
            Part::Fill(byte, n) => {
                let warm = vec![*byte; WARM as usize];
                enc.write_all(&warm).unwrap();
                crc.update(&warm);
                out.extend(take(&mut enc));
                let chunk = vec![*byte; CHUNK as usize];
                enc.write_all(&chunk).unwrap();
                let packed = take(&mut enc);
                let mut one = flate2::Crc::new();
                one.update(&chunk);
                let copies = (n - WARM) / CHUNK;
                for _ in 0..copies {
                    out.extend_from_slice(&packed);
                    crc.combine(&one);
                }
                let rest = vec![*byte; ((n - WARM) % CHUNK) as usize];
                enc.write_all(&rest).unwrap();
                crc.update(&rest);
            }
        }
    }
    out.extend(enc.finish().unwrap());
    out.extend(crc.sum().to_le_bytes());
    out.extend((crc.amount()).to_le_bytes());
    out
}

/// A 512-byte ustar header (`name`, type `kind`, declared `size`).
pub fn tar_header(name: &str, kind: u8, size: u64) -> Vec<u8> {
    let mut h = tar::Header::new_ustar();
    h.as_ustar_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(tar::EntryType::new(kind));
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_cksum();
    h.as_bytes().to_vec()
}

/// Zeros that pad `n` bytes up to a 512-byte block.
pub fn padding(n: u64) -> Vec<u8> {
    vec![0; ((512 - n % 512) % 512) as usize]
}

/// A tar member with its contents, padded.
pub fn tar_file(name: &str, body: &[u8]) -> Vec<u8> {
    let mut v = tar_header(name, b'0', body.len() as u64);
    v.extend_from_slice(body);
    v.extend(padding(body.len() as u64));
    v
}

/// What the git server does after advertising its refs.
#[derive(Clone, Copy)]
pub enum GitServe {
    /// Streams valid blob objects of a pack forever.
    EndlessPack,
    /// Answers the pack request with nothing, keeping the connection open.
    Silent,
    /// A pack of under 1 KiB whose one delta object inflates to 8 GiB (a
    /// 64 KiB blob copied 131,072 times, one byte per copy).
    DeltaBomb,
}

/// A smart-HTTP git server on 127.0.0.1 serving `/lab.git`.
pub struct GitServer {
    pub port: u16,
}

impl GitServer {
    pub fn start(mode: GitServe) -> GitServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || git_serve(stream, mode));
            }
        });
        GitServer { port }
    }
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/lab.git", self.port)
    }
}

fn pkt(s: &str) -> String {
    format!("{:04x}{s}", s.len() + 4)
}

const FAKE_OID: &str = "1234567890123456789012345678901234567890";

fn git_serve(stream: TcpStream, mode: GitServe) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).map(|n| n == 0).unwrap_or(true) || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut out = stream;
    if first.starts_with("GET") && first.contains("/info/refs") {
        let mut b = pkt("# service=git-upload-pack\n");
        b.push_str("0000");
        b.push_str(&pkt(&format!("{FAKE_OID} HEAD\0no-progress\n")));
        b.push_str(&pkt(&format!("{FAKE_OID} refs/heads/main\n")));
        b.push_str("0000");
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-advertisement\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            b.len()
        );
        let _ = out.write_all(head.as_bytes());
        let _ = out.write_all(b.as_bytes());
        return;
    }
    if !first.starts_with("POST") {
        let _ = out
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    // libgit2 reads a body only with a length or chunked encoding.
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-git-upload-pack-result\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    if out.write_all(head.as_bytes()).is_err() {
        return;
    }
    let until = Instant::now() + Duration::from_secs(60);
    match mode {
        GitServe::Silent => {
            while Instant::now() < until {
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        GitServe::DeltaBomb => {
            let mut body = pkt("NAK\n").into_bytes();
            body.extend_from_slice(&delta_bomb_pack());
            let _ = out.write_all(&chunk(&body));
            let _ = out.write_all(b"0\r\n\r\n");
        }
        GitServe::EndlessPack => {
            let mut start = pkt("NAK\n").into_bytes();
            start.extend_from_slice(b"PACK");
            start.extend_from_slice(&2u32.to_be_bytes());
            // A million 64 KiB objects: 64 GB, endless in practice (libgit2 refuses
            // a count it cannot allocate an index for).
            start.extend_from_slice(&1_000_000u32.to_be_bytes());
            if out.write_all(&chunk(&start)).is_err() {
                return;
            }
            let mut n: u64 = 0;
            while Instant::now() < until {
                n += 1;
                if out.write_all(&chunk(&blob_object(n))).is_err() {
                    return;
                }
            }
        }
    }
}

fn chunk(data: &[u8]) -> Vec<u8> {
    let mut v = format!("{:x}\r\n", data.len()).into_bytes();
    v.extend_from_slice(data);
    v.extend_from_slice(b"\r\n");
    v
}

/// One pack entry: a 64 KiB blob (different each time, hardly compressible).
fn blob_object(seed: u64) -> Vec<u8> {
    let mut data = Vec::with_capacity(64 * 1024);
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while data.len() < 64 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.extend_from_slice(&x.to_le_bytes());
    }
    let size = data.len();
    // Type 3 (blob), size in the variable-length header.
    let mut obj = vec![0x80 | (3 << 4) | (size & 0x0f) as u8];
    let mut rest = size >> 4;
    while rest > 0 {
        let more = if rest >> 7 > 0 { 0x80 } else { 0 };
        obj.push(more | (rest & 0x7f) as u8);
        rest >>= 7;
    }
    let mut z = flate2::write::ZlibEncoder::new(obj, flate2::Compression::fast());
    z.write_all(&data).unwrap();
    z.finish().unwrap()
}

/// The header of a pack entry: type and size (variable length).
fn entry_header(kind: u8, size: u64) -> Vec<u8> {
    let mut rest = size >> 4;
    let mut out = vec![(kind << 4) | (size & 0x0f) as u8 | if rest > 0 { 0x80 } else { 0 }];
    while rest > 0 {
        let b = (rest & 0x7f) as u8;
        rest >>= 7;
        out.push(b | if rest > 0 { 0x80 } else { 0 });
    }
    out
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// A delta's size field: 7 bits a byte, least significant first.
fn delta_size(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// A valid pack (with its SHA-1 trailer, from `sha1sum`): a 64 KiB blob of
/// zeros, then an offset delta on it declaring an 8 GiB result made of
/// 131,072 copies of the whole blob (`0x80` alone = copy 64 KiB from 0).
pub fn delta_bomb_pack() -> Vec<u8> {
    const BASE: usize = 64 * 1024;
    let mut pack = b"PACK".to_vec();
    pack.extend_from_slice(&2u32.to_be_bytes());
    pack.extend_from_slice(&2u32.to_be_bytes());
    let base_at = pack.len();
    pack.extend_from_slice(&entry_header(3, BASE as u64));
    pack.extend_from_slice(&zlib(&[0u8; BASE]));
    let copies = 131_072u64;
    let mut delta = delta_size(BASE as u64);
    delta.extend_from_slice(&delta_size(copies * BASE as u64));
    delta.extend(std::iter::repeat_n(0x80u8, copies as usize));
    let delta_at = pack.len();
    pack.extend_from_slice(&entry_header(6, delta.len() as u64));
    // The negative offset back to the base entry.
    let mut ofs = (delta_at - base_at) as u64;
    let mut enc = vec![(ofs & 0x7f) as u8];
    ofs >>= 7;
    while ofs > 0 {
        ofs -= 1;
        enc.insert(0, 0x80 | (ofs & 0x7f) as u8);
        ofs >>= 7;
    }
    pack.extend_from_slice(&enc);
    pack.extend_from_slice(&zlib(&delta));
    let mut sha = std::process::Command::new("sha1sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("sha1sum");
    sha.stdin.take().unwrap().write_all(&pack).unwrap();
    let hex = String::from_utf8(sha.wait_with_output().unwrap().stdout).unwrap();
    let hex = hex.split_whitespace().next().unwrap();
    pack.extend((0..20).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()));
    pack
}
