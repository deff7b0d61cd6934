//! CSV (RFC 4180), both ways, dependency-free: [`field`] quotes one cell for the manifest the
//! CLI and the page write; [`parse`] reads a CSV (the corpus labels in tests and the accuracy
//! command).
//!
//! # Allocations
//! `field` returns a new string per cell; `parse` returns every row's cells.

/// One CSV field, quoted when it must be (RFC 4180). Cells that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@` first) get a leading apostrophe: file names and keywords come from
/// strangers' files.
pub fn field(s: &str) -> String {
    let offset =
        s.len() == 6 && s.as_bytes()[3] == b':' && s[1..3].bytes().chain(s[4..].bytes()).all(|b| b.is_ascii_digit());
    let risky = s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() && !offset;
    let s = if risky { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// A small RFC 4180 reader: quoted fields may hold commas, newlines and doubled quotes.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_through_the_reader() {
        let cells = ["plain", "a, b", "say \"hi\"", "two\nlines", "=1+1", "-05:00", "-3.5"];
        let line: Vec<String> = cells.iter().map(|c| field(c)).collect();
        let rows = parse(&(line.join(",") + "\r\n"));
        assert_eq!(rows.len(), 1);
        let expect: Vec<String> =
            cells.iter().map(|c| if *c == "=1+1" { "'=1+1".to_string() } else { c.to_string() }).collect();
        assert_eq!(rows[0], expect);
    }
}
