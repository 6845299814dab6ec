//! Parquet through the `parquet` crate's column writers (no Arrow: it would add minutes of compile
//! time for nothing we need). Strings are `BYTE_ARRAY (STRING)`, dates `INT32 (DATE)` (Arrow's
//! Date32, pandas' `datetime.date`), whole numbers `INT32`, lists the standard three-level `LIST`.
//!
//! Rows are buffered column by column and written as a row group whenever [`ROW_GROUP_ROWS`] rows
//! or [`ROW_GROUP_BYTES`] bytes of values are buffered, so memory stays bounded whatever the size
//! of the export. Pages are Snappy-compressed, with dictionaries and statistics (parquet's
//! defaults); the output depends only on the rows, so the same rows give the same bytes.

use std::io::{self, Write};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use parquet::schema::types::{Type, TypePtr};

use super::table::{Column, Kind, Value};
use super::TableWriter;

/// A row group is written when this many rows are buffered...
pub const ROW_GROUP_ROWS: usize = 100_000;
/// ... or when the buffered values take this many bytes.
pub const ROW_GROUP_BYTES: usize = 32 * 1024 * 1024;

enum Buf {
    Bytes {
        vals: Vec<ByteArray>,
        defs: Vec<i16>,
    },
    Int {
        vals: Vec<i32>,
        defs: Vec<i16>,
    },
    List {
        vals: Vec<ByteArray>,
        defs: Vec<i16>,
        reps: Vec<i16>,
    },
}

pub struct ParquetWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: &'static [Column],
    bufs: Vec<Buf>,
    rows: usize,
    bytes: usize,
}

/// The Parquet schema of a table.
pub fn schema(columns: &[Column]) -> parquet::errors::Result<TypePtr> {
    let mut fields = Vec::with_capacity(columns.len());
    for c in columns {
        let repetition = if c.nullable {
            Repetition::OPTIONAL
        } else {
            Repetition::REQUIRED
        };
        let field = match c.kind {
            Kind::Str => Type::primitive_type_builder(c.name, PhysicalType::BYTE_ARRAY)
                .with_repetition(repetition)
                .with_logical_type(Some(LogicalType::String))
                .build()?,
            Kind::Date => Type::primitive_type_builder(c.name, PhysicalType::INT32)
                .with_repetition(repetition)
                .with_logical_type(Some(LogicalType::Date))
                .build()?,
            Kind::Int => Type::primitive_type_builder(c.name, PhysicalType::INT32)
                .with_repetition(repetition)
                .build()?,
            Kind::StrList => {
                let element = Type::primitive_type_builder("element", PhysicalType::BYTE_ARRAY)
                    .with_repetition(Repetition::REQUIRED)
                    .with_logical_type(Some(LogicalType::String))
                    .build()?;
                let list = Type::group_type_builder("list")
                    .with_repetition(Repetition::REPEATED)
                    .with_fields(vec![Arc::new(element)])
                    .build()?;
                Type::group_type_builder(c.name)
                    .with_repetition(repetition)
                    .with_logical_type(Some(LogicalType::List))
                    .with_fields(vec![Arc::new(list)])
                    .build()?
            }
        };
        fields.push(Arc::new(field));
    }
    Ok(Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    ))
}

pub fn parquet_error(e: parquet::errors::ParquetError) -> io::Error {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other),
    }
}

