//! Streaming JSON: one or more documents one after another (a saved response, or several
//! concatenated), and the rows of an array under a known key handed over one at a time, so a large
//! export is never held in memory whole.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

use crate::error::ImportError;

/// A JSON deserializer over a buffered reader.
pub type JsonDe<'r, R> = serde_json::Deserializer<serde_json::de::IoRead<&'r mut BufReader<R>>>;

/// Calls `each` with a deserializer for every document in `reader`, with the document's index.
pub fn documents<R: Read>(
    reader: R,
    file: &str,
    format: &'static str,
    mut each: impl FnMut(&mut JsonDe<'_, R>, usize) -> Result<(), serde_json::Error>,
) -> Result<usize, ImportError> {
    let mut buffered = BufReader::with_capacity(1 << 16, reader);
    let mut index = 0;
    loop {
        if !skip_whitespace(&mut buffered).map_err(|source| ImportError::Io {
            file: file.to_owned(),
            source,
        })? {
            return Ok(index);
        }
        let mut de = serde_json::Deserializer::from_reader(&mut buffered);
        each(&mut de, index).map_err(|e| syntax(file, format, index, &e))?;
        index += 1;
    }
}

fn syntax(file: &str, format: &'static str, index: usize, e: &serde_json::Error) -> ImportError {
    let document = if index > 0 {
        format!(" (document {})", index + 1)
    } else {
        String::new()
    };
    ImportError::Syntax {
        file: file.to_owned(),
        format,
        message: format!("{e}{document}"),
    }
}

/// Skips whitespace; false at the end of the input.
fn skip_whitespace(reader: &mut impl BufRead) -> std::io::Result<bool> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let more = n < buf.len();
        reader.consume(n);
        if more {
            return Ok(true);
        }
    }
}

/// Streams the elements of the array under one of `keys` of a document (or of the document itself
/// when it is an array), calling `on(key, index, element)`; other keys are skipped. Gives whether
/// such an array was found.
pub struct ArrayUnder<'f, T, F> {
    /// The keys the rows may be under.
    pub keys: &'static [&'static str],
    /// Called for each row.
    pub on: &'f mut F,
    /// The row type.
    pub row: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for ArrayUnder<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(&'static str, usize, T),
{
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T, F> Visitor<'de> for ArrayUnder<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(&'static str, usize, T),
{
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", self.keys.join("` or `"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            match self.keys.iter().find(|k| **k == key) {
                Some(k) => {
                    map.next_value_seed(Rows {
                        key: k,
                        on: &mut *self.on,
                        row: PhantomData,
                    })?;
                    found = true;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        Rows {
            key: "",
            on: self.on,
            row: PhantomData,
        }
        .visit_seq(seq)
    }
}

struct Rows<'f, T, F> {
    key: &'static str,
    on: &'f mut F,
    row: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for Rows<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(&'static str, usize, T),
{
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for Rows<'_, T, F>
where
    T: DeserializeOwned,
    F: FnMut(&'static str, usize, T),
{
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of rows under `{}`", self.key)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut index = 0;
        loop {
            let next = seq
                .next_element::<T>()
                .map_err(|e| de::Error::custom(format_args!("at `{}[{index}]`: {e}", self.key)))?;
            let Some(row) = next else { break };
            (self.on)(self.key, index, row);
            index += 1;
        }
        Ok(true)
    }
}

/// `key[index]`, or `[index]` for a document that is the array itself.
pub fn path(key: &str, index: usize) -> String {
    format!("{key}[{index}]")
}
