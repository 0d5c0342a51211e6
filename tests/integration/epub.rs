//! `livret build --format epub`.
