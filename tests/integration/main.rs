//! Workspace integration tests: the `livret` library and binary against fixture repositories and the sample handbook.

mod broken;
mod changelog;
mod cli;
mod docs;
mod encoding;
mod epub;
mod errors;
mod hostile;
mod incremental;
mod json;
mod layout;
mod links;
mod partial;
mod pdf;
mod revisions;
mod sample;
mod snapshots;
