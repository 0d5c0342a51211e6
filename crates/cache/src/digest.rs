//! Digests for cache keys: xxh3-128 over the MessagePack encoding of the inputs, streamed into
//! the hasher. Structs are encoded with their field names, so that a skipped optional field
//! (`skip_serializing_if`) cannot make two different values encode alike, as it would in an
//! encoding by position.

use serde::Serialize;
use std::io::Write;
use xxhash_rust::xxh3::Xxh3;

/// A digest of everything a result depends on, for [`livret_model::Cache`] keys.
pub struct Digest {
    /// MessagePack writes many small pieces: they are gathered and hashed in blocks.
    out: std::io::BufWriter<Hashing>,
}

struct Hashing(Xxh3);

impl Write for Hashing {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digest").finish_non_exhaustive()
    }
}

impl Digest {
    /// A digest that starts with the kind of result, so that two kinds never share a key.
    pub fn new(kind: &str) -> Self {
        let mut digest = Digest {
            out: std::io::BufWriter::with_capacity(4096, Hashing(Xxh3::new())),
        };
        digest.str(kind);
        digest
    }

    /// A string (encoded with its length, so that `("ab", "c")` and `("a", "bc")` differ).
    pub fn str(&mut self, text: &str) -> &mut Self {
        self.value(text)
    }

    /// Bytes, length first.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.raw(&(bytes.len() as u64).to_le_bytes());
        self.raw(bytes);
        self
    }

    /// Any serialisable value, every field of it.
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        let mut serializer = rmp_serde::Serializer::new(&mut self.out).with_struct_map();
        if value.serialize(&mut serializer).is_err() {
            // Only a custom Serialize can fail; a key that says so is still a key.
            self.raw(&[0xc1]);
        }
        self
    }

    /// The 128-bit key.
    pub fn key(&mut self) -> u128 {
        let _ = self.out.flush();
        self.out.get_ref().0.digest128()
    }

    fn raw(&mut self, bytes: &[u8]) {
        // Writing into the hasher cannot fail.
        let _ = self.out.write_all(bytes);
    }
}

impl std::hash::Hasher for Digest {
    fn finish(&self) -> u64 {
        let mut hasher = self.out.get_ref().0.clone();
        hasher.update(self.out.buffer());
        hasher.digest()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.raw(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use livret_model::{Block, FrontMatter, Inline};

    fn of<T: Serialize + ?Sized>(value: &T) -> u128 {
        Digest::new("test").value(value).key()
    }

    #[test]
    fn digests_separate_their_parts_and_see_every_field() {
        let digest = |parts: &[&str]| {
            let mut digest = Digest::new("test");
            for part in parts {
                digest.str(part);
            }
            digest.key()
        };
        assert_ne!(digest(&["ab", "c"]), digest(&["a", "bc"]));
        assert_eq!(digest(&["ab", "c"]), digest(&["ab", "c"]));
        assert_ne!(digest(&["ab"]), Digest::new("other").str("ab").key());
        let text = |t: &str| Inline::Text { text: t.to_owned() };
        let one = Block::Paragraph {
            content: vec![text("a"), text("b")],
        };
        let two = Block::Paragraph {
            content: vec![text("ab")],
        };
        let three = Block::Quote {
            blocks: vec![Block::Paragraph {
                content: vec![text("a"), text("b")],
            }],
        };
        assert_eq!(of(&one), of(&one.clone()));
        assert_ne!(of(&one), of(&two));
        assert_ne!(of(&one), of(&three));
        assert_ne!(of(&Some("")), of(&None::<&str>));
        assert_ne!(of(&vec![vec![1u8], vec![]]), of(&vec![vec![], vec![1u8]]));
        // Skipped fields are told apart by name: two optional fields next to each other stay apart.
        let icon = FrontMatter {
            icon: Some("x".to_owned()),
            ..FrontMatter::default()
        };
        let cover = FrontMatter {
            cover: Some("x".to_owned()),
            ..FrontMatter::default()
        };
        assert_ne!(of(&icon), of(&cover));
        // A large value goes through the buffer in blocks.
        let long = "é".repeat(4096);
        assert_ne!(of(&long), of(&long[2..]));
        let mut split = Digest::new("test");
        split.bytes(b"ab").bytes(b"c");
        assert_ne!(
            split.key(),
            Digest::new("test").bytes(b"a").bytes(b"bc").key()
        );
    }
}
