//! `livret build --format changelog`.
