//! CSV and JSON of exactly the rows and columns a reader sees, each value with its source.

use super::columns::{cell, label};
use crate::data::{Column, Dataset, Model};
use serde_json::{json, Map, Value};

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per model: id, name, then for each column its value and the URL of its source.
pub fn to_csv(ds: &Dataset, rows: &[&Model], columns: &[Column]) -> String {
    let mut header = vec!["id".to_string(), "name".to_string()];
    for col in columns {
        let l = label(ds, col);
        header.push(l.clone());
        header.push(format!("{l} source"));
    }
    let mut out = String::new();
    out.push_str(
        &header
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for m in rows {
        let mut fields = vec![m.id.clone(), m.name.clone()];
        for col in columns {
            let c = cell(ds, m, col);
            fields.push(c.raw);
            fields.push(
                c.source
                    .as_deref()
                    .and_then(|id| ds.source(id))
                    .map(|s| s.url.clone())
                    .unwrap_or_default(),
            );
        }
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// `{dataset, models: [{id, name, <column key>: {value, source: {…}, self_reported}}]}`.
pub fn to_json(ds: &Dataset, rows: &[&Model], columns: &[Column]) -> String {
    let models: Vec<Value> = rows
        .iter()
        .map(|m| {
            let mut obj = Map::new();
            obj.insert("id".into(), json!(m.id));
            obj.insert("name".into(), json!(m.name));
            for col in columns {
                let c = cell(ds, m, col);
                if c.is_missing() {
                    obj.insert(col.key(), Value::Null);
                    continue;
                }
                let value = c
                    .raw
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(|x| json!(x))
                    .unwrap_or_else(|| json!(c.raw));
                let mut entry = Map::new();
                entry.insert("value".into(), value);
                if let Some(s) = c.source.as_deref().and_then(|id| ds.source(id)) {
                    entry.insert(
                        "source".into(),
                        json!({"id": s.id, "url": s.url, "publisher": s.publisher, "title": s.title, "date_read": s.date_read}),
                    );
                }
                if let Some(sr) = c.self_reported {
                    entry.insert("self_reported".into(), json!(sr));
                }
                if let Some(d) = c.detail {
                    entry.insert("detail".into(), json!(d));
                }
                obj.insert(col.key(), Value::Object(entry));
            }
            Value::Object(obj)
        })
        .collect();
    let doc = json!({
        "dataset": {"version": ds.meta.version, "date": ds.meta.date},
        "models": models,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
