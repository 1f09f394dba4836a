//! Sentence splitting on hostile runs (issue 10, row 12): runs of `"`, `."` and brackets
//! once made it quadratic. Two sizes of each run: time should grow about fourfold from
//! 25 KB to 100 KB, not sixteenfold. Sized for a small shared machine.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rawi::segment::split_text;
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("split_text");
    g.warm_up_time(Duration::from_millis(300));
    g.measurement_time(Duration::from_secs(2));
    g.sample_size(10);
    for run in ["\"", ".\"", "(", "]"] {
        for bytes in [25_000, 100_000] {
            let text = format!("نص {}", run.repeat(bytes / run.len()));
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(BenchmarkId::new(run, bytes), &text, |b, t| {
                b.iter(|| black_box(split_text(black_box(t))))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
