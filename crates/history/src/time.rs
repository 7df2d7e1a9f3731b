//! Times as exports write them: ISO-8601 instants (`2026-03-02T14:00:00.000Z`), civil times without
//! an offset, and Genesys intervals (`start/end`).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// An instant; a time without an offset is read as UTC (CXone's `intervalStartDate` is UTC).
pub fn utc_instant(text: &str) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    text.parse::<DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned_datetime(TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| unparseable(text))
}

/// A time in `tz`: an instant with an offset is converted to `tz`; a civil time without one is
/// taken as already local to `tz` (a gap's or fold's time resolves as RFC 9557's "compatible").
pub fn local_time(text: &str, tz: &TimeZone) -> Result<ZonedDateTime, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts.to_zoned_datetime(tz.clone()));
    }
    text.parse::<DateTime>()
        .ok()
        .and_then(|dt| tz.to_ambiguous_zoned_datetime(dt).compatible().ok())
        .ok_or_else(|| unparseable(text))
}

/// A Genesys interval, `start/end`, as two instants with the end after the start.
pub fn interval(text: &str) -> Result<(Timestamp, Timestamp), String> {
    let (start, end) = text
        .split_once('/')
        .ok_or_else(|| format!("is {text:?}: not an ISO-8601 interval `start/end`"))?;
    let start = utc_instant(start)?;
    let end = utc_instant(end)?;
    if end <= start {
        return Err(format!("is {text:?}: the end is not after the start"));
    }
    Ok((start, end))
}

fn unparseable(text: &str) -> String {
    format!("is {text:?}: not an ISO-8601 time (2026-03-02T14:00:00Z)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_with_and_without_offset() {
        let z = utc_instant("2026-03-02T14:00:00.000Z").unwrap();
        assert_eq!(z, utc_instant("2026-03-02T14:00:00").unwrap());
        assert_eq!(z, utc_instant("2026-03-02T09:00:00-05:00").unwrap());
        assert!(utc_instant("yesterday").unwrap_err().contains("ISO-8601"));
    }

    #[test]
    fn local_times_keep_civil_times_and_convert_instants() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let a = local_time("2026-03-02 09:15", &ny).unwrap();
        assert_eq!((a.hour(), a.minute()), (9, 15));
        let b = local_time("2026-03-02T14:15:00Z", &ny).unwrap();
        assert_eq!((b.hour(), b.minute()), (9, 15));
    }

    #[test]
    fn genesys_intervals() {
        let (s, e) = interval("2026-03-02T14:00:00.000Z/2026-03-02T14:30:00.000Z").unwrap();
        assert_eq!(e.duration_since(s).as_secs(), 1800);
        assert!(interval("2026-03-02T14:00:00Z").is_err());
        assert!(interval("2026-03-02T14:30:00Z/2026-03-02T14:00:00Z").is_err());
    }
}
