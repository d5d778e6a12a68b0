//! YAML (multi-document manifests, `kubectl -o yaml`, `helm template`) into JSON values, keeping the
//! line where each Kubernetes object starts. Built on saphyr-parser's event stream (YAML 1.2).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

use super::SourceError;

/// An object with `kind` and `metadata`, and the 1-based line its mapping starts on.
pub struct LocatedObject {
    pub value: Value,
    pub line: u32,
}

enum Frame {
    Sequence { items: Vec<Value>, anchor: usize },
    Mapping { map: Map<String, Value>, pending_key: Option<String>, anchor: usize, line: u32, is_object: bool },
}

/// Bytes that alias expansion may copy beyond the input's own size: aliases are expanded by
/// copying, and a small file that repeats a large anchor thousands of times ("billion laughs")
/// must be refused before it exhausts memory.
const ALIAS_BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// Parses every document; returns the objects that look like Kubernetes objects (List items
/// included), in document order. Deeply nested or huge alias expansions are refused.
pub fn read_objects(text: &str) -> Result<Vec<LocatedObject>, SourceError> {
    let mut objects = Vec::new();
    for_each_object(
        text,
        |_| true,
        |object| {
            objects.push(object);
            Ok(())
        },
    )?;
    Ok(objects)
}

/// Streams the Kubernetes objects of every document (and of Lists' `items`) to `on_object` as
/// each one ends, so a large manifest never exists as one tree. An object whose `kind` is not
/// `wanted` is skipped from that key on: nothing of it is built and its aliases are not expanded.
/// Returns the number of objects skipped so.
pub fn for_each_object(
    text: &str,
    wanted: impl Fn(&str) -> bool,
    mut on_object: impl FnMut(LocatedObject) -> Result<(), SourceError>,
) -> Result<usize, SourceError> {
    let mut stack: Vec<Frame> = Vec::new();
    // Anchored values with their sizes in bytes; aliases are expanded by copying, within a budget.
    let mut anchors: HashMap<usize, (Value, usize)> = HashMap::new();
    let mut alias_budget: usize = ALIAS_BUDGET_BYTES.saturating_add(text.len());
    // Depth inside an object being skipped (0: not skipping).
    let mut skip_depth = 0usize;
    let mut skipped = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SourceError {
            line: Some(e.marker().line()),
            column: Some(e.marker().col() + 1),
            message: format!("YAML: {}", e.info()),
        })?;
        let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
        if skip_depth > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => skip_depth += 1,
                Event::SequenceEnd | Event::MappingEnd => skip_depth -= 1,
                _ => {}
            }
            continue;
        }
        let completed: Option<(Value, usize)> = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let is_plain = style == ScalarStyle::Plain && tag.is_none();
                Some((scalar(&text, is_plain), anchor))
            }
            Event::Alias(id) => {
                let (value, size) = anchors.get(&id).cloned().unwrap_or((Value::Null, 1));
                alias_budget =
                    alias_budget.checked_sub(size).ok_or_else(|| SourceError::at_line(line as usize, "YAML aliases expand too far"))?;
                Some((value, 0))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Sequence { items: Vec::new(), anchor });
                None
            }
            Event::MappingStart(anchor, _) => {
                // Only documents and the items of a List are objects; a nested reference such as an
                // HPA's `scaleTargetRef` also has apiVersion and kind, and is not one.
                let is_object = stack.is_empty()
                    || matches!(stack.as_slice(), [Frame::Mapping { pending_key: Some(k), .. }, Frame::Sequence { .. }] if k == "items");
                stack.push(Frame::Mapping { map: Map::new(), pending_key: None, anchor, line, is_object });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Sequence { items, anchor }) => Some((Value::Array(items), anchor)),
                _ => return Err(SourceError::at_line(line as usize, "YAML: unbalanced sequence")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Mapping { map, anchor, line: start, is_object, .. }) => {
                    let value = Value::Object(map);
                    let is_list = value.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List"));
                    if is_object && is_k8s_object(&value) && !is_list {
                        // Handed over, not kept: the parent (a List's items) stays small.
                        if anchor != 0 {
                            anchors.insert(anchor, (value.clone(), byte_size(&value)));
                        }
                        on_object(LocatedObject { value, line: start })?;
                        continue;
                    }
                    Some((value, anchor))
                }
                _ => return Err(SourceError::at_line(line as usize, "YAML: unbalanced mapping")),
            },
            Event::DocumentStart(_) | Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::Nothing => None,
        };
        if stack.len() > 128 {
            return Err(SourceError::at_line(line as usize, "YAML nested more than 128 levels"));
        }
        if let Some((value, anchor)) = completed {
            if anchor != 0 {
                let size = byte_size(&value);
                anchors.insert(anchor, (value.clone(), size));
            }
            let mut is_unwanted_object = false;
            match stack.last_mut() {
                Some(Frame::Sequence { items, .. }) => items.push(value),
                Some(Frame::Mapping { map, pending_key, is_object, .. }) => match pending_key.take() {
                    Some(key) => {
                        is_unwanted_object =
                            *is_object && key == "kind" && value.as_str().is_some_and(|kind| !kind.ends_with("List") && !wanted(kind));
                        if !is_unwanted_object {
                            map.insert(key, value);
                        }
                    }
                    None => *pending_key = Some(key_text(value)),
                },
                None => {}
            }
            if is_unwanted_object {
                // The rest of this object is passed over, its aliases unexpanded.
                stack.pop();
                skip_depth = 1;
                skipped += 1;
            }
        }
    }
    Ok(skipped)
}

