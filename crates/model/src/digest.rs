//! Digests for cache keys: xxh3-128 over an unambiguous encoding of the inputs. Values of the
//! model go through [`serde::Serialize`] (every field the model has) into a compact tagged
//! encoding, several times cheaper than their JSON and as complete.

use serde::ser::{self, Serialize};
use xxhash_rust::xxh3::Xxh3;

/// A digest of everything a result depends on, for [`crate::Cache`] keys.
pub struct Digest {
    hasher: Xxh3,
    /// Small writes are gathered here and hashed in blocks.
    buffer: [u8; BLOCK],
    filled: usize,
}

const BLOCK: usize = 2048;

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digest").finish_non_exhaustive()
    }
}

impl Digest {
    /// A digest that starts with the kind of result, so that two kinds never share a key.
    pub fn new(kind: &str) -> Self {
        let mut digest = Digest {
            hasher: Xxh3::new(),
            buffer: [0; BLOCK],
            filled: 0,
        };
        digest.str(kind);
        digest
    }

    fn raw(&mut self, bytes: &[u8]) {
        let end = self.filled + bytes.len();
        if let Some(room) = self.buffer.get_mut(self.filled..end) {
            room.copy_from_slice(bytes);
            self.filled = end;
            return;
        }
        self.flush();
        if bytes.len() >= BLOCK {
            self.hasher.update(bytes);
        } else {
            self.buffer[..bytes.len()].copy_from_slice(bytes);
            self.filled = bytes.len();
        }
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buffer[..self.filled]);
        self.filled = 0;
    }

    fn tag(&mut self, tag: u8) {
        self.raw(&[tag]);
    }

    fn len(&mut self, len: usize) {
        self.raw(&(len as u64).to_le_bytes());
    }

    /// A string, length first (so that `("ab", "c")` and `("a", "bc")` differ).
    pub fn str(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.len(bytes.len());
        self.raw(bytes);
        self
    }

    /// Any serialisable value, every field of it.
    pub fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> &mut Self {
        if value.serialize(&mut *self).is_err() {
            // Only a custom Serialize can fail; a key that says so is still a key.
            self.tag(TAG_ERROR);
        }
        self
    }

    /// The 128-bit key.
    pub fn key(&mut self) -> u128 {
        self.flush();
        self.hasher.digest128()
    }
}

impl std::hash::Hasher for Digest {
    fn finish(&self) -> u64 {
        let mut hasher = self.hasher.clone();
        hasher.update(&self.buffer[..self.filled]);
        hasher.digest()
    }

    fn write(&mut self, bytes: &[u8]) {
        self.raw(bytes);
    }
}

// Every value starts with a tag; containers end with `TAG_END`, which starts no value: the
// encoding is prefix-free, so two different values never give the same bytes.
const TAG_BOOL: u8 = 1;
const TAG_INT: u8 = 2;
const TAG_FLOAT: u8 = 3;
const TAG_CHAR: u8 = 4;
const TAG_STR: u8 = 5;
const TAG_BYTES: u8 = 6;
const TAG_NONE: u8 = 7;
const TAG_SOME: u8 = 8;
const TAG_UNIT: u8 = 9;
const TAG_VARIANT: u8 = 10;
const TAG_SEQ: u8 = 11;
const TAG_MAP: u8 = 12;
const TAG_STRUCT: u8 = 13;
const TAG_NEWTYPE: u8 = 14;
const TAG_END: u8 = 15;
const TAG_ERROR: u8 = 16;
const TAG_SKIPPED: u8 = 17;
/// Integers up to i128 are `TAG_INT`; a u128 does not fit.
const TAG_U128: u8 = 18;

#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

type Done = Result<(), Error>;

impl Digest {
    fn int(&mut self, value: i128) -> Done {
        self.tag(TAG_INT);
        self.raw(&value.to_le_bytes());
        Ok(())
    }

    /// A variant is known by its index in its type.
    fn variant(&mut self, index: u32) {
        self.tag(TAG_VARIANT);
        self.raw(&index.to_le_bytes());
    }
}

impl ser::Serializer for &mut Digest {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.raw(&[TAG_BOOL, u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.int(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.int(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.int(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.int(v.into())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.int(v)
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.int(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.int(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.int(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.int(v.into())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.tag(TAG_U128);
        self.raw(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tag(TAG_FLOAT);
        self.raw(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.tag(TAG_CHAR);
        self.raw(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.tag(TAG_STR);
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.tag(TAG_BYTES);
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(TAG_NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.tag(TAG_SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(TAG_UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Done {
        self.tag(TAG_UNIT);
        self.str(name);
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Done {
        self.variant(index);
        self.tag(TAG_UNIT);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Done {
        self.tag(TAG_NEWTYPE);
        self.str(name);
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Done {
        self.variant(index);
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
        self.tag(TAG_SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
        self.tag(TAG_SEQ);
        Ok(self)
    }
    fn serialize_tuple_struct(self, name: &'static str, _: usize) -> Result<Self, Error> {
        self.tag(TAG_SEQ);
        self.str(name);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.variant(index);
        self.tag(TAG_SEQ);
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
        self.tag(TAG_MAP);
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
        self.tag(TAG_STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Error> {
        self.variant(index);
        self.tag(TAG_STRUCT);
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Digest {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Digest {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

impl ser::SerializeTupleStruct for &mut Digest {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

impl ser::SerializeTupleVariant for &mut Digest {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

impl ser::SerializeMap for &mut Digest {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Digest {
    type Ok = ();
    type Error = Error;
    // Fields come in the order of the type's declaration, skipped ones included: their
    // position names them.
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, _: &'static str) -> Done {
        // A skipped field (an empty optional one) must differ from a present one.
        self.tag(TAG_SKIPPED);
        Ok(())
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Digest {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, _: &'static str) -> Done {
        self.tag(TAG_SKIPPED);
        Ok(())
    }
    fn end(self) -> Done {
        self.tag(TAG_END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Block, FrontMatter, Inline};

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
        // Skipped fields hold their place: two optional fields next to each other stay apart.
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
        let long = "é".repeat(BLOCK);
        assert_ne!(of(&long), of(&long[2..]));
    }
}
