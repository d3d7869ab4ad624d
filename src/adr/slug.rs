//! File-name slugs: adr-tools' rule (lower case, every run of characters
//! that are not letters or digits becomes one `-`, trimmed), after
//! transliterating to ASCII so `Café` gives `cafe` rather than `caf`.

pub(crate) fn slug(title: &str) -> String {
    let ascii = deunicode::deunicode(title);
    let mut out = String::with_capacity(ascii.len());
    let mut dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        // A title of only symbols still needs a readable file name.
        out.push_str("untitled");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("Something About Node.JS"), "something-about-node-js");
        assert_eq!(slug("Slash/Slash/Slash/"), "slash-slash-slash");
        assert_eq!(slug("-Bar-"), "bar");
        assert_eq!(
            slug("Café & Crème | \"quotes\" \\ back"),
            "cafe-creme-quotes-back"
        );
        assert_eq!(slug("Ship it 🚀"), "ship-it-rocket");
        assert_eq!(slug("!!!"), "untitled");
    }
}
