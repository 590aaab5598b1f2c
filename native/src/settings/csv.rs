//! CSV as spreadsheets and JMeter's CSV Data Set write it (RFC 4180): comma-separated fields,
//! double quotes around a field that holds a comma, a quote ("") or a line break, CRLF or LF.

/// A record and the line it starts on (1-based), for messages.
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

// A record may hold a password: shown as its line and width only.
impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Record(line {}, {} fields)",
            self.line,
            self.fields.len()
        )
    }
}

/// Every record of `text`; blank lines are skipped. The error names the line and the column.
pub fn records(text: &str) -> Result<Vec<Record>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            let column = fields.len() + 1;
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(format!(
                        "line {start}, column {column}: a quoted field has no closing quote"
                    ));
                }
                break;
            };
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
                (false, '"') if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                (false, ',') => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                (false, '\r') if chars.peek() == Some(&'\n') => {}
                (false, '\n') => {
                    line += 1;
                    break;
                }
                (false, '"') => {
                    return Err(format!(
                        "line {line}, column {column}: a quote inside an unquoted field (quote the \
                         field and double the quote: \"a\"\"b\")"
                    ))
                }
                (false, c) => field.push(c),
            }
        }
        fields.push(field);
        let blank = fields.len() == 1 && fields[0].trim().is_empty();
        if !blank {
            out.push(Record {
                line: start,
                fields,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        records(text)
            .unwrap()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn plain_quoted_and_blank() {
        assert_eq!(
            fields("a,b\r\n1,\"x,\"\"y\"\"\"\n\n2,\n"),
            vec![vec!["a", "b"], vec!["1", "x,\"y\""], vec!["2", ""]]
        );
        assert_eq!(
            fields("\u{feff}h\n\"multi\nline\",z"),
            vec![vec!["h"], vec!["multi\nline", "z"]]
        );
        assert_eq!(
            fields("last,without newline"),
            vec![vec!["last", "without newline"]]
        );
    }

    #[test]
    fn lines_are_counted_across_quoted_breaks() {
        let r = records("h\n\"a\nb\"\nc\n").unwrap();
        assert_eq!((r[1].line, r[2].line), (2, 4));
    }

    #[test]
    fn broken_quotes_are_named() {
        let e = records("h\nx,ab\"c\n").unwrap_err();
        assert!(e.starts_with("line 2, column 2: a quote inside"), "{e}");
        let e = records("h\n\"open\n").unwrap_err();
        assert!(
            e.starts_with("line 2, column 1: a quoted field has no closing quote"),
            "{e}"
        );
        // A quote after a quoted break is on a later line than the record's start.
        let e = records("h\n\"a\nb\",c\"d\n").unwrap_err();
        assert!(e.starts_with("line 3, column 2: a quote inside"), "{e}");
    }
}
