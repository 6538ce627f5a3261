//! The body of a record create or change: a JSON object read with a bound on its size in
//! entries, so the work a request can cause is bounded before validation starts.
//!
//! A record body is the one open-ended JSON the API accepts (every other body is a typed struct
//! that stops at the first unknown key). Without a bound, a 2 MB body of 170,000 unknown keys was
//! parsed whole and then cost an error with a spelling suggestion per key: seconds of CPU and
//! tens of megabytes of answer. Here parsing stops at the [`MAX_ENTRIES`]th object key or list
//! item, and the client is told at once. Then the JSON-only checks of
//! [`homeward_domain::check_json_input`] run (blank strings, numbers for text).

use std::cell::Cell;
use std::fmt;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use homeward_domain::{check_json_input, Document, RecordKind};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::ApiError;

/// The most object keys and list items, counted together at every depth, a record body may
/// hold. The largest legitimate records (a case with a dozen family members) use a few hundred.
pub const MAX_ENTRIES: usize = 2_000;

/// A record body, bounded in size; [`RecordBody::checked`] gives the document.
pub struct RecordBody(Document);

impl RecordBody {
    /// The document, after the checks only JSON input needs (which name each bad field).
    pub fn checked(self, kind: RecordKind) -> Result<Document, ApiError> {
        check_json_input(kind, &self.0).map_err(|e| ApiError::invalid(e.0))?;
        Ok(self.0)
    }
}

impl<S: Send + Sync> FromRequest<S> for RecordBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // NUL characters are left to the validator, which names the field that holds one.
        if !super::extract::has_json_content_type(req.headers()) {
            return Err(ApiError::with_status(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the record as a JSON object with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            ApiError::with_status(
                r.status(),
                format!("the request body could not be read: {}", r.body_text()),
            )
        })?;
        parse(&bytes).map(Self)
    }
}

/// Parses a record body, stopping at the first entry over [`MAX_ENTRIES`].
pub fn parse(bytes: &[u8]) -> Result<Document, ApiError> {
    let budget = Budget {
        left: Cell::new(MAX_ENTRIES),
        exceeded: Cell::new(false),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = BoundedValue(&budget)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    match value {
        Ok(Value::Object(doc)) => Ok(doc),
        // As axum's `Json` answers: well-formed JSON of the wrong shape is a 422, the rest 400.
        Ok(_) => Err(ApiError::with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the request body must be a JSON object of field names and values",
        )),
        Err(_) if budget.exceeded.get() => Err(ApiError::too_many_entries(MAX_ENTRIES)),
        Err(e) if e.classify() == serde_json::error::Category::Data => Err(ApiError::with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("the request body could not be read: {e}"),
        )),
        Err(e) => Err(ApiError::bad_request(format!(
            "the request body is not valid JSON ({e}); send a JSON object of field names and values"
        ))),
    }
}

/// Entries still allowed.
struct Budget {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn take<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.left.get() {
            0 => {
                self.exceeded.set(true);
                Err(E::custom("too many entries"))
            }
            n => {
                self.left.set(n - 1);
                Ok(())
            }
        }
    }
}

/// A `serde_json::Value` built under a [`Budget`].
struct BoundedValue<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for BoundedValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BoundedValue<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(BoundedValue(self.0))? {
            self.0.take()?;
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.0.take()?;
            if out.contains_key(&key) {
                return Err(A::Error::custom(format!("the field `{key}` is sent twice")));
            }
            let value = map.next_value_seed(BoundedValue(self.0))?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_over_the_bound_is_refused_before_it_is_read_whole() {
        let mut body = String::from("{");
        for i in 0..MAX_ENTRIES + 1 {
            body.push_str(&format!("\"k{i}\":0,"));
        }
        // Not even valid JSON after the bound: parsing must have stopped before reaching it.
        body.push_str("garbage");
        let err = parse(body.as_bytes()).unwrap_err();
        assert_eq!(err.code(), "too_many_entries");
    }

    #[test]
    fn a_body_at_the_bound_is_read() {
        let items: Vec<String> = (0..MAX_ENTRIES - 1).map(|i| i.to_string()).collect();
        let body = format!("{{\"list\":[{}]}}", items.join(","));
        let doc = parse(body.as_bytes()).unwrap();
        assert_eq!(doc["list"].as_array().unwrap().len(), MAX_ENTRIES - 1);
    }

    #[test]
    fn duplicate_keys_and_non_objects_are_refused() {
        let status = |body: &[u8]| parse(body).unwrap_err().status().as_u16();
        assert_eq!(status(br#"{"a":1,"a":2}"#), 422);
        assert_eq!(status(b"[1]"), 422);
        assert_eq!(status(b"{} x"), 400);
        assert_eq!(status(b"{\"a\":"), 400);
        assert!(parse(br#"{"a":{"b":[1,2,{"c":null}]}}"#).is_ok());
    }
}