impl<W: Write + Send> ParquetWriter<W> {
    /// `metadata` goes into the file's key-value metadata (e.g. the dataset and schema version);
    /// `unique` names the columns whose values rarely repeat (ids, texts), written without a
    /// dictionary (which would only be built and thrown away).
    pub fn new(
        out: W,
        columns: &'static [Column],
        metadata: Vec<(String, String)>,
        unique: &[&str],
    ) -> io::Result<Self> {
        // Only nullable strings, dates and ints, and non-null lists, are supported.
        debug_assert!(columns
            .iter()
            .all(|c| c.kind != Kind::StrList || !c.nullable));
        let mut props = WriterProperties::builder().set_compression(Compression::SNAPPY);
        for name in unique {
            props = props
                .set_column_dictionary_enabled(ColumnPath::from(*name), false)
                .set_column_statistics_enabled(ColumnPath::from(*name), EnabledStatistics::None);
        }
        let props = props
            .set_key_value_metadata(Some(
                metadata
                    .into_iter()
                    .map(|(k, v)| KeyValue::new(k, v))
                    .collect(),
            ))
            .build();
        let writer = SerializedFileWriter::new(
            out,
            schema(columns).map_err(parquet_error)?,
            Arc::new(props),
        )
        .map_err(parquet_error)?;
        let bufs = columns
            .iter()
            .map(|c| match c.kind {
                Kind::Str => Buf::Bytes {
                    vals: Vec::new(),
                    defs: Vec::new(),
                },
                Kind::Date | Kind::Int => Buf::Int {
                    vals: Vec::new(),
                    defs: Vec::new(),
                },
                Kind::StrList => Buf::List {
                    vals: Vec::new(),
                    defs: Vec::new(),
                    reps: Vec::new(),
                },
            })
            .collect();
        Ok(ParquetWriter {
            writer,
            columns,
            bufs,
            rows: 0,
            bytes: 0,
        })
    }

    fn flush_row_group(&mut self) -> io::Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group().map_err(parquet_error)?;
        let mut i = 0;
        while let Some(mut col) = rg.next_column().map_err(parquet_error)? {
            let nullable = self.columns[i].nullable;
            match &mut self.bufs[i] {
                Buf::Bytes { vals, defs } => {
                    col.typed::<ByteArrayType>()
                        .write_batch(vals, nullable.then_some(&defs[..]), None)
                        .map_err(parquet_error)?;
                    vals.clear();
                    defs.clear();
                }
                Buf::Int { vals, defs } => {
                    col.typed::<Int32Type>()
                        .write_batch(vals, nullable.then_some(&defs[..]), None)
                        .map_err(parquet_error)?;
                    vals.clear();
                    defs.clear();
                }
                Buf::List { vals, defs, reps } => {
                    col.typed::<ByteArrayType>()
                        .write_batch(vals, Some(defs), Some(reps))
                        .map_err(parquet_error)?;
                    vals.clear();
                    defs.clear();
                    reps.clear();
                }
            }
            col.close().map_err(parquet_error)?;
            i += 1;
        }
        rg.close().map_err(parquet_error)?;
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }
}

impl<W: Write + Send> TableWriter for ParquetWriter<W> {
    fn write_row(&mut self, row: &[Value]) -> io::Result<()> {
        if row.len() != self.columns.len() {
            return Err(io::Error::other(format!(
                "a row of {} values for {} columns",
                row.len(),
                self.columns.len()
            )));
        }
        for ((v, buf), c) in row.iter().zip(&mut self.bufs).zip(self.columns) {
            let mismatch = || {
                io::Error::other(format!(
                    "column {}: a value of the wrong type: {v:?}",
                    c.name
                ))
            };
            match (buf, v) {
                (Buf::Bytes { defs, .. } | Buf::Int { defs, .. }, Value::Null) => {
                    if !c.nullable {
                        return Err(io::Error::other(format!("column {}: null", c.name)));
                    }
                    defs.push(0);
                }
                (Buf::Bytes { vals, defs }, Value::Str(s)) => {
                    self.bytes += s.len();
                    vals.push(ByteArray::from(*s));
                    defs.push(1);
                }
                (Buf::Int { vals, defs }, Value::Date(n) | Value::Int(n)) => {
                    self.bytes += 4;
                    vals.push(*n);
                    defs.push(1);
                }
                (Buf::List { vals, defs, reps }, Value::List(items)) => {
                    if items.is_empty() {
                        defs.push(0);
                        reps.push(0);
                    }
                    for (k, s) in items.iter().enumerate() {
                        self.bytes += s.len();
                        vals.push(ByteArray::from(s.as_str()));
                        defs.push(1);
                        reps.push(i16::from(k > 0));
                    }
                }
                _ => return Err(mismatch()),
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS || self.bytes >= ROW_GROUP_BYTES {
            self.flush_row_group()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> io::Result<()> {
        self.flush_row_group()?;
        let mut out = self.writer.into_inner().map_err(parquet_error)?;
        out.flush()
    }
}
