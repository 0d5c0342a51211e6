//! Images from the book's assets as PDF image XObjects: JPEG passed through as it is (DCTDecode),
//! PNG decoded with the `png` crate and written as flate-compressed samples with a soft mask for
//! its alpha channel. Other formats (SVG, GIF…) are not drawn; the layout shows their alt text.

use lopdf::{Dictionary, Object};

/// A decoded image, ready to be added to the document: its XObject's dictionary and samples
/// (compressed when the document is), and the soft mask of its alpha channel if any.
#[derive(Debug, Clone)]
pub(crate) struct Picture {
    pub width: u32,
    pub height: u32,
    pub dict: Dictionary,
    pub content: Vec<u8>,
    pub mask: Option<Vec<u8>>,
}

fn name(value: &str) -> Object {
    Object::Name(value.as_bytes().to_vec())
}

fn int(value: u32) -> Object {
    Object::Integer(i64::from(value))
}

/// The image in `bytes`, when livret can draw it.
pub(crate) fn decode(bytes: &[u8]) -> Option<Picture> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_image(bytes)
    } else {
        None
    }
}

pub(crate) fn image_dict(width: u32, height: u32, colour_space: &str) -> Dictionary {
    Dictionary::from_iter(vec![
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", int(width)),
        ("Height", int(height)),
        ("ColorSpace", name(colour_space)),
        ("BitsPerComponent", int(8)),
    ])
}

/// Width, height and components from the start-of-frame marker of a JPEG.
fn jpeg(bytes: &[u8]) -> Option<Picture> {
    let mut at = 2;
    let mut adobe = false;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == 0xEE && bytes.get(at + 4..at + 9) == Some(b"Adobe") {
            adobe = true;
        }
        let start_of_frame =
            matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF);
        if start_of_frame {
            let frame = bytes.get(at + 4..at + 10)?;
            let height = u32::from(u16::from_be_bytes([frame[1], frame[2]]));
            let width = u32::from(u16::from_be_bytes([frame[3], frame[4]]));
            let components = frame[5];
            let colour_space = match components {
                1 => "DeviceGray",
                3 => "DeviceRGB",
                4 => "DeviceCMYK",
                _ => return None,
            };
            if width == 0 || height == 0 {
                return None;
            }
            let mut dict = image_dict(width, height, colour_space);
            dict.set("Filter", name("DCTDecode"));
            if components == 4 && adobe {
                // Adobe writes CMYK JPEGs inverted.
                dict.set(
                    "Decode",
                    Object::Array([1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec()),
                );
            }
            return Some(Picture {
                width,
                height,
                dict,
                content: bytes.to_vec(),
                mask: None,
            });
        }
        at += 2 + length;
    }
    None
}

fn png_image(bytes: &[u8]) -> Option<Picture> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).ok()?;
    buffer.truncate(frame.buffer_size());
    let (width, height) = (frame.width, frame.height);
    if width == 0 || height == 0 || frame.bit_depth != png::BitDepth::Eight {
        return None;
    }
    let (channels, colour_space, alpha) = match frame.color_type {
        png::ColorType::Grayscale => (1, "DeviceGray", false),
        png::ColorType::GrayscaleAlpha => (2, "DeviceGray", true),
        png::ColorType::Rgb => (3, "DeviceRGB", false),
        png::ColorType::Rgba => (4, "DeviceRGB", true),
        png::ColorType::Indexed => return None,
    };
    let dict = image_dict(width, height, colour_space);
    let mut soft_mask = None;
    let samples = if alpha {
        let colour = channels - 1;
        let mut samples = Vec::with_capacity(buffer.len() / channels * colour);
        let mut mask = Vec::with_capacity(buffer.len() / channels);
        for pixel in buffer.chunks_exact(channels) {
            samples.extend_from_slice(&pixel[..colour]);
            mask.push(pixel[colour]);
        }
        if mask.iter().any(|&a| a != 255) {
            soft_mask = Some(mask);
        }
        samples
    } else {
        buffer
    };
    Some(Picture {
        width,
        height,
        dict,
        content: samples,
        mask: soft_mask,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×1 RGBA PNG: one opaque red pixel, one half-transparent blue one.
    pub(crate) fn tiny_png() -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, 2, 1);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            let mut writer = encoder.write_header().unwrap();
            writer
                .write_image_data(&[255, 0, 0, 255, 0, 0, 255, 128])
                .unwrap();
        }
        out
    }

    #[test]
    fn png_with_alpha_gets_a_soft_mask() {
        let picture = decode(&tiny_png()).unwrap();
        assert_eq!((picture.width, picture.height), (2, 1));
        assert_eq!(picture.content, [255, 0, 0, 0, 0, 255]);
        assert_eq!(picture.mask.as_deref(), Some(&[255, 128][..]));
    }

    #[test]
    fn jpeg_size_from_its_frame_header() {
        // SOI, APP0 (length 4), SOF0 (8 bits, 3×5 pixels, 3 components), EOI.
        let bytes = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
            0x05, 0x00, 0x03, 0x03, 0xFF, 0xD9,
        ];
        let picture = decode(&bytes).unwrap();
        assert_eq!((picture.width, picture.height), (3, 5));
        assert!(decode(b"<svg/>").is_none());
    }
}
