//! Workspace integration tests: the `livret` library and binary against fixture repositories and the sample handbook.

mod cli;
mod encoding;
mod errors;
mod json;
mod layout;
mod links;
mod partial;
mod revisions;
mod sample;
