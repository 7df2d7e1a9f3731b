//! Where in a JSON document a parse error happened, as a field path (`historicalData[1].calls_answered`).
//!
//! serde_json reports a line and a column; a user fixing a request wants the field. This scanner walks
//! the document up to the error's position and keeps the stack of keys and indices it is inside.

/// One level of nesting.
enum Frame {
    /// Inside an object: the last key read, and whether the next string is a key.
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    /// Inside an array: the index of the current element.
    Array { index: usize },
}

/// The field path at 1-based `line` and `column` (in bytes, as serde_json counts) of `json`, or `None` at
/// the top level.
pub(crate) fn path_at(json: &[u8], line: usize, column: usize) -> Option<String> {
    let end = offset(json, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match json[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                i = start;
                while i < end && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    let text = &json[start..i.min(end)];
                    *key = Some(String::from_utf8_lossy(text).into_owned());
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

/// The byte offset of 1-based `line` and `column`, clamped to the document.
fn offset(json: &[u8], line: usize, column: usize) -> usize {
    let mut line_start = 0;
    for _ in 1..line {
        match json[line_start..].iter().position(|&b| b == b'\n') {
            Some(newline) => line_start += newline + 1,
            None => return json.len(),
        }
    }
    (line_start + column).min(json.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        json: &str,
    ) -> Option<String> {
        let error = serde_json::from_str::<T>(json).unwrap_err();
        path_at(json.as_bytes(), error.line(), error.column())
    }

    const BODY: &str = r#"{"predictiveDialerSettings": {"answerRate": 0.38, "agentEfficiency": 0.82, "interval": 3, "maxCalls": 50}, "simulationWindowMinutes": 120, "historicalData": [{"time_bucket": "09:00-10:00", "calls_attempted": 500, "calls_answered": 190, "avg_talk_time_seconds": 145}, {"time_bucket": "10:00-11:00", "calls_attempted": 620, "calls_answered": 245, "avg_talk_time_seconds": 138}]}"#;

    #[test]
    fn paths_of_typical_mistakes() {
        type R = contract::SimulateRequest;
        let wrong_type = BODY.replace("\"answerRate\": 0.38", "\"answerRate\": \"high\"");
        assert_eq!(
            path_of_error::<R>(&wrong_type).as_deref(),
            Some("predictiveDialerSettings.answerRate")
        );
        let negative = BODY.replace("\"calls_answered\": 245", "\"calls_answered\": -1");
        assert_eq!(
            path_of_error::<R>(&negative).as_deref(),
            Some("historicalData[1].calls_answered")
        );
        let unknown = BODY.replace("\"interval\"", "\"intervall\"");
        assert_eq!(
            path_of_error::<R>(&unknown).as_deref(),
            Some("predictiveDialerSettings.intervall")
        );
        let multiline = BODY.replace(
            ", \"simulationWindowMinutes\": 120",
            ",\n  \"simulationWindowMinutes\": \"2h\"",
        );
        assert_eq!(
            path_of_error::<R>(&multiline).as_deref(),
            Some("simulationWindowMinutes")
        );
        let escaped = r#"{"predictiveDialerSettings": {"answerRate": 0.38, "agentEfficiency": 0.82, "interval": 3, "maxCalls": 50, "dialerType": "PRE\"DICTIVE"}}"#;
        assert_eq!(
            path_of_error::<R>(escaped).as_deref(),
            Some("predictiveDialerSettings.dialerType")
        );
    }

    #[test]
    fn missing_fields_point_at_their_object() {
        let missing = BODY.replace("\"interval\": 3, ", "");
        let error = serde_json::from_str::<contract::SimulateRequest>(&missing).unwrap_err();
        assert!(error.to_string().contains("interval"), "{error}");
        let path = path_at(missing.as_bytes(), error.line(), error.column());
        assert!(
            path.as_deref()
                .unwrap_or("")
                .starts_with("predictiveDialerSettings"),
            "{path:?}"
        );
    }
}
