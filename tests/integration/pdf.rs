//! `livret build --format pdf`.
