//! The text formats of a table: JSON Lines, RFC 4180 CSV, and NDJSON for an OpenSearch `_bulk`
//! request. Each writes rows as they come; nothing is kept but one line's buffer.

use std::io::{self, Write};

use super::table::{format_date, Column, Value};
use super::TableWriter;

/// Append a JSON object of one row (keys in column order) and a newline to `buf`.
pub fn json_object(buf: &mut Vec<u8>, columns: &[Column], row: &[Value]) {
    buf.push(b'{');
    for (i, (c, v)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        json_string(buf, c.name);
        buf.push(b':');
        json_value(buf, v);
    }
    buf.extend_from_slice(b"}\n");
}

fn json_value(buf: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => buf.extend_from_slice(b"null"),
        Value::Str(s) => json_string(buf, s),
        Value::Date(d) => json_string(buf, &format_date(*d)),
        Value::Int(n) => buf.extend_from_slice(n.to_string().as_bytes()),
        Value::List(items) => {
            buf.push(b'[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                json_string(buf, s);
            }
            buf.push(b']');
        }
    }
}

/// A JSON string literal (serde_json's escaping: quotes, backslashes and control characters).
pub fn json_string(buf: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *buf, s);
}

/// JSON Lines: one object per row.
pub struct JsonlWriter<W: Write> {
    out: W,
    columns: &'static [Column],
    buf: Vec<u8>,
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(out: W, columns: &'static [Column]) -> Self {
        JsonlWriter {
            out,
            columns,
            buf: Vec::with_capacity(4096),
        }
    }
}

impl<W: Write> TableWriter for JsonlWriter<W> {
    fn write_row(&mut self, row: &[Value]) -> io::Result<()> {
        self.buf.clear();
        json_object(&mut self.buf, self.columns, row);
        self.out.write_all(&self.buf)
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.out.flush()
    }
}

/// The name of the index the NDJSON action lines address (and the mapping file creates).
pub const OPENSEARCH_INDEX: &str = "lexharmony-clauses";

/// NDJSON for OpenSearch (or Elasticsearch) `_bulk`: an `index` action line naming the document id
/// (the permalink), then the document.
pub struct NdjsonWriter<W: Write> {
    out: W,
    columns: &'static [Column],
    id_column: usize,
    buf: Vec<u8>,
}

impl<W: Write> NdjsonWriter<W> {
    /// `id_column` is the index of the column whose value is the document id.
    pub fn new(out: W, columns: &'static [Column], id_column: usize) -> Self {
        NdjsonWriter {
            out,
            columns,
            id_column,
            buf: Vec::with_capacity(8192),
        }
    }
}

impl<W: Write> TableWriter for NdjsonWriter<W> {
    fn write_row(&mut self, row: &[Value]) -> io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(b"{\"index\":{\"_index\":");
        json_string(&mut self.buf, OPENSEARCH_INDEX);
        self.buf.extend_from_slice(b",\"_id\":");
        json_value(&mut self.buf, &row[self.id_column]);
        self.buf.extend_from_slice(b"}}\n");
        json_object(&mut self.buf, self.columns, row);
        self.out.write_all(&self.buf)
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.out.flush()
    }
}

/// The UTF-8 byte order mark some spreadsheet programs (Excel) need to read UTF-8 CSV as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, a quote, CR
/// or LF (quotes doubled). Null is an empty field; lists are joined with `;`.
pub struct CsvWriter<W: Write> {
    out: csv::Writer<W>,
    fields: Vec<String>,
}

impl<W: Write> CsvWriter<W> {
    /// Writes the BOM (if asked) and the header row.
    pub fn new(mut out: W, columns: &[Column], bom: bool) -> io::Result<Self> {
        if bom {
            out.write_all(UTF8_BOM)?;
        }
        let mut out = csv_writer(out);
        out.write_record(columns.iter().map(|c| c.name))
            .map_err(csv_error)?;
        Ok(CsvWriter {
            out,
            fields: Vec::new(),
        })
    }
}

/// The CSV dialect of every export: RFC 4180 with CRLF records.
pub fn csv_writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(out)
}

pub fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("csv: {other:?}")),
    }
}

impl<W: Write> TableWriter for CsvWriter<W> {
    fn write_row(&mut self, row: &[Value]) -> io::Result<()> {
        // Owned strings only for the values that are not text already.
        self.fields.clear();
        for v in row {
            self.fields.push(match v {
                Value::Null | Value::Str(_) => String::new(),
                Value::Date(d) => format_date(*d),
                Value::Int(n) => n.to_string(),
                Value::List(items) => items.join(";"),
            });
        }
        let record = row.iter().zip(&self.fields).map(|(v, owned)| match v {
            Value::Str(s) => s.as_bytes(),
            _ => owned.as_bytes(),
        });
        self.out.write_record(record).map_err(csv_error)
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::Kind;

    const COLS: &[Column] = &[
        Column {
            name: "a",
            kind: Kind::Str,
            nullable: true,
            doc: "",
        },
        Column {
            name: "d",
            kind: Kind::Date,
            nullable: true,
            doc: "",
        },
        Column {
            name: "l",
            kind: Kind::StrList,
            nullable: false,
            doc: "",
        },
    ];

    #[test]
    fn json_and_csv_rows() {
        let list = vec!["x".to_string(), "y".to_string()];
        let row = [
            Value::Str("a \"b\",\nc"),
            Value::Date(0),
            Value::List(&list),
        ];
        let mut buf = Vec::new();
        json_object(&mut buf, COLS, &row);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"a\":\"a \\\"b\\\",\\nc\",\"d\":\"1970-01-01\",\"l\":[\"x\",\"y\"]}\n"
        );
        let mut out = Vec::new();
        {
            let mut w: Box<dyn TableWriter> =
                Box::new(CsvWriter::new(&mut out, COLS, true).unwrap());
            w.write_row(&row).unwrap();
            w.write_row(&[Value::Null, Value::Null, Value::List(&[])])
                .unwrap();
            w.finish().unwrap();
        }
        assert_eq!(
            out,
            b"\xEF\xBB\xBFa,d,l\r\n\"a \"\"b\"\",\nc\",1970-01-01,x;y\r\n,,\r\n"
        );
    }
}
