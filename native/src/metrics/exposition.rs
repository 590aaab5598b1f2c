//! The registry in Prometheus' text format (version 0.0.4), every series with the engine's label.

use std::fmt::Write;

use super::registry::{Registry, Series};

/// Label values are quoted: a backslash, a quote and a line break are escaped.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

fn labels(engine: &str, own: &[(&'static str, String)], extra: Option<(&str, &str)>) -> String {
    let mut out = format!("{{engine=\"{}\"", escape(engine));
    for (k, v) in own {
        let _ = write!(out, ",{k}=\"{}\"", escape(v));
    }
    if let Some((k, v)) = extra {
        let _ = write!(out, ",{k}=\"{v}\"");
    }
    out.push('}');
    out
}

/// Every family of `registry`, each series labelled `engine`.
pub fn render(registry: &Registry, engine: &str) -> String {
    registry.refresh();
    let mut out = String::new();
    registry.each(|name, family| {
        let _ = writeln!(out, "# HELP {name} {}", family.help);
        let _ = writeln!(out, "# TYPE {name} {}", family.kind.name());
        for (own, series) in &family.series {
            match series {
                Series::Counter(c) => {
                    let _ = writeln!(out, "{name}{} {}", labels(engine, own, None), c.get());
                }
                Series::Gauge(g) => {
                    let _ = writeln!(out, "{name}{} {}", labels(engine, own, None), g.get());
                }
                Series::Histogram(h) => {
                    let (buckets, sum, count) = h.snapshot();
                    for (bound, n) in buckets {
                        let le = bound.map_or_else(|| "+Inf".to_string(), |b| b.to_string());
                        let _ = writeln!(
                            out,
                            "{name}_bucket{} {n}",
                            labels(engine, own, Some(("le", &le)))
                        );
                    }
                    let _ = writeln!(out, "{name}_sum{} {sum}", labels(engine, own, None));
                    let _ = writeln!(out, "{name}_count{} {count}", labels(engine, own, None));
                }
            }
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_gauges_and_histograms_in_text_format() {
        let r = Registry::default();
        r.counter(
            "mqtt_x_total",
            "X sent.",
            vec![("element", "Pub \"1\"".into())],
        )
        .add(7);
        r.gauge("mqtt_up", "Up.", Vec::new()).set(-2.0);
        r.gauge("mqtt_rate", "Rate.", Vec::new()).set(0.25);
        let h = r.micros("mqtt_lat_us", "Latency.", vec![("element", "Sub".into())]);
        h.observe(70);
        let text = render(&r, "e1");
        assert!(
            text.contains(
                "# HELP mqtt_x_total X sent.\n# TYPE mqtt_x_total counter\n\
             mqtt_x_total{engine=\"e1\",element=\"Pub \\\"1\\\"\"} 7\n"
            ),
            "{text}"
        );
        assert!(text.contains("mqtt_up{engine=\"e1\"} -2\n"), "{text}");
        assert!(text.contains("mqtt_rate{engine=\"e1\"} 0.25\n"), "{text}");
        assert!(text.contains("# TYPE mqtt_lat_us histogram\n"), "{text}");
        assert!(
            text.contains("mqtt_lat_us_bucket{engine=\"e1\",element=\"Sub\",le=\"50\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("mqtt_lat_us_bucket{engine=\"e1\",element=\"Sub\",le=\"100\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("mqtt_lat_us_bucket{engine=\"e1\",element=\"Sub\",le=\"+Inf\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("mqtt_lat_us_sum{engine=\"e1\",element=\"Sub\"} 70\n"),
            "{text}"
        );
        assert!(
            text.contains("mqtt_lat_us_count{engine=\"e1\",element=\"Sub\"} 1\n"),
            "{text}"
        );
    }
}
