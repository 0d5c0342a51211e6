//! The PDF file itself: every object in the order of its number, the cross-reference table, the
//! trailer. Objects come from a lopdf document (fonts, images, outline, metadata) or are
//! already written (pages and their content, written in parallel).

use lopdf::{Dictionary, Document, Object, StringFormat};
use std::collections::BTreeMap;
use std::io::Write;

/// Objects already written, by number: what goes between `n 0 obj` and `endobj`.
pub(crate) type Written = BTreeMap<u32, Vec<u8>>;

/// Writes `value` with at most three decimals.
pub(crate) fn num(out: &mut Vec<u8>, value: f32) {
    let scaled = (f64::from(value) * 1000.0).round() as i64;
    if scaled < 0 {
        out.push(b'-');
    }
    let abs = scaled.unsigned_abs();
    int(out, abs / 1000);
    let mut frac = abs % 1000;
    if frac != 0 {
        out.push(b'.');
        let mut digits = 3;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let mut buffer = [b'0'; 3];
        for slot in buffer[..digits].iter_mut().rev() {
            *slot = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.extend_from_slice(&buffer[..digits]);
    }
}

/// Writes a non-negative integer.
pub(crate) fn int(out: &mut Vec<u8>, mut value: u64) {
    let mut buffer = [0u8; 20];
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&buffer[at..]);
}

fn integer(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    int(out, value.unsigned_abs());
}

fn name(out: &mut Vec<u8>, name: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(b'/');
    for &byte in name {
        let regular = byte.is_ascii_graphic() && !b"#()<>[]{}/%".contains(&byte);
        if regular {
            out.push(byte);
        } else {
            out.extend_from_slice(&[
                b'#',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 15)],
            ]);
        }
    }
}

fn string(out: &mut Vec<u8>, bytes: &[u8], format: StringFormat) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    match format {
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &byte in bytes {
                out.extend_from_slice(&[HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 15)]]);
            }
            out.push(b'>');
        }
        StringFormat::Literal => {
            out.push(b'(');
            for &byte in bytes {
                match byte {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(byte),
                }
            }
            out.push(b')');
        }
    }
}

/// A key and its value, a space between them only where they would run together.
fn entry(out: &mut Vec<u8>, key: &[u8], value: &Object) {
    name(out, key);
    if !matches!(
        value,
        Object::Name(_) | Object::String(..) | Object::Array(_) | Object::Dictionary(_)
    ) {
        out.push(b' ');
    }
    object(out, value);
}

pub(crate) fn dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        entry(out, key, value);
    }
    out.extend_from_slice(b">>");
}

/// Writes an object (a stream only as an indirect object, see [`indirect`]).
pub(crate) fn object(out: &mut Vec<u8>, value: &Object) {
    match value {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => integer(out, *value),
        Object::Real(value) => num(out, *value),
        Object::Name(value) => name(out, value),
        Object::String(bytes, format) => string(out, bytes, *format),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => dictionary(out, dict),
        Object::Reference((id, generation)) => {
            int(out, u64::from(*id));
            out.push(b' ');
            int(out, u64::from(*generation));
            out.extend_from_slice(b" R");
        }
        Object::Stream(stream) => stream_object(out, &stream.dict, &stream.content),
    }
}

/// A stream: its dictionary (with its true `/Length`) and its bytes.
pub(crate) fn stream_object(out: &mut Vec<u8>, dict: &Dictionary, content: &[u8]) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        if key.as_slice() == b"Length" {
            continue;
        }
        entry(out, key, value);
    }
    out.extend_from_slice(b"/Length ");
    int(out, content.len() as u64);
    out.extend_from_slice(b">>stream\n");
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream");
}

/// The whole file: the objects of `doc` and the `written` ones, by number.
pub(crate) fn save(doc: &Document, written: &Written) -> Vec<u8> {
    let size = written
        .keys()
        .copied()
        .chain(doc.objects.keys().map(|id| id.0))
        .max()
        .unwrap_or(0)
        + 1;
    let capacity = written.values().map(Vec::len).sum::<usize>() + 64 * doc.objects.len() + 1024;
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(doc.version.as_bytes());
    out.extend_from_slice(b"\n%\xE2\xE3\xCF\xD3\n");
    let mut offsets = vec![None; size as usize];
    let mut mine = doc.objects.iter().peekable();
    let mut theirs = written.iter().peekable();
    loop {
        let next_mine = mine.peek().map(|((id, _), _)| *id);
        let next_theirs = theirs.peek().map(|(id, _)| **id);
        let take_mine = match (next_mine, next_theirs) {
            (Some(a), Some(b)) => a <= b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let (id, generation) = if take_mine {
            let Some((&(id, generation), value)) = mine.next() else {
                break;
            };
            offsets[id as usize] = Some((out.len(), generation));
            header(&mut out, id, generation);
            object(&mut out, value);
            (id, generation)
        } else {
            let Some((&id, bytes)) = theirs.next() else {
                break;
            };
            offsets[id as usize] = Some((out.len(), 0));
            header(&mut out, id, 0);
            out.extend_from_slice(bytes);
            (id, 0)
        };
        let _ = (id, generation);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let _ = write!(out, "xref\n0 {size}\n0000000000 65535 f \n");
    for offset in offsets.iter().skip(1) {
        match offset {
            Some((at, generation)) => {
                let _ = writeln!(out, "{at:010} {generation:05} n ");
            }
            None => out.extend_from_slice(b"0000000000 65535 f \n"),
        }
    }
    out.extend_from_slice(b"trailer\n");
    let mut trailer = doc.trailer.clone();
    trailer.set("Size", Object::Integer(i64::from(size)));
    dictionary(&mut out, &trailer);
    let _ = write!(out, "\nstartxref\n{xref}\n%%EOF\n");
    out
}

fn header(out: &mut Vec<u8>, id: u32, generation: u16) {
    int(out, u64::from(id));
    out.push(b' ');
    int(out, u64::from(generation));
    out.extend_from_slice(b" obj\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_three_decimals_and_no_trailing_zeros() {
        let mut out = Vec::new();
        for value in [0.0, -0.0, 1.5, -2.25, 10.0, 0.1234, -0.0004, 595.2756, 0.05] {
            num(&mut out, value);
            out.push(b' ');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 0 1.5 -2.25 10 0.123 0 595.276 0.05 "
        );
    }

    #[test]
    fn objects_are_written_in_pdf_syntax() {
        let mut out = Vec::new();
        object(
            &mut out,
            &Object::Dictionary(Dictionary::from_iter(vec![
                ("Type", Object::Name(b"Font#1 x".to_vec())),
                ("A", Object::Array(vec![Object::Integer(-3), Object::Null])),
                ("S", Object::string_literal("a(b)\\")),
                ("R", Object::Reference((12, 0))),
            ])),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<</Type/Font#231#20x/A[-3 null]/S(a\\(b\\)\\\\)/R 12 0 R>>"
        );
    }
}
