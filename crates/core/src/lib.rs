//! livret-core placeholder
