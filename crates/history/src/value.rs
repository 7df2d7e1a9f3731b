//! Numbers, durations and ids as exports send them: JSON numbers, or the same as strings (`"42"`),
//! durations as seconds or ISO-8601 (`PT2M5S`).

use jiff::SignedDuration;
use serde_json::Value;

/// A count (dials, connects, abandons): a whole number ≥ 0, as a number or a string.
pub fn count(value: &Value) -> Result<u64, String> {
    let x = number(value)?;
    if x < 0.0 {
        return Err(format!("is {x}: a count cannot be negative"));
    }
    if x.fract() != 0.0 {
        return Err(format!("is {x}: a count must be a whole number"));
    }
    if x > 9.0e15 {
        return Err(format!("is {x}: too large for a count"));
    }
    // A whole, non-negative number below 2^53: exact as an integer.
    Ok(x as u64)
}

/// A duration in seconds ≥ 0: a number of seconds, as a number or a string, or an ISO-8601 duration.
pub fn seconds(value: &Value) -> Result<f64, String> {
    let x = match value {
        Value::String(s) if s.trim_start().starts_with(['P', 'p', '-', '+']) && !is_numeric(s) => {
            let d: SignedDuration = s.trim().parse().map_err(|e| {
                format!("is {s:?}: not a number of seconds nor an ISO-8601 duration (PT2M5S): {e}")
            })?;
            d.as_secs_f64()
        }
        other => number(other)?,
    };
    if x < 0.0 {
        return Err(format!("is {x}: a duration cannot be negative"));
    }
    Ok(x)
}

/// An id (skill, campaign) as text: numbers and strings alike.
pub fn id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A finite number, as a JSON number or a string holding one.
pub fn number(value: &Value) -> Result<f64, String> {
    let x = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match x {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(format!("is {value}: not a number")),
    }
}

fn is_numeric(s: &str) -> bool {
    s.trim().parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_accept_numbers_and_strings_and_refuse_negative_or_fractional() {
        assert_eq!(count(&json!(42)), Ok(42));
        assert_eq!(count(&json!("42")), Ok(42));
        assert_eq!(count(&json!(" 7 ")), Ok(7));
        assert!(count(&json!(-1)).unwrap_err().contains("negative"));
        assert!(count(&json!("2.5")).unwrap_err().contains("whole"));
        assert!(count(&json!("abc")).unwrap_err().contains("not a number"));
        assert!(count(&json!(null)).is_err());
    }

    #[test]
    fn seconds_accept_iso_durations() {
        assert_eq!(seconds(&json!("PT2M5S")), Ok(125.0));
        assert_eq!(seconds(&json!("PT1H")), Ok(3600.0));
        assert_eq!(seconds(&json!("PT0.5S")), Ok(0.5));
        assert_eq!(seconds(&json!("145.5")), Ok(145.5));
        assert_eq!(seconds(&json!(90)), Ok(90.0));
        assert!(seconds(&json!("PTxS")).is_err());
        assert!(seconds(&json!("-PT5S")).unwrap_err().contains("negative"));
    }

    #[test]
    fn ids_are_text() {
        assert_eq!(id(&json!(101)), Some("101".into()));
        assert_eq!(id(&json!("abc")), Some("abc".into()));
        assert_eq!(id(&json!([1])), None);
    }
}
