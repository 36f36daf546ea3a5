//! Reading manifests as kubectl does: YAML or JSON, several documents per
//! file (`---`), `kind: List` flattened, files and directories, `-` for stdin.

use serde_json::Value;

/// One document with where it came from (for messages such as
/// `error when creating "pod.yaml"`).
#[derive(Clone, Debug)]
pub struct Document {
    /// The source name as kubectl prints it (`pod.yaml`, `STDIN`).
    pub source: String,
    /// The document.
    pub value: Value,
}

/// Parses every document of `text`. A YAML error is worded as kubectl's:
/// `error converting YAML to JSON: yaml: line 3: ...`.
pub fn parse_documents(source: &str, text: &str) -> Result<Vec<Document>, String> {
    let mut docs = Vec::new();
    for de in serde_yaml_ng::Deserializer::from_str(text) {
        let v: Value = match serde::Deserialize::deserialize(de) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map(|l| l.line()).unwrap_or(1);
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                return Err(format!("error parsing {source}: error converting YAML to JSON: yaml: line {line}: {msg}"));
            }
        };
        match v {
            Value::Null => {}
            Value::Object(ref m)
                if m.get("kind")
                    .and_then(Value::as_str)
                    .is_some_and(|k| k.ends_with("List"))
                    && m.get("items").is_some() =>
            {
                for item in m["items"].as_array().cloned().unwrap_or_default() {
                    docs.push(Document {
                        source: source.to_string(),
                        value: item,
                    });
                }
            }
            v => docs.push(Document {
                source: source.to_string(),
                value: v,
            }),
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_documents_and_lists_are_flattened() {
        let d = parse_documents(
            "x.yaml",
            "a: 1\n---\n---\nkind: List\nitems:\n- b: 2\n- c: 3\n",
        )
        .unwrap();
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn yaml_errors_name_the_file_and_line() {
        let e = parse_documents("bad.yaml", "a: b: c\n").unwrap_err();
        assert!(
            e.starts_with("error parsing bad.yaml: error converting YAML to JSON: yaml: line 1:"),
            "{e}"
        );
    }
}