/// The text with flow collections' continuation lines indented past the block that opened them,
/// as kubectl's YAML reader accepts them unindented (`args: [` … `]` with the `]` under `args`);
/// `None` when nothing needed it. Lines are only padded, never joined, so line numbers hold. Used
/// as a second try after a strict parse fails on indentation.
pub fn relax_flow_indentation(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut depth = 0usize;
    let mut min_indent = 0usize;
    // Inside a block scalar (`key: |`): lines indented past `scalar_indent` are text, not YAML.
    let mut scalar_indent: Option<usize> = None;
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if let Some(block) = scalar_indent {
            if content.is_empty() || indent > block {
                out.push_str(line);
                continue;
            }
            scalar_indent = None;
        }
        if depth > 0 && !content.is_empty() && indent < min_indent {
            out.push_str(&" ".repeat(min_indent - indent));
            changed = true;
        }
        out.push_str(line);
        let was_in_flow = depth > 0;
        depth = flow_depth_after(content, depth);
        if !was_in_flow && depth > 0 {
            // The block that holds the collection: after any `- ` entry markers.
            let entries = content.len() - content.trim_start_matches(['-', ' ']).len();
            min_indent = indent + entries + 1;
        }
        let opens_block_scalar =
            depth == 0 && content.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+').ends_with(['|', '>']);
        if opens_block_scalar {
            scalar_indent = Some(indent);
        }
    }
    changed.then_some(out)
}

/// The flow nesting depth after one line, outside quotes and comments.
fn flow_depth_after(content: &str, mut depth: usize) -> usize {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for c in content.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if previous == ' ' => break,
                '[' | '{' => depth += 1,
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        previous = c;
    }
    depth
}

/// Roughly the memory a value takes: its text plus a word or so per node.
fn byte_size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 16 + items.iter().map(byte_size).sum::<usize>(),
        Value::Object(map) => 16 + map.iter().map(|(k, v)| 16 + k.len() + byte_size(v)).sum::<usize>(),
        Value::String(s) => 16 + s.len(),
        _ => 16,
    }
}

/// True for a mapping with string `apiVersion` and `kind`: a Kubernetes object or List.
pub fn is_k8s_object(value: &Value) -> bool {
    value.get("apiVersion").is_some_and(Value::is_string) && value.get("kind").is_some_and(Value::is_string)
}

fn key_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// YAML 1.2 core schema resolution for plain scalars; quoted scalars are strings.
fn scalar(text: &str, is_plain: bool) -> Value {
    if !is_plain {
        return Value::String(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            if let Ok(i) = text.parse::<i64>() {
                return Value::Number(i.into());
            }
            let looks_numeric =
                text.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)) && text.bytes().any(|b| b.is_ascii_digit());
            if looks_numeric && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64) {
                return Value::Number(n);
            }
            Value::String(text.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_with_lines_and_types() {
        let text = "# Source: chart/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n    spec:\n      hostNetwork: true\n      x: \"true\"\n      n: 3\n";
        let objects = read_objects(text).expect("parses");
        assert_eq!(objects.len(), 2);
        assert_eq!((objects[0].line, objects[1].line), (2, 10));
        assert_eq!(objects[1].value["spec"]["hostNetwork"], Value::Bool(true));
        assert_eq!(objects[1].value["spec"]["x"], Value::String("true".into()));
        assert_eq!(objects[1].value["spec"]["n"], Value::from(3));
    }

    #[test]
    fn nested_references_are_not_objects() {
        let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n";
        let objects = read_objects(text).expect("parses");
        assert_eq!(objects.len(), 1);
        assert_eq!(objects[0].value["kind"], "HorizontalPodAutoscaler");
    }

    #[test]
    fn errors_have_positions() {
        let e = read_objects("apiVersion: v1\nkind: Pod\nmetadata: {name: [}\n").err().expect("error");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let e = read_objects(&text).err().expect("refused");
        assert!(e.message.contains("aliases expand too far"));
    }

    #[test]
    fn flow_collections_at_the_key_indentation_are_relaxed() {
        let text = "spec:\n  args: [\n    \"a\",\n  ]\n  script: |\n    x = [\n  env: {\n  a: b\n  }\n";
        let relaxed = relax_flow_indentation(text).expect("changed");
        assert_eq!(relaxed, "spec:\n  args: [\n    \"a\",\n   ]\n  script: |\n    x = [\n  env: {\n   a: b\n   }\n");
        assert!(relax_flow_indentation("a: [1, 2]\nb: {c: d}\n").is_none());
    }

    #[test]
    fn aliases_are_budgeted_by_bytes() {
        // One 100 kB string repeated 10,000 times: few nodes, a gigabyte of copies.
        let mut text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata:\n  big: &big \"{}\"\n", "x".repeat(100_000));
        for i in 0..10_000 {
            text.push_str(&format!("  k{i}: *big\n"));
        }
        let e = read_objects(&text).err().expect("refused");
        assert!(e.message.contains("aliases expand too far"), "{e}");
    }

    #[test]
    fn unwanted_kinds_are_not_built_and_their_aliases_not_expanded() {
        let mut text = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nbig: &big \"{}\"\nspec:\n", "x".repeat(100_000));
        for i in 0..10_000 {
            text.push_str(&format!("  k{i}: *big\n"));
        }
        text.push_str("---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Endpoints, metadata: {name: e}}\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\n");
        let mut seen = Vec::new();
        let skipped = for_each_object(
            &text,
            |k| k == "Pod",
            |o| {
                seen.push(o.value["kind"].as_str().unwrap_or_default().to_string());
                Ok(())
            },
        )
        .expect("the Service is skipped, not expanded");
        assert_eq!((seen, skipped), (vec!["Pod".to_string()], 2));
    }

    #[test]
    fn anchors_and_aliases() {
        let objects = read_objects("apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: x}\ndata:\n  copy: *m\n").expect("parses");
        assert_eq!(objects[0].value["data"]["copy"]["name"], "x");
    }
}
