//! Addresses found working, with the day they were, in
//! `.vitrine/liens.json`: a rerun within a week asks only for the others.
//! Failures are never kept, so a fixed address is seen fixed at once.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// How long a working address is trusted without asking again.
const FRESH_DAYS: i32 = 7;

#[derive(Default, Serialize, Deserialize)]
pub struct Cache {
    /// Address → day it answered well.
    #[serde(default)]
    ok: BTreeMap<String, Date>,
}

impl Cache {
    pub fn is_fresh(&self, url: &str, today: Date) -> bool {
        self.ok.get(url).is_some_and(|day| {
            let age = (today - *day).get_days();
            (0..FRESH_DAYS).contains(&age)
        })
    }

    pub fn record(&mut self, url: &str, today: Date) {
        self.ok.insert(url.to_string(), today);
    }
}

/// The cache, or an empty one when it is missing or unreadable.
pub fn read(path: &Path) -> Cache {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Writes the cache through a temporary file, so an interrupted run
/// leaves the previous one whole.
pub fn write(path: &Path, cache: &Cache) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(cache).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, path)
}
