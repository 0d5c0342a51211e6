//! livret's core: reads a GitBook handbook out of a Git repository at any revision and parses it
//! into the typed document model, with diagnostics.

mod assets;
mod config;
mod error;
pub mod git;
mod history;
mod html;
mod links;
mod liquid;
mod load;
mod markdown;
mod parse;
mod source;
mod summary;
mod text;
mod versions;

pub use assets::MAX_ASSET_BYTES;
pub use config::{GitbookLayout, SETTINGS_FILE};
pub use error::Error;
pub use git::WalkMode;
pub use history::{history_with, HistoryOptions};
pub use links::{slug, BookIndex};
pub use load::{load, LoadOptions, Loaded};
pub use markdown::AnchoredLink;
pub use parse::{parse_page, Library, ParsedPage};
pub use source::Source;
pub use text::repair_mojibake;
pub use versions::parse_versions;
