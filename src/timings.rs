//! Wall time spent in each stage of a build, for `--timings` and the
//! benchmark. Stages that run concurrently (the PDF beside the pages) are
//! each timed on their own, so their sum can exceed the build's wall time.

use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
    /// Peak memory of the process (KiB) when each stage last ended, so the
    /// stage that raised it shows.
    peaks: Vec<(&'static str, u64)>,
}

impl Timings {
    /// Runs `f`, recording its wall time under `stage`.
    pub fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(stage, start.elapsed());
        out
    }

    /// Adds `d` to `stage` (a stage timed in several pieces is summed).
    pub fn add(&mut self, stage: &'static str, d: Duration) {
        match self.stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, total)) => *total += d,
            None => self.stages.push((stage, d)),
        }
        if let Some(kb) = peak_memory_kb() {
            match self.peaks.iter_mut().find(|(s, _)| *s == stage) {
                Some((_, peak)) => *peak = kb,
                None => self.peaks.push((stage, kb)),
            }
        }
    }

    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    /// One line per stage, `temps<TAB>stage<TAB>seconds`, in the order they
    /// ran; then, where the system tells it (Linux), the peak memory of the
    /// process so far, `memoire<TAB>pic<TAB>MiB`, preceded by the peak when
    /// each stage ended, `memoire<TAB>apres-<stage><TAB>MiB`.
    pub fn report(&self) -> String {
        let mut out: String = self
            .stages
            .iter()
            .map(|(s, d)| format!("temps\t{s}\t{:.4}\n", d.as_secs_f64()))
            .collect();
        for (s, kb) in &self.peaks {
            out.push_str(&format!("memoire\tapres-{s}\t{:.1}\n", *kb as f64 / 1024.0));
        }
        if let Some(kb) = peak_memory_kb() {
            out.push_str(&format!("memoire\tpic\t{:.1}\n", kb as f64 / 1024.0));
        }
        out
    }
}

/// The process's peak resident memory (`VmHWM`), in KiB, on Linux.
pub fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_keep_their_order_and_sum() {
        let mut t = Timings::default();
        t.add("load", Duration::from_millis(5));
        t.add("render", Duration::from_millis(7));
        t.add("load", Duration::from_millis(5));
        let names: Vec<&str> = t.stages().iter().map(|(s, _)| *s).collect();
        assert_eq!(names, ["load", "render"]);
        assert_eq!(t.stages()[0].1, Duration::from_millis(10));
        assert!(t.report().starts_with("temps\tload\t0.0100\n"));
    }
}
